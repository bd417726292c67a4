#include "cases/case_writer.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>

#include "wsspec/codec/utf8.hpp"

namespace wsspec {

namespace {

// Keys in the order a reader of cases/README.md expects them.
using ojson = nlohmann::ordered_json;

bool valid_utf8(const std::string& s) {
  return codec::validate_utf8(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()))
      .valid;
}

std::string hex(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  char b[4];
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::snprintf(b, sizeof b, i ? " %02x" : "%02x", static_cast<unsigned char>(bytes[i]));
    out += b;
  }
  return out;
}

// For payloads that are sent: a plain string is its bytes.
ojson payload(const payload_spec& p) {
  switch (p.how) {
    case payload_spec::kind::bytes:
      if (valid_utf8(p.bytes)) return p.bytes;
      return {{"hex", hex(p.bytes)}};
    case payload_spec::kind::repeat:
      if (valid_utf8(p.pattern)) return {{"repeat", p.pattern}, {"size", p.size}};
      return {{"repeat_hex", hex(p.pattern)}, {"size", p.size}};
    case payload_spec::kind::random:
      return {{"random", p.seed}, {"size", p.size}};
    case payload_spec::kind::data_set:
      return {{"data_set", std::string(name_of(p.set))}, {"size", p.size}};
  }
  return "";
}

// For payloads that are expected: the plain string "echo" means "what was sent", so the
// literal bytes "echo" must be spelled out.
ojson expected_payload(const payload_spec& p) {
  if (p.how == payload_spec::kind::bytes && p.bytes == "echo") return {{"text", "echo"}};
  return payload(p);
}

ojson opcode(std::uint8_t op) {
  switch (op) {
    case 0:
      return "continuation";
    case 1:
      return "text";
    case 2:
      return "binary";
    case 8:
      return "close";
    case 9:
      return "ping";
    case 10:
      return "pong";
    default:
      return op;
  }
}

void shape(ojson& o, const write_shape& s) {
  if (s.chunk) o["chunk"] = s.chunk;
  if (s.delay_ms) o["delay_ms"] = s.delay_ms;
}

ojson header_lines(const std::vector<std::pair<std::string, std::string>>& lines) {
  ojson a = ojson::array();
  for (const auto& [name, value] : lines)
    a.push_back({name, payload(payload_spec{.bytes = value})});
  return a;
}

ojson step_json(const send_frame& f) {
  ojson o;
  o["opcode"] = opcode(f.opcode);
  if (!f.fin) o["fin"] = false;
  if (f.rsv) o["rsv"] = f.rsv;
  if (!f.masked) {
    o["mask"] = "none";
  } else if (f.key) {
    char k[9];
    std::snprintf(k, sizeof k, "%02x%02x%02x%02x", (*f.key)[0], (*f.key)[1], (*f.key)[2],
                  (*f.key)[3]);
    o["mask"] = k;
  }
  if (f.form == send_frame::length_form::bits16) o["length_form"] = "16";
  if (f.form == send_frame::length_form::bits64) o["length_form"] = "64";
  if (f.length) o["length"] = *f.length;
  o["payload"] = payload(f.payload);
  if (f.count != 1) o["count"] = f.count;
  shape(o, f.shape);
  return {{"send_frame", o}};
}

ojson step_json(const send_message& m) {
  ojson o;
  o["opcode"] = opcode(m.opcode);
  o["payload"] = payload(m.payload);
  if (m.fragment_size) o["fragment_size"] = m.fragment_size;
  if (m.count != 1) o["count"] = m.count;
  if (m.compressed) o["compressed"] = true;
  shape(o, m.shape);
  return {{"send_message", o}};
}

ojson step_json(const send_raw& r) {
  ojson o;
  if (valid_utf8(r.bytes)) {
    o["text"] = r.bytes;
  } else {
    o["hex"] = hex(r.bytes);
  }
  shape(o, r.shape);
  return {{"send_raw", o}};
}

ojson step_json(const handshake_spec& h) {
  ojson o = ojson::object();
  if (h.raw) {
    if (!valid_utf8(*h.raw))
      throw std::invalid_argument("a raw handshake head must be valid UTF-8 in a case file");
    o["raw"] = *h.raw;
  } else {
    if (h.method != "GET") o["method"] = h.method;
    if (h.target) o["target"] = *h.target;
    if (h.version != "HTTP/1.1") o["version"] = h.version;
    if (!h.add.empty()) o["add"] = header_lines(h.add);
    if (!h.remove.empty()) o["remove"] = h.remove;
    if (!h.set.empty()) o["set"] = header_lines(h.set);
  }
  if (!h.trailing.empty()) o["trailing_hex"] = hex(h.trailing);
  return {{"handshake", o}};
}

