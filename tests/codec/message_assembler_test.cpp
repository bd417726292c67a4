// Message assembly across frames (RFC 6455 5.4, 5.5, 8.1, 10.4; RFC 7692 6.1).
#include <gtest/gtest.h>

#include <string>

#include "wsspec/codec/message_assembler.hpp"

namespace wsspec::codec {
namespace {

using bytes = std::vector<std::uint8_t>;

struct frame {
  opcode op;
  bool fin;
  std::string payload;
  std::uint8_t rsv = 0;
};

struct outcome {
  std::vector<std::string> messages;  // "text:..." / "binary:..." / "ping:..."
  protocol_error error = protocol_error::none;
  std::size_t error_frame = 0;
};

// Feeds each frame's payload in `slice`-byte pieces.
outcome assemble(const std::vector<frame>& frames, assembler_options o = {},
                 std::size_t slice = 0) {
  message_assembler a(o);
  outcome out;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& f = frames[i];
    frame_header h;
    h.op = f.op;
    h.fin = f.fin;
    h.rsv = f.rsv;
    h.payload_length = f.payload.size();
    auto fail = [&](protocol_error e) {
      out.error = e;
      out.error_frame = i;
      return out;
    };
    if (auto e = a.begin_frame(h); e != protocol_error::none) return fail(e);
    const bytes p(f.payload.begin(), f.payload.end());
    const std::size_t step = slice ? slice : std::max<std::size_t>(p.size(), 1);
    for (std::size_t pos = 0; pos < p.size(); pos += step) {
      const auto n = std::min(step, p.size() - pos);
      if (auto e = a.append(std::span(p).subspan(pos, n)); e != protocol_error::none)
        return fail(e);
    }
    assembled what;
    if (auto e = a.end_frame(what); e != protocol_error::none) return fail(e);
    if (what == assembled::message) {
      out.messages.push_back(std::string(to_string(a.message_opcode())) + ":" +
                             std::string(a.message().begin(), a.message().end()));
    } else if (what == assembled::control) {
      out.messages.push_back(std::string(to_string(a.control_opcode())) + ":" +
                             std::string(a.control_payload().begin(), a.control_payload().end()));
    }
  }
  return out;
}

using op = opcode;

TEST(MessageAssembler, SingleAndFragmentedMessages) {
  const auto r = assemble({{op::text, true, "one"},
                           {op::binary, false, "tw"},
                           {op::continuation, false, ""},
                           {op::continuation, true, "o"}});
  EXPECT_EQ(r.error, protocol_error::none);
  EXPECT_EQ(r.messages, (std::vector<std::string>{"text:one", "binary:two"}));
}

TEST(MessageAssembler, ControlFramesBetweenFragments) {
  const auto r = assemble({{op::text, false, "fra"},
                           {op::ping, true, "p1"},
                           {op::continuation, false, "gm"},
                           {op::pong, true, ""},
                           {op::continuation, true, "ent"}});
  EXPECT_EQ(r.error, protocol_error::none);
  EXPECT_EQ(r.messages, (std::vector<std::string>{"ping:p1", "pong:", "text:fragment"}));
}

TEST(MessageAssembler, ContinuationWithoutStart) {
  const auto r = assemble({{op::text, true, "done"}, {op::continuation, true, "x"}});
  EXPECT_EQ(r.error, protocol_error::continuation_without_message);
  EXPECT_EQ(r.error_frame, 1u);
  EXPECT_EQ(rfc_section(r.error), "5.4");
}

TEST(MessageAssembler, NewDataFrameInsideFragmentedMessage) {
  const auto r = assemble({{op::text, false, "a"}, {op::binary, true, "b"}});
  EXPECT_EQ(r.error, protocol_error::data_frame_inside_message);
  EXPECT_EQ(r.error_frame, 1u);
}

TEST(MessageAssembler, InvalidUtf8FailsAtTheFrameHoldingTheBadByte) {
  // U+20AC split over three frames, then a bad continuation in the fourth.
  const auto ok = assemble({{op::text, false, "\xE2"},
                            {op::continuation, false, "\x82"},
                            {op::continuation, true, "\xAC"}});
  EXPECT_EQ(ok.error, protocol_error::none);
  EXPECT_EQ(ok.messages, (std::vector<std::string>{"text:\xE2\x82\xAC"}));

  message_assembler a;
  frame_header h;
  h.op = op::text;
  h.fin = false;
  ASSERT_EQ(a.begin_frame(h), protocol_error::none);
  const bytes first = {'a', 'b', 0xCE};  // start of a 2-byte sequence
  ASSERT_EQ(a.append(first), protocol_error::none);
  assembled what;
  ASSERT_EQ(a.end_frame(what), protocol_error::none);
  h.op = op::continuation;
  ASSERT_EQ(a.begin_frame(h), protocol_error::none);
  const bytes second = {'c'};  // not a continuation byte: fail now, not at the end
  EXPECT_EQ(a.append(second), protocol_error::invalid_utf8);
  EXPECT_EQ(a.utf8_error_offset(), 3u);
}

TEST(MessageAssembler, TextEndingInsideACodePointIsInvalid) {
  const auto r = assemble({{op::text, true, "ok\xF0\x9F\x98"}});
  EXPECT_EQ(r.error, protocol_error::invalid_utf8);
}

TEST(MessageAssembler, BinaryIsNotUtf8Checked) {
  EXPECT_EQ(assemble({{op::binary, true, "\xFF\xFE"}}).error, protocol_error::none);
}

TEST(MessageAssembler, MessageSizeLimitCountsAllFragments) {
  assembler_options o;
  o.max_message_size = 10;
  EXPECT_EQ(assemble({{op::binary, false, "12345"}, {op::continuation, true, "67890"}}, o).error,
            protocol_error::none);
  const auto r = assemble({{op::binary, false, "12345"}, {op::continuation, true, "678901"}}, o, 1);
  EXPECT_EQ(r.error, protocol_error::message_too_large);
  EXPECT_EQ(close_code_for(r.error), 1009);
}

TEST(MessageAssembler, CloseBodyIsValidated) {
  EXPECT_EQ(assemble({{op::close, true, "\x03"}}).error, protocol_error::close_payload_one_byte);
  EXPECT_EQ(assemble({{op::close, true, std::string("\x03\xED", 2)}}).error,
            protocol_error::close_code_invalid);  // 1005
  EXPECT_EQ(assemble({{op::close, true, std::string("\x03\xE8\xC0", 3)}}).error,
            protocol_error::close_reason_invalid_utf8);
  const auto r = assemble({{op::close, true, std::string("\x03\xE8", 2) + "bye"}});
  EXPECT_EQ(r.error, protocol_error::none);
}

TEST(MessageAssembler, CompressedBitRules) {
  assembler_options o;
  o.compressed_messages = true;
  EXPECT_EQ(assemble({{op::text, false, "x", rsv1_bit}, {op::continuation, true, "y"}}, o).error,
            protocol_error::none);
  EXPECT_EQ(assemble({{op::text, false, "x", rsv1_bit}, {op::continuation, true, "y", rsv1_bit}}, o)
                .error,
            protocol_error::compressed_bit_on_continuation);
  EXPECT_EQ(assemble({{op::ping, true, "", rsv1_bit}}, o).error,
            protocol_error::compressed_bit_on_control);
}

}  // namespace
}  // namespace wsspec::codec
