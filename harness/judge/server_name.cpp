#include "judge/server_name.hpp"

#include <arpa/inet.h>

#include <array>

#include "wsspec/codec/http.hpp"

namespace wsspec {

namespace {

bool is_ip_literal(const std::string& host) {
  std::array<unsigned char, 16> buf{};
  return inet_pton(AF_INET, host.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buf.data()) == 1;
}

// RFC 6066 3: the name is sent without the trailing dot of a fully qualified name.
std::string without_root_dot(std::string s) {
  if (s.size() > 1 && s.back() == '.') s.pop_back();
  return s;
}

// Names from the peer go into reasons quoted and cut short: they are untrusted text.
std::string quoted(std::string_view s) {
  constexpr std::size_t most = 80;
  return "'" + std::string(s.substr(0, most)) + (s.size() > most ? "...'" : "'");
}

constexpr const char* rule =
    "RFC 6455 4.1: a client opening a wss:// connection MUST name the server's host in its TLS "
    "handshake with the Server Name Indication extension (RFC 6066)";

}  // namespace

std::string host_of_field(std::string_view field) {
  field = codec::trim_ows(field);
  if (!field.empty() && field.front() == '[') {
    const std::size_t close = field.find(']');
    return std::string(field.substr(1, close == std::string_view::npos ? field.npos : close - 1));
  }
  return std::string(field.substr(0, field.rfind(':')));
}

server_name_judgement judge_server_name(bool tls, const std::optional<std::string>& sni,
                                        std::string_view host_field) {
  if (!tls)
    return {verdict::unimplemented,
            "the connection is not TLS, so there is no server name to check: run wsspec "
            "serve-cases with --tls and give the client the wss:// URL it prints"};
  const std::string host = without_root_dot(host_of_field(host_field));
  if (is_ip_literal(host))
    return {verdict::unimplemented,
            "the client's URL names the IP address " + quoted(host) +
                ", which SNI cannot carry (RFC 6066 3): give the client a URL with a host name "
                "(serve-cases --tls prints wss://localhost:PORT/)"};
  if (!sni)
    return {verdict::fail, "the client's TLS ClientHello carried no server name (SNI) for " +
                               quoted(host) + "; " + rule};
  if (!codec::iequals(without_root_dot(*sni), host))
    return {verdict::fail, "the client's TLS ClientHello names " + quoted(*sni) +
                               " (SNI), not the host of its URL " + quoted(host) + "; " + rule};
  return {};
}

}  // namespace wsspec
