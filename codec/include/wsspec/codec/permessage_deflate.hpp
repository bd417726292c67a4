// permessage-deflate negotiation (RFC 7692 sections 5 and 7.1): the parameters of one
// Sec-WebSocket-Extensions element, checked as an offer (server side) or as a response to an
// offer (client side), and the parameters both ends then agree on. The payload transformation
// itself is in inflater.hpp (7.2.2) and deflater.hpp (7.2.1); the *_options_for functions below
// configure them from the agreed parameters.
//
// Input is what parse_extensions (handshake.hpp) gives. Choices, where the RFC leaves room:
// * Parameter names are compared ASCII case-insensitively, like extension names (handshake.hpp);
//   RFC 7692 does not say, and RFC 7231 3.1.1.1 treats parameter names that way.
// * A quoted value counts as its unescaped text (RFC 6455 9.1), so server_max_window_bits="10"
//   is 10. A window-bits value must be 1*DIGIT without a leading zero and within 8..15
//   (7.1.2.1, 7.1.2.2): "08", "+9", "9 " and "16" are each invalid.
// * client_max_window_bits may be valueless only in an offer (7.1.2.2 describes the valueless
//   form for offers; a response states the window the client is limited to). In a response it
//   needs a value, like server_max_window_bits everywhere (7.1.2.1).
// * The errors are checked parameter by parameter in the element's order; the first one wins.
// * Server side, the server accepts whatever a valid offer asks, down to the configured
//   smallest window of its own (the deflater can honour every value 8..15, see deflater.hpp),
//   and uses the client's hints (client_no_context_takeover, a client_max_window_bits value) to
//   save memory, as 7.1.1.2 and 7.1.2.2 allow.
// * Client side, a response must be a valid answer to the offer it accepts: what the offer asked
//   the server to do is in the response (7.1.1.1, 7.1.2.1), window bits are no larger than
//   offered (7.1.2.1, 7.1.2.2), and client_max_window_bits only if the offer had it (7.1.2.2).
//   With several permessage-deflate offers the response must answer one of them (the server
//   does not say which; RFC 7692 5).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/handshake.hpp"
#include "wsspec/codec/inflater.hpp"

namespace wsspec::codec {

// RFC 7692 7: the extension's name in Sec-WebSocket-Extensions.
inline constexpr std::string_view permessage_deflate_name = "permessage-deflate";
// RFC 7692 7.1.2: window bits are 8..15; without the parameter the window is 2^15 bytes.
inline constexpr std::uint8_t min_window_bits = 8;
inline constexpr std::uint8_t max_window_bits = 15;

enum class endpoint_role : std::uint8_t { client, server };

// Which kind of element is parsed: the rules differ a little (see the header comment).
enum class deflate_element_kind : std::uint8_t { offer, response };

// Everything a permessage-deflate element can carry (RFC 7692 7.1), as parsed.
struct deflate_element {
  bool server_no_context_takeover = false;             // 7.1.1.1
  bool client_no_context_takeover = false;             // 7.1.1.2
  std::optional<std::uint8_t> server_max_window_bits;  // 7.1.2.1, 8..15
  bool has_client_max_window_bits = false;             // 7.1.2.2: the parameter is present ...
  std::optional<std::uint8_t> client_max_window_bits;  // ... and its value, if it has one

  friend bool operator==(const deflate_element&, const deflate_element&) = default;
};

enum class deflate_negotiation_error : std::uint8_t {
  none,
  // Any element (RFC 7692 7: a server declines such an offer, a client fails the connection on
  // such a response).
  not_permessage_deflate,    // the element names another extension
  unknown_parameter,         // 7: a parameter not defined for use in an offer / a response
  duplicate_parameter,       // 7: two parameters with the same name
  unexpected_value,          // 7.1.1.1, 7.1.1.2: *_no_context_takeover has no value
  missing_window_bits,       // 7.1.2.1 always, 7.1.2.2 in a response: the value is required
  malformed_window_bits,     // 7.1.2.1, 7.1.2.2: not 1*DIGIT without a leading zero
  window_bits_out_of_range,  // 7.1.2.1, 7.1.2.2: not within 8..15
  // Server side: a valid offer this server does not support (7: "the server doesn't support
  // the offered configuration"); it declines the offer.
  unsupported_server_window_bits,  // server_max_window_bits below the server's smallest window
  // Client side: a response that does not answer the offer.
  server_no_context_takeover_missing,  // 7.1.1.1: offered, the response does not accept it
  server_max_window_bits_missing,      // 7.1.2.1: offered, the response does not accept it
  server_max_window_bits_too_large,    // 7.1.2.1: larger than the offer's value
  client_max_window_bits_unrequested,  // 7.1.2.2: in the response although not in the offer
  client_max_window_bits_too_large,    // 7.1.2.2: larger than the offer's value
  not_offered,                         // RFC 6455 9.1: permessage-deflate accepted, never offered
  multiple_responses,  // 5: two permessage-deflate elements in a response both claim RSV1
  rsv1_conflict,       // 5: accepted together with another extension known to use RSV1
};

std::string_view to_string(deflate_negotiation_error e) noexcept;
// "RFC 7692 7.1.2.1", "RFC 6455 9.1", ...; "" for none.
std::string_view rfc_section(deflate_negotiation_error e) noexcept;
// One sentence a user understands without reading code.
std::string_view describe(deflate_negotiation_error e) noexcept;

// Parses and checks one element. On error `out` holds what was parsed before it.
deflate_negotiation_error parse_deflate_element(const extension_offer& element,
                                                deflate_element_kind kind, deflate_element& out);

// The element with its parameters in the order of RFC 7692 7.1 (server_no_context_takeover,
// client_no_context_takeover, server_max_window_bits, client_max_window_bits): an offer to
// send, or a response to write with format_extensions.
extension_offer to_extension(const deflate_element& element);

// --- Agreed parameters -----------------------------------------------------------------------

// What both ends use once the handshake is done: the parameters of the accepted response, an
// absent window-bits parameter meaning 15.
struct deflate_params {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  std::uint8_t server_max_window_bits = max_window_bits;
  std::uint8_t client_max_window_bits = max_window_bits;

