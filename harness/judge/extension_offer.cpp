#include "judge/extension_offer.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "wsspec/codec/permessage_deflate.hpp"

namespace wsspec {

namespace {

// IANA's WebSocket Extension Name Registry as wsspec knows it. permessage-deflate: RFC 7692
// 8.1; bbf-usp-protocol: Broadband Forum TR-369 (USP over WebSocket).
constexpr std::array<std::string_view, 2> registered = {"permessage-deflate", "bbf-usp-protocol"};

// Names clients have sent that the registry never held: the drafts' per-frame compression,
// and the multiplexing draft's tokens.
constexpr std::array<std::string_view, 5> never_registered = {
    "x-webkit-deflate-frame", "deflate-frame", "perframe-deflate", "mux", "x-google-mux"};

bool same_token(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, std::string_view token) {
  return std::any_of(list.begin(), list.end(),
                     [&](std::string_view t) { return same_token(t, token); });
}

std::string known_names() {
  std::string s;
  for (const std::string_view t : registered) s += (s.empty() ? "" : ", ") + std::string(t);
  return s;
}

// Whether `reason` contains `token`, ASCII case ignored.
bool mentions(std::string_view reason, std::string_view token) {
  if (token.empty() || token.size() > reason.size()) return false;
  for (std::size_t i = 0; i + token.size() <= reason.size(); ++i)
    if (same_token(reason.substr(i, token.size()), token)) return true;
  return false;
}

}  // namespace

extension_judgement judge_extension_offer(std::span<const codec::extension_offer> offer) {
  extension_judgement info;
  for (const codec::extension_offer& e : offer) {
    if (listed(never_registered, e.name))
      return {verdict::fail, "the client offered the extension \"" + e.name +
                                 "\", a name IANA's WebSocket Extension Name Registry never held; "
                                 "RFC 6455 9.1: an offered extension MUST be a registered one "
                                 "(11.4)"};
    if (!listed(registered, e.name)) {
      if (info.grade == verdict::pass)
        info = {verdict::info, "the client offered the extension \"" + e.name +
                                   "\", which is not in wsspec's copy of IANA's WebSocket "
                                   "Extension Name Registry (" +
                                   known_names() +
                                   "); RFC 6455 9.1 asks for registered names, so check the "
                                   "registry"};
      continue;
    }
    if (!same_token(e.name, codec::permessage_deflate_name)) continue;
    codec::deflate_element parsed;
    const auto error = codec::parse_deflate_element(e, codec::deflate_element_kind::offer, parsed);
    if (error != codec::deflate_negotiation_error::none)
      return {verdict::fail, "the client offered \"" + codec::format_extensions({&e, 1}) +
                                 "\": " + std::string(codec::describe(error)) + " (" +
                                 std::string(codec::rfc_section(error)) +
                                 "); RFC 6455 9.1: an offer's parameters MUST be ones its "
                                 "extension defines"};
  }
  return info;
}

extension_judgement judge_1010_reason(std::string_view reason,
                                      std::span<const codec::extension_offer> offer) {
  for (const codec::extension_offer& e : offer)
    if (mentions(reason, e.name)) return {};
  std::string offered;
  for (const codec::extension_offer& e : offer) offered += (offered.empty() ? "" : ", ") + e.name;
  return {verdict::non_strict,
          "the client closed with 1010 (an extension it needs was not agreed) and the reason \"" +
              std::string(reason) + "\", which names none of the extensions it offered (" +
              (offered.empty() ? std::string("none") : offered) +
              "); RFC 6455 7.4.1: the needed extensions SHOULD be listed in the reason"};
}

}  // namespace wsspec
