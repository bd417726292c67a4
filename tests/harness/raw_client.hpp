// A hand-written client for cases run in the server role (wsspec serve-cases): it sends an
// opening request, waits for wsspec's response head and first message, writes what the test
// makes, then reads until wsspec closes. Tests use it to do a thing right or wrong on purpose.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include "client_under_test.hpp"
#include "run/interpreter.hpp"

namespace wsspec::test {

// A valid opening request with these extra header lines ("Name: value\r\n" each).
inline std::string request_with(const std::string& extra_lines) {
  return valid_request.substr(0, valid_request.size() - 2) + extra_lines + "\r\n";
}

inline std::string request_offering(const std::string& extensions) {
  return request_with("Sec-WebSocket-Extensions: " + extensions + "\r\n");
}

// One masked frame of up to 65535 bytes (`b0`: FIN, RSV and opcode), with a fresh random key.
inline std::string masked_frame(std::uint8_t b0, const std::string& payload) {
  static std::random_device keys;
  std::string out(1, static_cast<char>(b0));
  if (payload.size() < 126) {
    out += static_cast<char>(0x80 | payload.size());
  } else {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(payload.size() >> 8);
    out += static_cast<char>(payload.size() & 0xff);
  }
  const std::uint32_t k = keys();
  const std::array<char, 4> key = {char(k >> 24), char(k >> 16), char(k >> 8), char(k)};
  out.append(key.data(), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += static_cast<char>(payload[i] ^ key[i % 4]);
  return out;
}

// Reads whole server frames (unmasked) until one with FIN arrives: the server's message.
inline void read_one_message(int s, std::string& in) {
  std::array<char, 65536> buf;
  for (std::size_t at = 0;;) {
    while (in.size() >= at + 2) {
      const auto b0 = static_cast<std::uint8_t>(in[at]);
      std::size_t len = static_cast<std::uint8_t>(in[at + 1]) & 0x7f, head = 2;
      if (len == 126) {
        if (in.size() < at + 4) break;
        len = (static_cast<std::uint8_t>(in[at + 2]) << 8) | static_cast<std::uint8_t>(in[at + 3]);
        head = 4;
      }
      if (in.size() < at + head + len) break;
      at += head + len;
      if (b0 & 0x80) return;
    }
    const auto n = ::read(s, buf.data(), buf.size());
    if (n <= 0) return;
    in.append(buf.data(), static_cast<std::size_t>(n));
  }
}

// A raw client: sends `request`, waits for wsspec's response head and first message, writes
// what `reply` makes, then reads until wsspec closes.
inline case_result against_raw_client(const test_case& c, const std::string& request,
                                      const std::function<std::string()>& reply,
                                      const run_options& options = quick()) {
  listener l;
  std::thread client([&] {
    const int s = test::connect_loopback(l.port());
    if (s >= 0) {
      (void)!::write(s, request.data(), request.size());
      std::string in;
      std::array<char, 4096> buf;
      std::size_t end = std::string::npos;
      while ((end = in.find("\r\n\r\n")) == std::string::npos) {
        const auto n = ::read(s, buf.data(), buf.size());
        if (n <= 0) break;
        in.append(buf.data(), static_cast<std::size_t>(n));
      }
      if (end != std::string::npos) {
        in.erase(0, end + 4);
        read_one_message(s, in);
        const std::string out = reply();
        (void)!::write(s, out.data(), out.size());
        while (::read(s, buf.data(), buf.size()) > 0) {
        }
      }
    }
    if (s >= 0) ::close(s);
  });
  std::string error;
  auto conn = connection::adopt(l.accept_one(), error);
  EXPECT_TRUE(conn) << error;
  auto r = run_case_for_client(c, options, std::move(conn), "");
  client.join();
  return r;
}

inline std::string close_frame(std::uint16_t code, const std::string& reason) {
  std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  return masked_frame(0x88, body + reason);
}

}  // namespace wsspec::test