ojson step_json(const respond_spec& r) {
  ojson o = ojson::object();
  if (r.raw) {
    if (!valid_utf8(*r.raw))
      throw std::invalid_argument("a raw response head must be valid UTF-8 in a case file");
    o["raw"] = *r.raw;
  } else {
    if (r.status != 101) o["status"] = r.status;
    if (r.reason) o["reason"] = *r.reason;
    if (!r.add.empty()) o["add"] = header_lines(r.add);
    if (!r.remove.empty()) o["remove"] = r.remove;
    if (!r.set.empty()) o["set"] = header_lines(r.set);
  }
  if (r.delay_ms) o["delay_ms"] = r.delay_ms;
  return {{"respond", o}};
}

ojson step_json(const end_sending&) { return {{"end_sending", ojson::object()}}; }

ojson event_json(const expect_event& e) {
  auto echo_or_payload = [&](ojson& o) {
    if (e.echo && e.payload)
      throw std::invalid_argument("an expected event is either an echo or an explicit payload");
    if (e.echo) o["payload"] = "echo";
    if (e.payload) o["payload"] = expected_payload(*e.payload);
  };
  ojson o = ojson::object();
  switch (e.what) {
    case expect_event::kind::message:
      if (e.opcode) o["opcode"] = opcode(*e.opcode);
      echo_or_payload(o);
      return {{"message", o}};
    case expect_event::kind::pong:
      echo_or_payload(o);
      return {{"pong", o}};
    case expect_event::kind::close:
      if (!e.codes.empty()) o["codes"] = e.codes;
      return {{"close", o}};
    case expect_event::kind::fail:
      if (!e.codes.empty()) o["codes"] = e.codes;
      return {{"fail", o}};
    case expect_event::kind::drop:
      return {{"drop", o}};
    case expect_event::kind::silence:
      return {{"silence", o}};
    case expect_event::kind::any:
      return {{"any", o}};
    case expect_event::kind::handshake: {
      if (!e.statuses.empty()) o["status"] = e.statuses;
      if (e.crlf) o["crlf"] = true;
      if (!e.headers.empty()) {
        ojson hs = ojson::array();
        for (const auto& [name, value] : e.headers) hs.push_back({name, value});
        o["headers"] = hs;
      }
      return {{"handshake", o}};
    }
  }
  return o;
}

// The short form, a list of events, is the one-alternative case graded pass without a note.
ojson step_json(const expect_step& x) {
  ojson body;
  if (x.alternatives.size() == 1 && x.alternatives[0].grade == verdict::pass &&
      x.alternatives[0].note.empty()) {
    body = ojson::array();
    for (const auto& e : x.alternatives[0].events) body.push_back(event_json(e));
  } else {
    ojson alts = ojson::array();
    for (const auto& a : x.alternatives) {
      ojson alt;
      alt["grade"] = std::string(to_string(a.grade));
      ojson events = ojson::array();
      for (const auto& e : a.events) events.push_back(event_json(e));
      alt["events"] = events;
      if (!a.note.empty()) alt["note"] = a.note;
      alts.push_back(alt);
    }
    body = {{"one_of", alts}};
  }
  ojson o;
  if (x.timeout_ms) o["timeout_ms"] = x.timeout_ms;
  o["expect"] = body;
  return o;
}

// The loader reads "${name}" as a matrix reference in every string and "$${" as a literal
// "${" (cases/README.md, "Families"), so text that has "${" must be written as "$${".
void escape_references(ojson& v) {
  if (v.is_string()) {
    std::string& s = v.get_ref<std::string&>();
    for (std::size_t at = s.find("${"); at != std::string::npos; at = s.find("${", at + 3))
      s.insert(at, "$");
  } else if (v.is_structured()) {
    for (auto& child : v) escape_references(child);
  }
}

}  // namespace

std::string case_to_text(const test_case& c) {
  ojson j;
  j["id"] = c.id;
  j["title"] = c.title;
  if (c.autobahn) j["autobahn"] = *c.autobahn;
  j["rfc"] = c.rfc;
  if (!c.requirements.empty()) j["requirements"] = c.requirements;
  j["why"] = c.why;
  if (!c.tags.empty()) j["tags"] = c.tags;
  if (c.timeout_ms != test_case{}.timeout_ms) j["timeout_ms"] = c.timeout_ms;
  if (!c.close_at_end) j["close_at_end"] = false;
  if (c.check_alive) j["check_alive"] = true;
  if (c.deflate) j["deflate"] = *c.deflate;
  if (c.deflate_must_decline) j["deflate_must_decline"] = true;
  if (c.needs_extension_offer) j["needs_extension_offer"] = true;
  if (c.checks_sni) j["checks_sni"] = true;
  if (c.peer) j["peer"] = to_string(*c.peer);
  if (c.repeat != 1) j["repeat"] = c.repeat;
  if (!c.chops.empty()) j["chops"] = c.chops;
  ojson steps = ojson::array();
  for (const auto& s : c.steps)
    steps.push_back(std::visit([](const auto& v) { return step_json(v); }, s));
  j["steps"] = steps;
  escape_references(j);
  // Titles and other text are the caller's; were they not valid UTF-8, dump() throws
  // (type_error 316) rather than writing a file the loader would reject.
  return j.dump(2) + "\n";
}

}  // namespace wsspec
