#include "run/opening_response.hpp"

#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/http.hpp"

namespace wsspec {

std::string build_opening_response(const respond_spec& r, std::string_view key) {
  if (r.raw) return *r.raw;
  codec::http_fields fields = {{"Upgrade", "websocket"},
                               {"Connection", "Upgrade"},
                               {"Sec-WebSocket-Accept", codec::compute_accept(key)}};
  for (const auto& name : r.remove) codec::remove_fields(fields, name);
  for (const auto& [name, value] : r.set) codec::set_field(fields, name, value);
  for (const auto& [name, value] : r.add) fields.push_back({name, value});
  std::string head =
      "HTTP/1.1 " + std::to_string(r.status) + " " +
      std::string(r.reason ? std::string_view(*r.reason) : codec::reason_phrase(r.status)) + "\r\n";
  for (const auto& f : fields) head += f.name + ": " + f.value + "\r\n";
  return head + "\r\n";
}

int status_of_head(std::string_view head) {
  const auto sp = head.find(' ');
  if (sp == std::string_view::npos || head.size() < sp + 4) return 0;
  int status = 0;
  for (std::size_t i = sp + 1; i < sp + 4; ++i) {
    if (head[i] < '0' || head[i] > '9') return 0;
    status = status * 10 + (head[i] - '0');
  }
  return status;
}

}  // namespace wsspec
