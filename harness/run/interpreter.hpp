// Runs one test case against a target server over one connection and judges what it does.
#pragma once

#include <cstdint>

#include "cases/case_model.hpp"
#include "transport/connection.hpp"
#include "transport/url.hpp"
#include "wsspec/reports/case_result.hpp"

namespace wsspec {

struct run_options {
  ws_url url;
  tls_options tls;
  std::uint32_t timeout_ms = 0;           // overrides every case's time-out when non-zero
  std::uint32_t close_timeout_ms = 2000;  // how long a closing handshake step may take
  std::uint64_t max_message_size = std::uint64_t{64} << 20;  // what wsspec accepts from a target
  std::size_t max_transcript_lines = 400;
};

case_result run_case(const test_case& c, const run_options& options);

}  // namespace wsspec
