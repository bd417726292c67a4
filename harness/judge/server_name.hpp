// Did a client given a wss:// URL name the server in its TLS handshake (RFC 6455 4.1 makes it
// use the Server Name Indication extension of RFC 6066)? A pure function: whether the
// connection is TLS, the SNI host name the ClientHello carried (if any) and the opening
// request's Host field (the URL's host, as the client says it was given it) in; a verdict out.
//
// - not TLS: unimplemented (serve-cases runs without --tls: the rule has nothing to bind);
// - a Host that is an IP address: unimplemented (RFC 6066 3 keeps IP literals out of SNI, so
//   such a URL gives no name to send);
// - no SNI, or an SNI naming another host than the Host field (case-insensitively, a trailing
//   dot of a fully qualified name ignored): fail;
// - the same name: pass.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wsspec/reports/case_result.hpp"

namespace wsspec {

struct server_name_judgement {
  verdict grade = verdict::pass;
  std::string reason;  // empty for pass
};

server_name_judgement judge_server_name(bool tls, const std::optional<std::string>& sni,
                                        std::string_view host_field);

// The host of a Host field value: "localhost:9001" -> "localhost", "[::1]:9001" -> "::1".
std::string host_of_field(std::string_view host_field);

}  // namespace wsspec
