// permessage-deflate negotiation (RFC 7692 5, 7, 7.1): parsing elements, the server accepting
// offers, the client checking responses, and the agreed parameters driving the payload codec.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wsspec/codec/permessage_deflate.hpp"

namespace wsspec::codec {
namespace {

using bytes = std::vector<std::uint8_t>;
using enum deflate_negotiation_error;

std::vector<extension_offer> elements(std::string_view header) {
  std::vector<extension_offer> out;
  EXPECT_TRUE(parse_extensions(header, out)) << header;
  return out;
}

extension_offer element(std::string_view header) {
  const std::vector<extension_offer> all = elements(header);
  EXPECT_EQ(all.size(), 1u) << header;
  return all.empty() ? extension_offer{} : all.front();
}

deflate_negotiation_error parse_as(deflate_element_kind kind, std::string_view header,
                                   deflate_element* out = nullptr) {
  deflate_element e;
  const auto r = parse_deflate_element(element(header), kind, e);
  if (out) *out = e;
  return r;
}

deflate_negotiation_error offer_err(std::string_view header) {
  return parse_as(deflate_element_kind::offer, header);
}

deflate_negotiation_error response_err(std::string_view header) {
  return parse_as(deflate_element_kind::response, header);
}

// --- Parsing ---------------------------------------------------------------------------------

TEST(DeflateNegotiationParse, BareOfferHasNoParameters) {
  deflate_element e;
  EXPECT_EQ(parse_as(deflate_element_kind::offer, "permessage-deflate", &e), none);
  EXPECT_EQ(e, deflate_element{});
}

TEST(DeflateNegotiationParse, EveryParameterOfAnOffer) {
  deflate_element e;
  ASSERT_EQ(parse_as(deflate_element_kind::offer,
                     "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                     "server_max_window_bits=10; client_max_window_bits",
                     &e),
            none);
  EXPECT_TRUE(e.server_no_context_takeover);
  EXPECT_TRUE(e.client_no_context_takeover);
  EXPECT_EQ(e.server_max_window_bits, 10);
  EXPECT_TRUE(e.has_client_max_window_bits);
  EXPECT_FALSE(e.client_max_window_bits.has_value());
  ASSERT_EQ(
      parse_as(deflate_element_kind::offer, "permessage-deflate; client_max_window_bits=9", &e),
      none);
  EXPECT_TRUE(e.has_client_max_window_bits);
  EXPECT_EQ(e.client_max_window_bits, 9);
}

TEST(DeflateNegotiationParse, EveryWindowSizeFrom8To15) {
  for (int bits = 8; bits <= 15; ++bits) {
    const std::string n = std::to_string(bits);
    deflate_element e;
    EXPECT_EQ(parse_as(deflate_element_kind::offer,
                       "permessage-deflate; server_max_window_bits=" + n +
                           "; client_max_window_bits=" + n,
                       &e),
              none);
    EXPECT_EQ(e.server_max_window_bits, bits);
    EXPECT_EQ(e.client_max_window_bits, bits);
    EXPECT_EQ(response_err("permessage-deflate; server_max_window_bits=" + n +
                           "; client_max_window_bits=" + n),
              none);
  }
}

TEST(DeflateNegotiationParse, NamesAreCaseInsensitiveAndQuotedValuesCount) {
  deflate_element e;
  EXPECT_EQ(
      parse_as(deflate_element_kind::offer,
               "PerMessage-Deflate; Server_No_Context_Takeover; SERVER_MAX_WINDOW_BITS=\"12\"", &e),
      none);
  EXPECT_TRUE(e.server_no_context_takeover);
  EXPECT_EQ(e.server_max_window_bits, 12);
}

TEST(DeflateNegotiationParse, AnotherExtensionIsNotPermessageDeflate) {
  EXPECT_EQ(offer_err("x-webkit-deflate-frame"), not_permessage_deflate);
  EXPECT_EQ(offer_err("permessage-deflate-x"), not_permessage_deflate);
}

TEST(DeflateNegotiationParse, UnknownParameters) {
  EXPECT_EQ(offer_err("permessage-deflate; foo"), unknown_parameter);
  EXPECT_EQ(offer_err("permessage-deflate; max_window_bits=10"), unknown_parameter);
  EXPECT_EQ(offer_err("permessage-deflate; no_context_takeover"), unknown_parameter);
  EXPECT_EQ(response_err("permessage-deflate; client_max_window_bits=10; x=1"), unknown_parameter);
}

TEST(DeflateNegotiationParse, DuplicateParameters) {
  EXPECT_EQ(offer_err("permessage-deflate; server_no_context_takeover; "
                      "server_no_context_takeover"),
            duplicate_parameter);
  EXPECT_EQ(offer_err("permessage-deflate; client_no_context_takeover; "
                      "Client_No_Context_Takeover"),
            duplicate_parameter);
  EXPECT_EQ(offer_err("permessage-deflate; server_max_window_bits=10; server_max_window_bits=10"),
            duplicate_parameter);
  EXPECT_EQ(offer_err("permessage-deflate; client_max_window_bits; client_max_window_bits=10"),
            duplicate_parameter);
  EXPECT_EQ(response_err("permessage-deflate; client_max_window_bits=9; "
                         "client_max_window_bits=9"),
            duplicate_parameter);
}

TEST(DeflateNegotiationParse, NoContextTakeoverTakesNoValue) {
  EXPECT_EQ(offer_err("permessage-deflate; server_no_context_takeover=1"), unexpected_value);
  EXPECT_EQ(offer_err("permessage-deflate; client_no_context_takeover=true"), unexpected_value);
  EXPECT_EQ(response_err("permessage-deflate; server_no_context_takeover=\"x\""), unexpected_value);
}

TEST(DeflateNegotiationParse, WindowBitsValueRequired) {
  // 7.1.2.1: server_max_window_bits always has a value.
  EXPECT_EQ(offer_err("permessage-deflate; server_max_window_bits"), missing_window_bits);
  EXPECT_EQ(response_err("permessage-deflate; server_max_window_bits"), missing_window_bits);
  // 7.1.2.2: client_max_window_bits may be bare in an offer, not in a response.
  EXPECT_EQ(offer_err("permessage-deflate; client_max_window_bits"), none);
  EXPECT_EQ(response_err("permessage-deflate; client_max_window_bits"), missing_window_bits);
}

TEST(DeflateNegotiationParse, MalformedWindowBits) {
  for (const char* v : {"08", "010", "+9", "0x9", "9.0", "1e1", "a", "\"09\""}) {
    EXPECT_EQ(offer_err(std::string("permessage-deflate; server_max_window_bits=") + v),
              malformed_window_bits)
        << v;
    EXPECT_EQ(offer_err(std::string("permessage-deflate; client_max_window_bits=") + v),
              malformed_window_bits)
        << v;
  }
  // An empty value cannot come from parse_extensions; from a hand-built element it is malformed.
  extension_offer e{"permessage-deflate", {{"server_max_window_bits", std::string()}}};
  deflate_element out;
  EXPECT_EQ(parse_deflate_element(e, deflate_element_kind::offer, out), malformed_window_bits);
}

TEST(DeflateNegotiationParse, WindowBitsOutOfRange) {
  for (const char* v : {"0", "1", "7", "16", "99", "100", "99999999999999999999999"}) {
    EXPECT_EQ(offer_err(std::string("permessage-deflate; server_max_window_bits=") + v),
              window_bits_out_of_range)
        << v;
    EXPECT_EQ(response_err(std::string("permessage-deflate; client_max_window_bits=") + v),
              window_bits_out_of_range)
        << v;
  }
}

TEST(DeflateNegotiationParse, TheFirstErrorInTheElementWins) {
  EXPECT_EQ(offer_err("permessage-deflate; foo; server_max_window_bits=99"), unknown_parameter);
  EXPECT_EQ(offer_err("permessage-deflate; server_max_window_bits=99; foo"),
            window_bits_out_of_range);
}

TEST(DeflateNegotiationParse, ToExtensionWritesTheParametersInRfcOrder) {
  deflate_element e;
  ASSERT_EQ(parse_as(deflate_element_kind::offer,
                     "permessage-deflate; client_max_window_bits; server_max_window_bits=\"9\"; "
                     "client_no_context_takeover; server_no_context_takeover",
                     &e),
            none);
  const extension_offer x = to_extension(e);
  EXPECT_EQ(format_extensions(std::span(&x, 1)),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
            "server_max_window_bits=9; client_max_window_bits");
  deflate_element again;
  EXPECT_EQ(parse_deflate_element(x, deflate_element_kind::offer, again), none);
  EXPECT_EQ(again, e);
}

TEST(DeflateNegotiationParse, EveryErrorHasANameASectionAndADescription) {
  std::vector<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(rsv1_conflict); ++i) {
    const auto e = static_cast<deflate_negotiation_error>(i);
    names.push_back(to_string(e));
    EXPECT_FALSE(describe(e).empty()) << i;
    if (e != none) {
      EXPECT_FALSE(rfc_section(e).empty()) << i;
    }
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_EQ(rfc_section(server_max_window_bits_too_large), "RFC 7692 7.1.2.1");
  EXPECT_EQ(rfc_section(client_max_window_bits_unrequested), "RFC 7692 7.1.2.2");
}

// --- Server side -----------------------------------------------------------------------------

std::string response_text(const deflate_acceptance& a) {
  const extension_offer e = to_extension(a.response);
  return format_extensions(std::span(&e, 1));
}

deflate_acceptance accept(std::string_view offer, const deflate_server_options& o = {}) {
  return accept_deflate_offer(element(offer), o);
}

TEST(DeflateNegotiationServer, BareOfferBareResponse) {
  const deflate_acceptance a = accept("permessage-deflate");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(response_text(a), "permessage-deflate");
  EXPECT_EQ(a.agreed, deflate_params{});
}

TEST(DeflateNegotiationServer, NoContextTakeoverOfferedIsAccepted) {
  const deflate_acceptance a =
      accept("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(response_text(a),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
  EXPECT_TRUE(a.agreed.server_no_context_takeover);
  EXPECT_TRUE(a.agreed.client_no_context_takeover);
}

TEST(DeflateNegotiationServer, NoContextTakeoverUnaskedComesFromTheOptions) {
  deflate_server_options o;
  o.server_no_context_takeover = true;
  EXPECT_EQ(response_text(accept("permessage-deflate", o)),
            "permessage-deflate; server_no_context_takeover");
  o = {};
  o.client_no_context_takeover = true;
  EXPECT_EQ(response_text(accept("permessage-deflate", o)),
            "permessage-deflate; client_no_context_takeover");
}

TEST(DeflateNegotiationServer, ServerWindowIsTheSmallerOfOfferAndOwn) {
  EXPECT_EQ(response_text(accept("permessage-deflate; server_max_window_bits=10")),
            "permessage-deflate; server_max_window_bits=10");
  deflate_server_options o;
  o.server_max_window_bits = 9;
  deflate_acceptance a = accept("permessage-deflate; server_max_window_bits=10", o);
  EXPECT_EQ(response_text(a), "permessage-deflate; server_max_window_bits=9");
  EXPECT_EQ(a.agreed.server_max_window_bits, 9);
  o.server_max_window_bits = 12;
  EXPECT_EQ(response_text(accept("permessage-deflate; server_max_window_bits=10", o)),
            "permessage-deflate; server_max_window_bits=10");
  // Unasked, a smaller own window is stated (7.1.2.1 MAY), 15 is not.
  o.server_max_window_bits = 11;
  EXPECT_EQ(response_text(accept("permessage-deflate", o)),
            "permessage-deflate; server_max_window_bits=11");
  o.server_max_window_bits = 15;
  EXPECT_EQ(response_text(accept("permessage-deflate", o)), "permessage-deflate");
}

TEST(DeflateNegotiationServer, WindowEightIsAcceptedUnlessTheServerRefusesIt) {
  deflate_acceptance a = accept("permessage-deflate; server_max_window_bits=8");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.agreed.server_max_window_bits, 8);
  deflate_server_options o;
  o.min_server_max_window_bits = 9;
  a = accept("permessage-deflate; server_max_window_bits=8", o);
  EXPECT_EQ(a.error, unsupported_server_window_bits);
  EXPECT_TRUE(accept("permessage-deflate; server_max_window_bits=9", o).ok());
}

TEST(DeflateNegotiationServer, ClientWindowOnlyWhenOffered) {
  // Bare in the offer: the server may limit it, and without a limit of its own says nothing.
  EXPECT_EQ(response_text(accept("permessage-deflate; client_max_window_bits")),
            "permessage-deflate");
  deflate_server_options o;
  o.client_max_window_bits = 10;
  deflate_acceptance a = accept("permessage-deflate; client_max_window_bits", o);
  EXPECT_EQ(response_text(a), "permessage-deflate; client_max_window_bits=10");
  EXPECT_EQ(a.agreed.client_max_window_bits, 10);
  // With a value: no larger than it (7.1.2.2), and used as it is without a limit.
  EXPECT_EQ(response_text(accept("permessage-deflate; client_max_window_bits=9", o)),
            "permessage-deflate; client_max_window_bits=9");
  EXPECT_EQ(response_text(accept("permessage-deflate; client_max_window_bits=12", o)),
            "permessage-deflate; client_max_window_bits=10");
  EXPECT_EQ(response_text(accept("permessage-deflate; client_max_window_bits=12")),
            "permessage-deflate; client_max_window_bits=12");
  // Not offered: MUST NOT be in the response; the client keeps 15.
  a = accept("permessage-deflate", o);
  EXPECT_EQ(response_text(a), "permessage-deflate");
  EXPECT_EQ(a.agreed.client_max_window_bits, 15);
}

TEST(DeflateNegotiationServer, InvalidOffersAreDeclinedWithTheirReason) {
  EXPECT_EQ(accept("permessage-deflate; foo").error, unknown_parameter);
  EXPECT_EQ(accept("permessage-deflate; server_max_window_bits=7").error, window_bits_out_of_range);
  EXPECT_EQ(accept("permessage-deflate; server_max_window_bits").error, missing_window_bits);
  EXPECT_EQ(accept("other").error, not_permessage_deflate);
}

TEST(DeflateNegotiationServer, SelectTakesTheFirstAcceptableOffer) {
  deflate_server_options o;
  o.min_server_max_window_bits = 10;
  const auto offers = elements(
      "x-foo, permessage-deflate; server_max_window_bits=8, permessage-deflate; bogus, "
      "permessage-deflate; client_max_window_bits=11, permessage-deflate");
  const auto a = select_deflate_offer(offers, o);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(response_text(*a), "permessage-deflate; client_max_window_bits=11");
  EXPECT_FALSE(select_deflate_offer(elements("x-foo, y"), o).has_value());
  EXPECT_FALSE(
      select_deflate_offer(elements("permessage-deflate; bogus, permessage-deflate; x=1"), o)
          .has_value());
}

// --- Client side -----------------------------------------------------------------------------

deflate_negotiation_error check(std::string_view offer, std::string_view response) {
  return validate_deflate_response(element(offer), element(response)).error;
}

TEST(DeflateNegotiationClient, ValidResponses) {
  EXPECT_EQ(check("permessage-deflate", "permessage-deflate"), none);
  // The server MAY add these unasked (7.1.1.1, 7.1.1.2, 7.1.2.1).
  EXPECT_EQ(check("permessage-deflate", "permessage-deflate; server_no_context_takeover"), none);
  EXPECT_EQ(check("permessage-deflate", "permessage-deflate; client_no_context_takeover"), none);
  EXPECT_EQ(check("permessage-deflate", "permessage-deflate; server_max_window_bits=10"), none);
  EXPECT_EQ(check("permessage-deflate; client_max_window_bits",
                  "permessage-deflate; client_max_window_bits=8"),
            none);
  EXPECT_EQ(check("permessage-deflate; client_max_window_bits=10", "permessage-deflate"), none);
}

TEST(DeflateNegotiationClient, AgreedParametersComeFromTheResponse) {
  const deflate_negotiation n = validate_deflate_response(
      element("permessage-deflate; client_max_window_bits; server_max_window_bits=12"),
      element("permessage-deflate; server_max_window_bits=11; client_max_window_bits=9; "
              "client_no_context_takeover"));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.agreed, (deflate_params{false, true, 11, 9}));
}

TEST(DeflateNegotiationClient, ServerNoContextTakeoverOfferedMustBeAccepted) {
  EXPECT_EQ(check("permessage-deflate; server_no_context_takeover", "permessage-deflate"),
            server_no_context_takeover_missing);
  EXPECT_EQ(check("permessage-deflate; server_no_context_takeover",
                  "permessage-deflate; server_no_context_takeover"),
            none);
}

TEST(DeflateNegotiationClient, ServerWindowOfferedMustBeAcceptedNoLarger) {
  const std::string offer = "permessage-deflate; server_max_window_bits=10";
  EXPECT_EQ(check(offer, "permessage-deflate"), server_max_window_bits_missing);
  EXPECT_EQ(check(offer, "permessage-deflate; server_max_window_bits=11"),
            server_max_window_bits_too_large);
  EXPECT_EQ(check(offer, "permessage-deflate; server_max_window_bits=10"), none);
  EXPECT_EQ(check(offer, "permessage-deflate; server_max_window_bits=8"), none);
}

TEST(DeflateNegotiationClient, ClientWindowOnlyIfOfferedAndNoLarger) {
  EXPECT_EQ(check("permessage-deflate", "permessage-deflate; client_max_window_bits=15"),
            client_max_window_bits_unrequested);
  EXPECT_EQ(check("permessage-deflate; client_max_window_bits=10",
                  "permessage-deflate; client_max_window_bits=11"),
            client_max_window_bits_too_large);
  EXPECT_EQ(check("permessage-deflate; client_max_window_bits=10",
                  "permessage-deflate; client_max_window_bits=10"),
            none);
  EXPECT_EQ(check("permessage-deflate; client_max_window_bits",
                  "permessage-deflate; client_max_window_bits"),
            missing_window_bits);
}

TEST(DeflateNegotiationClient, MalformedResponsesAreReportedFirst) {
  EXPECT_EQ(check("permessage-deflate", "permessage-deflate; foo"), unknown_parameter);
  EXPECT_EQ(check("permessage-deflate",
                  "permessage-deflate; server_no_context_takeover; "
                  "server_no_context_takeover"),
            duplicate_parameter);
  EXPECT_EQ(check("permessage-deflate", "permessage-deflate; server_max_window_bits=16"),
            window_bits_out_of_range);
  EXPECT_EQ(check("permessage-deflate", "permessage-deflate; client_no_context_takeover=1"),
            unexpected_value);
}

TEST(DeflateNegotiationClient, NegotiateOverTheWholeLists) {
  // Nothing accepted: not negotiated, no error.
  EXPECT_FALSE(negotiate_deflate(elements("permessage-deflate"), elements("x-other")));
  // Accepted twice: both elements would use RSV1.
  auto n = negotiate_deflate(elements("permessage-deflate"),
                             elements("permessage-deflate, permessage-deflate"));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->error, multiple_responses);
  // Accepted beside a per-frame deflate draft: both would use RSV1 (RFC 7692 5); an unrelated
  // extension beside it is fine.
  n = negotiate_deflate(elements("permessage-deflate, x-webkit-deflate-frame"),
                        elements("permessage-deflate, X-WebKit-Deflate-Frame"));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->error, rsv1_conflict);
  n = negotiate_deflate(elements("permessage-deflate, x-other"),
                        elements("permessage-deflate, x-other"));
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE(n->ok());
  // Accepted without an offer.
  n = negotiate_deflate(elements("x-other"), elements("permessage-deflate"));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->error, not_offered);
  // Two offers: the response answers the second; the first would need server_max_window_bits.
  const auto offers = elements(
      "permessage-deflate; server_max_window_bits=10; client_max_window_bits, "
      "permessage-deflate; client_max_window_bits");
  n = negotiate_deflate(offers, elements("permessage-deflate; client_max_window_bits=12"));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->error, none);
  EXPECT_EQ(n->agreed.client_max_window_bits, 12);
  EXPECT_EQ(n->agreed.server_max_window_bits, 15);
  // Answering neither: the error against the first offer (the second's would be
  // server_no_context_takeover_missing).
  n = negotiate_deflate(elements("permessage-deflate; server_max_window_bits=10, "
                                 "permessage-deflate; server_no_context_takeover"),
                        elements("permessage-deflate; server_max_window_bits=11"));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->error, server_max_window_bits_too_large);
}

