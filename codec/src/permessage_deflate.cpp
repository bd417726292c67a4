// permessage-deflate negotiation (RFC 7692 5, 7.1); see permessage_deflate.hpp for the choices.
#include "wsspec/codec/permessage_deflate.hpp"

#include <algorithm>
#include <string>

#include "wsspec/codec/http.hpp"

namespace wsspec::codec {

namespace {

struct error_info {
  std::string_view name;
  std::string_view section;
  std::string_view text;
};

// Indexed by the enum's value; a static_assert below keeps the two in step.
constexpr error_info k_errors[] = {
    {"none", "", "no error"},
    {"not_permessage_deflate", "RFC 7692 7", "the extension is not permessage-deflate"},
    {"unknown_parameter", "RFC 7692 7",
     "a parameter that permessage-deflate does not define for this element"},
    {"duplicate_parameter", "RFC 7692 7", "a parameter appears twice in one element"},
    {"unexpected_value", "RFC 7692 7.1.1",
     "server_no_context_takeover and client_no_context_takeover take no value"},
    {"missing_window_bits", "RFC 7692 7.1.2",
     "a window-bits parameter has no value where one is required"},
    {"malformed_window_bits", "RFC 7692 7.1.2",
     "a window-bits value is not a decimal number without leading zeroes"},
    {"window_bits_out_of_range", "RFC 7692 7.1.2", "a window-bits value is not within 8..15"},
    {"unsupported_server_window_bits", "RFC 7692 7",
     "the offer asks for a smaller server window than this server supports"},
    {"server_no_context_takeover_missing", "RFC 7692 7.1.1.1",
     "the offer asked for server_no_context_takeover and the response does not accept it"},
    {"server_max_window_bits_missing", "RFC 7692 7.1.2.1",
     "the offer asked for server_max_window_bits and the response does not accept it"},
    {"server_max_window_bits_too_large", "RFC 7692 7.1.2.1",
     "the response's server_max_window_bits is larger than the offer's"},
    {"client_max_window_bits_unrequested", "RFC 7692 7.1.2.2",
     "the response has client_max_window_bits although the offer did not"},
    {"client_max_window_bits_too_large", "RFC 7692 7.1.2.2",
     "the response's client_max_window_bits is larger than the offer's"},
    {"not_offered", "RFC 6455 9.1",
     "the response accepts permessage-deflate, which was not offered"},
    {"multiple_responses", "RFC 7692 5",
     "the response accepts permessage-deflate more than once; both would use RSV1"},
    {"rsv1_conflict", "RFC 7692 5",
     "the response accepts permessage-deflate together with another extension that uses RSV1"},
};

static_assert(std::size(k_errors) ==
              static_cast<std::size_t>(deflate_negotiation_error::rsv1_conflict) + 1);

const error_info& info(deflate_negotiation_error e) noexcept {
  const auto i = static_cast<std::size_t>(e);
  return i < std::size(k_errors) ? k_errors[i] : k_errors[0];
}

constexpr std::string_view k_server_no_context_takeover = "server_no_context_takeover";
constexpr std::string_view k_client_no_context_takeover = "client_no_context_takeover";
constexpr std::string_view k_server_max_window_bits = "server_max_window_bits";
constexpr std::string_view k_client_max_window_bits = "client_max_window_bits";

// RFC 7692 7.1.2.1 / 7.1.2.2: "a decimal integer value without leading zeroes between 8 to 15,
// inclusive" that conforms to 1*DIGIT.
deflate_negotiation_error parse_window_bits(std::string_view v, std::uint8_t& bits) noexcept {
  if (v.empty() || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return deflate_negotiation_error::malformed_window_bits;
  if (v.size() > 1 && v[0] == '0') return deflate_negotiation_error::malformed_window_bits;
  if (v.size() > 2) return deflate_negotiation_error::window_bits_out_of_range;
  const int n = v.size() == 1 ? v[0] - '0' : (v[0] - '0') * 10 + (v[1] - '0');
  if (n < min_window_bits || n > max_window_bits)
    return deflate_negotiation_error::window_bits_out_of_range;
  bits = static_cast<std::uint8_t>(n);
  return deflate_negotiation_error::none;
}

bool is_deflate(const extension_offer& e) noexcept {
  return iequals(e.name, permessage_deflate_name);
}

// 7.1.2.1, 7.1.2.2: the window the response allows, no larger than the offer's.
deflate_negotiation_error check_against_offer(const deflate_element& offer,
                                              const deflate_element& response) noexcept {
  using enum deflate_negotiation_error;
  if (offer.server_no_context_takeover && !response.server_no_context_takeover)
    return server_no_context_takeover_missing;
  if (offer.server_max_window_bits) {
    if (!response.server_max_window_bits) return server_max_window_bits_missing;
    if (*response.server_max_window_bits > *offer.server_max_window_bits)
      return server_max_window_bits_too_large;
  }
  if (response.has_client_max_window_bits) {
    if (!offer.has_client_max_window_bits) return client_max_window_bits_unrequested;
    if (offer.client_max_window_bits && response.client_max_window_bits &&
        *response.client_max_window_bits > *offer.client_max_window_bits)
      return client_max_window_bits_too_large;
  }
  return none;
}

}  // namespace

std::string_view to_string(deflate_negotiation_error e) noexcept { return info(e).name; }
std::string_view rfc_section(deflate_negotiation_error e) noexcept { return info(e).section; }
std::string_view describe(deflate_negotiation_error e) noexcept { return info(e).text; }

deflate_negotiation_error parse_deflate_element(const extension_offer& element,
                                                deflate_element_kind kind, deflate_element& out) {
  using enum deflate_negotiation_error;
  out = {};
  if (!is_deflate(element)) return not_permessage_deflate;
  bool seen_server_nct = false, seen_client_nct = false, seen_server_bits = false;
  for (const extension_param& p : element.params) {
    if (iequals(p.name, k_server_no_context_takeover) ||
        iequals(p.name, k_client_no_context_takeover)) {
      // 7.1.1.1, 7.1.1.2: "This extension parameter has no value."
      const bool server = iequals(p.name, k_server_no_context_takeover);
      bool& seen = server ? seen_server_nct : seen_client_nct;
      if (seen) return duplicate_parameter;
      seen = true;
      if (p.value) return unexpected_value;
      (server ? out.server_no_context_takeover : out.client_no_context_takeover) = true;
    } else if (iequals(p.name, k_server_max_window_bits)) {
      // 7.1.2.1: always with a value.
      if (seen_server_bits) return duplicate_parameter;
      seen_server_bits = true;
      if (!p.value) return missing_window_bits;
      std::uint8_t bits = 0;
      if (const auto e = parse_window_bits(*p.value, bits); e != none) return e;
      out.server_max_window_bits = bits;
    } else if (iequals(p.name, k_client_max_window_bits)) {
      // 7.1.2.2: valueless allowed in an offer only (see the header comment).
      if (out.has_client_max_window_bits) return duplicate_parameter;
      out.has_client_max_window_bits = true;
      if (!p.value) {
        if (kind == deflate_element_kind::response) return missing_window_bits;
        continue;
      }
      std::uint8_t bits = 0;
      if (const auto e = parse_window_bits(*p.value, bits); e != none) return e;
      out.client_max_window_bits = bits;
    } else {
      return unknown_parameter;
    }
  }
  return none;
}

extension_offer to_extension(const deflate_element& element) {
  extension_offer e;
  e.name = std::string(permessage_deflate_name);
  if (element.server_no_context_takeover)
    e.params.push_back({std::string(k_server_no_context_takeover), std::nullopt});
  if (element.client_no_context_takeover)
    e.params.push_back({std::string(k_client_no_context_takeover), std::nullopt});
  if (element.server_max_window_bits)
    e.params.push_back(
        {std::string(k_server_max_window_bits), std::to_string(*element.server_max_window_bits)});
  if (element.has_client_max_window_bits) {
    std::optional<std::string> v;
    if (element.client_max_window_bits) v = std::to_string(*element.client_max_window_bits);
    e.params.push_back({std::string(k_client_max_window_bits), std::move(v)});
  }
  return e;
}

deflate_params agreed_from_response(const deflate_element& response) noexcept {
  deflate_params p;
  p.server_no_context_takeover = response.server_no_context_takeover;
  p.client_no_context_takeover = response.client_no_context_takeover;
  p.server_max_window_bits = response.server_max_window_bits.value_or(max_window_bits);
  p.client_max_window_bits = response.client_max_window_bits.value_or(max_window_bits);
  return p;
}

inflater_options inflater_options_for(const deflate_params& agreed, endpoint_role role,
                                      std::uint64_t max_message_size) {
  // A client inflates what the server compressed, and the other way round.
  const bool from_server = role == endpoint_role::client;
  inflater_options o;
  o.window_bits = from_server ? agreed.server_max_window_bits : agreed.client_max_window_bits;
  o.no_context_takeover =
      from_server ? agreed.server_no_context_takeover : agreed.client_no_context_takeover;
  o.max_message_size = max_message_size;
  return o;
}

deflater_options deflater_options_for(const deflate_params& agreed, endpoint_role role) {
  const bool server = role == endpoint_role::server;
  deflater_options o;
  o.window_bits = server ? agreed.server_max_window_bits : agreed.client_max_window_bits;
  o.no_context_takeover =
      server ? agreed.server_no_context_takeover : agreed.client_no_context_takeover;
  // zlib rehashes its whole match table each time the window slides, every half window: with
  // a 512-byte window and the default table (memLevel 8, 32768 entries) that is most of the
  // work. A table of 2048 entries halves the time at a cost of about 2% of size.
  if (o.window_bits <= 10) o.memory_level = 4;
  return o;
}

// --- Server side ------------------------------------------------------------------------------

deflate_acceptance accept_deflate_offer(const extension_offer& offer,
                                        const deflate_server_options& options) {
  deflate_acceptance a;
  a.error = parse_deflate_element(offer, deflate_element_kind::offer, a.offer);
  if (!a.ok()) return a;
  const deflate_element& o = a.offer;
  deflate_element& r = a.response;
  // 7.1.1.1: accepting an offer with server_no_context_takeover means including it; the server
  // MAY include it unasked. 7.1.1.2: the server MAY include client_no_context_takeover, and
  // uses the client's hint to do so.
  r.server_no_context_takeover = o.server_no_context_takeover || options.server_no_context_takeover;
  r.client_no_context_takeover = o.client_no_context_takeover || options.client_no_context_takeover;
  // 7.1.2.1: "the same or smaller value as the offer"; unasked, a smaller window MAY be stated.
  const std::uint8_t own =
      std::clamp(options.server_max_window_bits, min_window_bits, max_window_bits);
  if (o.server_max_window_bits) {
    if (*o.server_max_window_bits < options.min_server_max_window_bits) {
      a.error = deflate_negotiation_error::unsupported_server_window_bits;
      return a;
    }
    r.server_max_window_bits = std::min(*o.server_max_window_bits, own);
  } else if (own < max_window_bits) {
    r.server_max_window_bits = own;
  }
  // 7.1.2.2: only if offered; "equal to or smaller than the received value", which the server
  // uses as it is when it has no limit of its own.
  if (o.has_client_max_window_bits) {
    std::optional<std::uint8_t> bits = o.client_max_window_bits;
    if (options.client_max_window_bits) {
      const auto wanted =
          std::clamp(*options.client_max_window_bits, min_window_bits, max_window_bits);
      bits = std::min(wanted, bits.value_or(max_window_bits));
    }
    if (bits) {
      r.has_client_max_window_bits = true;
      r.client_max_window_bits = bits;
    }
  }
  a.agreed = agreed_from_response(r);
  return a;
}

std::optional<deflate_acceptance> select_deflate_offer(std::span<const extension_offer> offers,
                                                       const deflate_server_options& options) {
  for (const extension_offer& offer : offers) {
    if (!is_deflate(offer)) continue;
    deflate_acceptance a = accept_deflate_offer(offer, options);
    if (a.ok()) return a;
  }
  return std::nullopt;
}

// --- Client side ------------------------------------------------------------------------------

deflate_negotiation validate_deflate_response(const extension_offer& offer,
                                              const extension_offer& response) {
  deflate_negotiation n;
  n.error = parse_deflate_element(response, deflate_element_kind::response, n.response);
  if (!n.ok()) return n;
  deflate_element o;
  // An offer the client itself got wrong answers nothing; say what is wrong with it.
  if (const auto e = parse_deflate_element(offer, deflate_element_kind::offer, o);
      e != deflate_negotiation_error::none) {
    n.error = e;
    return n;
  }
  n.error = check_against_offer(o, n.response);
  if (n.ok()) n.agreed = agreed_from_response(n.response);
  return n;
}

std::optional<deflate_negotiation> negotiate_deflate(std::span<const extension_offer> offered,
                                                     std::span<const extension_offer> accepted) {
  const auto is_pmd = [](const extension_offer& e) { return is_deflate(e); };
  const auto response = std::find_if(accepted.begin(), accepted.end(), is_pmd);
  if (response == accepted.end()) return std::nullopt;
  deflate_negotiation n;
  if (std::count_if(accepted.begin(), accepted.end(), is_pmd) > 1) {
    n.error = deflate_negotiation_error::multiple_responses;
    return n;
  }
  // RFC 7692 5 forbids accepting permessage-deflate beside an extension that also gives RSV1 a
  // meaning. Only extensions whose use of RSV1 is known can be told apart: the per-frame deflate
  // drafts that browsers offered before RFC 7692.
  const auto uses_rsv1 = [](const extension_offer& e) {
    for (const std::string_view name : {"deflate-frame", "x-webkit-deflate-frame",
                                        "perframe-deflate", "x-webkit-perframe-deflate"})
      if (iequals(e.name, name)) return true;
    return false;
  };
  if (std::any_of(accepted.begin(), accepted.end(), uses_rsv1)) {
    n.error = deflate_negotiation_error::rsv1_conflict;
    return n;
  }
  std::optional<deflate_negotiation> first;
  for (const extension_offer& offer : offered) {
    if (!is_deflate(offer)) continue;
    deflate_negotiation v = validate_deflate_response(offer, *response);
    if (v.ok()) return v;
    if (!first) first = std::move(v);
  }
  if (first) return first;
  n.error = deflate_negotiation_error::not_offered;
  parse_deflate_element(*response, deflate_element_kind::response, n.response);
  return n;
}

}  // namespace wsspec::codec
