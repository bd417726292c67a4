// `--client-cmd`: no driver needed. For each selected case wsspec starts the client with the
// case's runCase URL, waits for that case's result (the client connects, the listener runs the
// case), and stops the client. --jobs N starts N clients at once, and a client whose case is
// under way makes room for the next (up to 2N alive); each case is still its own connection,
// so verdicts do not depend on N.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "run/interpreter.hpp"
#include "serve_cases/result_store.hpp"

namespace wsspec::serve_cases {

struct client_driver_options {
  std::vector<std::string> command;  // shell_split words, with "{url}" somewhere
  std::string base_url;              // "ws://127.0.0.1:40123/"
  std::string agent;                 // safe name
  unsigned jobs = 1;                 // clients starting at once
  // How long the client may take to connect (and, once connected, added to the case's bound).
  std::chrono::milliseconds client_timeout{10000};
  std::string log;  // the clients' stdout and stderr are appended here ("" : discarded)
  run_options run;  // for each case's bound
};

// Runs the cases of `which` (indices into `cases`). A client that does not connect in time, or
// exits before it connects, gets the case recorded through `record` as `error` with the reason
// (wsspec could not run the case: the setup is broken). Returns early when stop() says so.
void drive_clients(const std::vector<test_case>& cases, const std::vector<std::size_t>& which,
                   const client_driver_options& options, result_store& store,
                   const std::function<void(std::size_t index, case_result r)>& record,
                   const std::function<bool()>& stop);

// "ws://H:P/runCase?case=N&agent=A" (N is 1-based; A is %-encoded).
std::string run_case_url(const std::string& base_url, std::size_t index, const std::string& agent);

}  // namespace wsspec::serve_cases
