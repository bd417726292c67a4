// The step matcher, rule family by rule family: each fixture is an expectation as a case file
// writes it, what wsspec had sent, the target's observations, and the outcome with its exact
// reason or note.
#include "fixtures.hpp"

namespace wsspec::judge_fixtures {
namespace {

// ---- events in order --------------------------------------------------------------------

TEST(StepMatcherOrder, Fixtures) {
  const std::vector<step_fixture> fixtures = {
      {"an echo matches by size and digest",
       R"([{"message": {"opcode": "text", "payload": "echo"}}])",
       sent().message("Hello"),
       {text("Hello")},
       matched,
       verdict::pass,
       ""},
      {"an echo with other bytes is a mismatch",
       R"([{"message": {"opcode": "text", "payload": "echo"}}])",
       sent().message("Hello"),
       {text("Hellp")},
       mismatched,
       verdict::fail,
       "expected a text message echoing what was sent; got a text message of 5 bytes: 48 65 6c "
       "6c 70 |Hellp| (RFC 6455 5.2)"},
      {"a binary echo of a text message is a mismatch",
       R"([{"message": {"opcode": "text", "payload": "echo"}}])",
       sent().message("Hello"),
       {binary("Hello")},
       mismatched,
       verdict::fail,
       "expected a text message echoing what was sent; got a binary message of 5 bytes: 48 65 "
       "6c 6c 6f |Hello| (RFC 6455 5.2)"},
      {"an exact payload",
       R"([{"message": {"payload": {"hex": "ce ba"}}}])",
       {},
       {binary("\xce\xba")},
       matched,
       verdict::pass,
       ""},
      {"two events in order",
       R"([{"pong": {"payload": "echo"}}, {"message": {"payload": "echo"}}])",
       sent().message("m").pings({"p"}),
       {pong("p"), text("m")},
       matched,
       verdict::pass,
       ""},
      {"the second event wrong, after one matching",
       R"([{"pong": {"payload": "echo"}}, {"message": {"payload": "echo"}}])",
       sent().message("m").pings({"p"}),
       {pong("p"), close(1000)},
       mismatched,
       verdict::fail,
       "expected a pong echoing the ping's payload, then a message echoing what was sent; got a "
       "close frame with code 1000 (after 1 matching event(s)) (RFC 6455 5.2)"},
      {"not decided while the events have not all come",
       R"([{"message": {"payload": "echo"}}, {"message": {"payload": "echo"}}])",
       sent().message("m"),
       {text("m")},
       pending,
       verdict::pass,
       ""},
      {"an idle time-out says how long nothing came",
       R"([{"message": {"payload": "echo"}}])",
       sent().message("m"),
       {idle(2000)},
       mismatched,
       verdict::fail,
       "expected a message echoing what was sent; nothing for 2000 ms (time-out) (RFC 6455 5.2)"},
      {"an invalid frame names its own section, not the case's",
       R"([{"message": {"payload": "echo"}}])",
       sent().message("m"),
       {broke(codec::protocol_error::reserved_opcode, 7, std::string("\x83\x00", 2))},
       mismatched,
       verdict::fail,
       "expected a message echoing what was sent; got an invalid frame: the frame uses a reserved "
       "opcode (0x3-0x7 or 0xB-0xF) (RFC 6455 5.2) at byte 7; the frame starts 2 bytes: 83 00 "
       "|..|"},
      {"the target's pings are answered by the runner, not judged",
       R"([{"message": {"payload": "echo"}}])",
       sent().message("m"),
       {ping("hb"), text("m")},
       matched,
       verdict::pass,
       ""},
      {"a fragment is part of a message still to come",
       R"([{"message": {"payload": "echo"}}])",
       sent().message("m"),
       {target(kind::fragment), text("m")},
       matched,
       verdict::pass,
       ""},
      {"the first complete alternative in written order decides",
       R"({"one_of": [{"grade": "pass", "events": [{"close": {"codes": [1000]}}]},
                      {"grade": "non-strict", "events": [{"close": {}}], "note": "any close"}]})",
       {},
       {close(1000)},
       matched,
       verdict::pass,
       ""},
      {"a later alternative with its note",
       R"({"one_of": [{"grade": "pass", "events": [{"close": {"codes": [1000]}}]},
                      {"grade": "non-strict", "events": [{"close": {}}], "note": "any close"}]})",
       {},
       {close(1001)},
       matched,
       verdict::non_strict,
       "any close (the target sent a close frame with code 1001)"},
      {"a graded close quotes the target's own reason",
       R"({"one_of": [{"grade": "pass", "events": [{"message": {"payload": "echo"}}]},
                      {"grade": "info", "events": [{"fail": {"codes": [1008, 1009]}}],
                       "note": "a limit"}]})",
       sent().message("m"),
       {close(1008, "Max fragments")},
       matched,
       verdict::info,
       "a limit (the target sent a close frame with code 1008 and reason 13 bytes: 4d 61 78 20 "
       "66 72 61 67 6d 65 6e 74 73 |Max fragments|)"},
      {"a wrong close code in a close expectation",
       R"([{"close": {"codes": [1000]}}])",
       {},
       {close(1002)},
       mismatched,
       verdict::fail,
       "expected a close frame with code 1000; got a close frame with code 1002 (RFC 6455 5.2)"},
      {"an empty close body has no code",
       R"([{"close": {"codes": [1000]}}])",
       {},
       {close(std::nullopt)},
       mismatched,
       verdict::fail,
       "expected a close frame with code 1000; got a close frame without a status code (RFC 6455 "
       "5.2)"},
      {"a drop", R"([{"drop": {}}])", {}, {reset()}, matched, verdict::pass, ""},
  };
  for (const auto& f : fixtures) check(f);
}