  friend bool operator==(const deflate_params&, const deflate_params&) = default;
};

// The agreed parameters a response element states.
deflate_params agreed_from_response(const deflate_element& response) noexcept;

// How `role` inflates what its peer sends (RFC 7692 7.2.2): the peer's window, and a fresh
// window per message when the peer agreed not to take context over (the "MAY" of 7.2.2, taken,
// so a peer that references an earlier message anyway is caught as compressed_data_invalid).
inflater_options inflater_options_for(const deflate_params& agreed, endpoint_role role,
                                      std::uint64_t max_message_size);
// How `role` compresses what it sends (RFC 7692 7.2.1): its own window and context takeover.
deflater_options deflater_options_for(const deflate_params& agreed, endpoint_role role);

// --- Server side -----------------------------------------------------------------------------

struct deflate_server_options {
  // Ask for no context takeover even when the offer does not (7.1.1.1, 7.1.1.2 allow both).
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  // The largest window this server compresses with; stated in the response when smaller than
  // 15 even if the offer did not ask (7.1.2.1).
  std::uint8_t server_max_window_bits = max_window_bits;
  // Offers asking for a server window below this are declined (7: unsupported configuration).
  std::uint8_t min_server_max_window_bits = min_window_bits;
  // The client's window this server wants at most; only a client that offered
  // client_max_window_bits can be limited (7.1.2.2), others keep 15.
  std::optional<std::uint8_t> client_max_window_bits;
};

struct deflate_acceptance {
  deflate_negotiation_error error = deflate_negotiation_error::none;
  deflate_element offer;     // the offer as parsed (as far as it parsed)
  deflate_element response;  // the parameters to answer with (to_extension), when ok()
  deflate_params agreed;     // agreed_from_response(response), when ok()

  bool ok() const noexcept { return error == deflate_negotiation_error::none; }
};

// RFC 7692 7 and 7.1: accepts one offer element or says why it is declined.
deflate_acceptance accept_deflate_offer(const extension_offer& offer,
                                        const deflate_server_options& options = {});

// The client's offers in its order of preference (RFC 7692 5): the first permessage-deflate
// element accept_deflate_offer accepts, or nullopt when none is offered or every one is
// declined (the connection then runs without compression).
std::optional<deflate_acceptance> select_deflate_offer(std::span<const extension_offer> offers,
                                                       const deflate_server_options& options = {});

// --- Client side -----------------------------------------------------------------------------

struct deflate_negotiation {
  deflate_negotiation_error error = deflate_negotiation_error::none;
  deflate_element response;  // as parsed (as far as it parsed)
  deflate_params agreed;     // when ok()

  bool ok() const noexcept { return error == deflate_negotiation_error::none; }
};

// Checks a response element against the one offer element it answers (RFC 7692 7, 7.1).
deflate_negotiation validate_deflate_response(const extension_offer& offer,
                                              const extension_offer& response);

// The extensions the client offered and those the server's response accepted (both lists as
// parse_extensions gives them): nullopt when the response has no permessage-deflate element
// (not negotiated). Otherwise the response element must be the only one (multiple_responses),
// the response must not also accept an extension known to use RSV1 (rsv1_conflict: the
// per-frame deflate drafts, deflate-frame and its x-webkit- and perframe- spellings),
// something was offered (not_offered), and it must answer at least one permessage-deflate offer;
// when it answers none, the error is the one against the first offer.
std::optional<deflate_negotiation> negotiate_deflate(std::span<const extension_offer> offered,
                                                     std::span<const extension_offer> accepted);

}  // namespace wsspec::codec
