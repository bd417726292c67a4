#include "run/deflate_answer.hpp"

#include <vector>

namespace wsspec {

codec::deflate_server_options deflate_answer_options(std::string_view case_offer) {
  codec::deflate_server_options o;
  std::vector<codec::extension_offer> offers;
  codec::parse_extensions(case_offer, offers);
  for (const auto& e : offers) {
    codec::deflate_element d;
    if (codec::parse_deflate_element(e, codec::deflate_element_kind::offer, d) !=
        codec::deflate_negotiation_error::none)
      continue;
    o.server_no_context_takeover = d.server_no_context_takeover;
    o.client_no_context_takeover = d.client_no_context_takeover;
    if (d.server_max_window_bits) o.server_max_window_bits = *d.server_max_window_bits;
    o.client_max_window_bits = d.client_max_window_bits;
    break;  // the first element: what the case prefers
  }
  return o;
}

std::optional<deflate_answer> answer_deflate(std::span<const codec::extension_offer> client_offers,
                                             std::string_view case_offer) {
  const auto accepted =
      codec::select_deflate_offer(client_offers, deflate_answer_options(case_offer));
  if (!accepted || !accepted->ok()) return std::nullopt;
  const codec::extension_offer element = codec::to_extension(accepted->response);
  return deflate_answer{accepted->agreed, codec::format_extensions(std::span(&element, 1))};
}

}  // namespace wsspec