// ---- `any`: the fuzzer's wildcard -----------------------------------------------------------

TEST(StepMatcherAny, Fixtures) {
  const std::vector<step_fixture> fixtures = {
      {"valid frames, then the awaited pong",
       R"([{"any": {}}, {"pong": {"payload": "echo"}}])",
       sent().pings({"p"}),
       {text("x"), close(1000), pong("p")},
       matched,
       verdict::pass,
       ""},
      {"an invalid frame does not match",
       R"([{"any": {}}, {"pong": {"payload": "echo"}}])",
       sent().pings({"p"}),
       {text("x"), broke(codec::protocol_error::invalid_utf8, 9)},
       mismatched,
       verdict::fail,
       "expected any valid frames, then a pong echoing the ping's payload; got an invalid frame: "
       "a text message is not valid UTF-8 (RFC 6455 8.1) at byte 9 (after 1 matching event(s))"},
      {"as the last event, the connection's end",
       R"([{"any": {}}])",
       {},
       {text("x"), drop()},
       matched,
       verdict::pass,
       ""},
      {"as the last event, the time-out",
       R"([{"any": {}}])",
       {},
       {idle(100)},
       matched,
       verdict::pass,
       ""},
  };
  for (const auto& f : fixtures) check(f);
}

// ---- the opening handshake ---------------------------------------------------------------

TEST(CiteSections, EachRfcNamedOnce) {
  EXPECT_EQ(cite_sections({}), "");
  EXPECT_EQ(cite_sections({"4.1", "4.2.1"}), " (RFC 6455 4.1, 4.2.1)");
  EXPECT_EQ(cite_sections({"5.2", "RFC 7692 7.2.1", "RFC 7692 6.1", "10.4"}),
            " (RFC 6455 5.2; RFC 7692 7.2.1, 6.1; RFC 6455 10.4)");
}

TEST(StepMatcherHandshake, Fixtures) {
  const codec::http_fields with_version = {{"Sec-WebSocket-Version", "13"}};
  const std::vector<step_fixture> fixtures = {
      {"a status in the list",
       R"([{"handshake": {"status": [400, 426]}}])",
       {},
       {response(426)},
       matched,
       verdict::pass,
       ""},
      {"a status not in the list",
       R"([{"handshake": {"status": [400, 426]}}])",
       {},
       {response(101)},
       mismatched,
       verdict::fail,
       "expected an HTTP 400/426 response; got an HTTP 101 response (RFC 6455 5.2)"},
      {"a header that must list a token",
       R"([{"handshake": {"status": [426], "headers": [["Sec-WebSocket-Version", "13"]]}}])",
       {},
       {response(426, with_version)},
       matched,
       verdict::pass,
       ""},
      {"the header missing",
       R"([{"handshake": {"status": [426], "headers": [["Sec-WebSocket-Version", "13"]]}}])",
       {},
       {response(426)},
       mismatched,
       verdict::fail,
       "expected an HTTP 426 response with Sec-WebSocket-Version: 13; got an HTTP 426 response: "
       "it has no Sec-WebSocket-Version header (RFC 6455 5.2)"},
      {"the header there without the token",
       R"([{"handshake": {"status": [426], "headers": [["Sec-WebSocket-Version", "13"]]}}])",
       {},
       {response(426, {{"Sec-WebSocket-Version", "8"}})},
       mismatched,
       verdict::fail,
       "expected an HTTP 426 response with Sec-WebSocket-Version: 13; got an HTTP 426 response: "
       "its Sec-WebSocket-Version header does not list 13 (RFC 6455 5.2)"},
      {"a 101 with CRLF line ends where CRLF is asked",
       R"([{"handshake": {"status": [101], "crlf": true}}])",
       sent(),
       {response(101)},
       matched,
       verdict::pass,
       ""},
      {"a 101 with bare LF line ends where CRLF is asked",
       R"([{"handshake": {"status": [101], "crlf": true}}])",
       sent(),
       {[] {
         observation o = response(101);
         o.bare_lf = true;
         return o;
       }()},
       mismatched,
       verdict::fail,
       "expected an HTTP 101 response with every line ending in CRLF; got an HTTP 101 response "
       "whose lines end with a bare LF (RFC 6455 5.2)"},
      {"a class of statuses is named as a class",
       R"([{"handshake": {"status": [400, 403, 404, 426, 500]}}])",
       {},
       {response(101)},
       mismatched,
       verdict::fail,
       "expected an HTTP 4xx/5xx error response; got an HTTP 101 response (RFC 6455 5.2)"},
      {"a header that must be absent",
       R"([{"handshake": {"headers": [["Sec-WebSocket-Version", ""]]}}])",
       {},
       {response(400, with_version)},
       mismatched,
       verdict::fail,
       "expected an HTTP any-status response with Sec-WebSocket-Version absent; got an HTTP 400 "
       "response: it has a Sec-WebSocket-Version header it must not have (RFC 6455 5.2)"},
      {"a 101 that breaks RFC 6455 4.1 is not the expected 101",
       R"([{"handshake": {"status": [101]}}])",
       {},
       {[] {
         observation o = response(101);
         o.rule.handshake = codec::response_error::accept_mismatch;
         o.rule.detail = "the Sec-WebSocket-Accept does not match the key sent";
         return o;
       }()},
       mismatched,
       verdict::fail,
       "expected an HTTP 101 response; got an HTTP 101 response that breaks a rule: the "
       "Sec-WebSocket-Accept does not match the key sent (RFC 6455 4.1)"},
  };
  for (const auto& f : fixtures) check(f);
}

}  // namespace
}  // namespace wsspec::judge_fixtures
