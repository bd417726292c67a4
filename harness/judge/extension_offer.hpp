// The extensions a client offers in its opening request (RFC 6455 9.1) and the reason of a
// close 1010 it sends when the server did not agree to one it needs (7.4.1), judged against
// what wsspec knows of IANA's WebSocket Extension Name Registry (11.4). Pure functions.
//
// A token wsspec knows to be unregistered (a draft-era name such as x-webkit-deflate-frame)
// fails; a token it does not know at all is only `info`, since the registry may have grown
// since wsspec's copy and a false `fail` would be wsspec's error, not the client's. The
// parameters of permessage-deflate are checked by the codec's RFC 7692 7 rules; the
// parameters of other registered extensions are not judged.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "wsspec/codec/handshake.hpp"
#include "wsspec/reports/case_result.hpp"

namespace wsspec {

struct extension_judgement {
  verdict grade = verdict::pass;
  std::string reason;  // empty for pass
};

// RFC 6455 9.1: each offered extension-token MUST be a registered one, and its parameters MUST
// be ones its specification defines for an offer.
extension_judgement judge_extension_offer(std::span<const codec::extension_offer> offer);

// RFC 6455 7.4.1: a client's 1010 SHOULD list, in its reason, the extensions it needed and did
// not get; those are among the ones it offered, so a reason naming none of them is non-strict.
extension_judgement judge_1010_reason(std::string_view reason,
                                      std::span<const codec::extension_offer> offer);

}  // namespace wsspec