// --- Agreed parameters drive the codec -------------------------------------------------------

TEST(PermessageDeflateAgreed, OptionsFollowTheDirection) {
  const deflate_params p{true, false, 9, 12};
  const inflater_options ci = inflater_options_for(p, endpoint_role::client, 1000);
  EXPECT_EQ(ci.window_bits, 9);  // the client inflates what the server compressed
  EXPECT_TRUE(ci.no_context_takeover);
  EXPECT_EQ(ci.max_message_size, 1000u);
  const inflater_options si = inflater_options_for(p, endpoint_role::server, 5);
  EXPECT_EQ(si.window_bits, 12);
  EXPECT_FALSE(si.no_context_takeover);
  const deflater_options cd = deflater_options_for(p, endpoint_role::client);
  EXPECT_EQ(cd.window_bits, 12);
  EXPECT_FALSE(cd.no_context_takeover);
  const deflater_options sd = deflater_options_for(p, endpoint_role::server);
  EXPECT_EQ(sd.window_bits, 9);
  EXPECT_TRUE(sd.no_context_takeover);
}

TEST(PermessageDeflateAgreed, BothSidesNegotiateThenExchangeMessagesAtEveryWindow) {
  for (int bits = 8; bits <= 15; ++bits) {
    for (const bool nct : {false, true}) {
      const std::string n = std::to_string(bits);
      std::string offer =
          "permessage-deflate; server_max_window_bits=" + n + "; client_max_window_bits=" + n;
      if (nct) offer += "; server_no_context_takeover; client_no_context_takeover";
      SCOPED_TRACE(offer);
      const deflate_acceptance server = accept(offer);
      ASSERT_TRUE(server.ok());
      const extension_offer response = to_extension(server.response);
      const deflate_negotiation client = validate_deflate_response(element(offer), response);
      ASSERT_TRUE(client.ok()) << to_string(client.error);
      ASSERT_EQ(client.agreed, server.agreed);
      deflater client_out(deflater_options_for(client.agreed, endpoint_role::client));
      inflater server_in(inflater_options_for(server.agreed, endpoint_role::server, 1 << 20));
      deflater server_out(deflater_options_for(server.agreed, endpoint_role::server));
      inflater client_in(inflater_options_for(client.agreed, endpoint_role::client, 1 << 20));
      for (int i = 0; i < 3; ++i) {
        bytes message;
        for (int k = 0; k < 2000; ++k)
          message.push_back(static_cast<std::uint8_t>("abcab"[k % 5] + i));
        for (auto [d, in] :
             {std::pair{&client_out, &server_in}, std::pair{&server_out, &client_in}}) {
          bytes out;
          ASSERT_EQ(in->feed(d->compress(message), out), protocol_error::none);
          ASSERT_EQ(in->finish(out), protocol_error::none);
          ASSERT_TRUE(out == message);
        }
      }
    }
  }
}

}  // namespace
}  // namespace wsspec::codec
