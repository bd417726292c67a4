// judge_extension_offer and judge_1010_reason (harness/judge/extension_offer.hpp): the
// extensions a client offers (RFC 6455 9.1, 11.4) and the reason of its close 1010 (7.4.1).
// Fixtures: a Sec-WebSocket-Extensions value as a client sends it -> the grade, and a piece
// of the reason that says why.
#include "judge/extension_offer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wsspec {
namespace {

std::vector<codec::extension_offer> offer(const std::string& header) {
  std::vector<codec::extension_offer> out;
  EXPECT_TRUE(codec::parse_extensions(header, out)) << header;
  return out;
}

struct offer_fixture {
  const char* header;
  verdict grade;
  const char* says;  // part of the reason ("" for pass)
};

const offer_fixture offers[] = {
    // Registered, with parameters RFC 7692 7.1 defines for an offer.
    {"permessage-deflate", verdict::pass, ""},
    {"permessage-deflate; client_max_window_bits", verdict::pass, ""},
    {"permessage-deflate; server_max_window_bits=10; client_no_context_takeover, "
     "permessage-deflate",
     verdict::pass, ""},
    {"Permessage-Deflate", verdict::pass, ""},  // tokens are case-insensitive
    {"bbf-usp-protocol; eid=os-012345-525400", verdict::pass, ""},
    // Names of drafts, never registered: RFC 6455 9.1 MUST.
    {"x-webkit-deflate-frame", verdict::fail, "x-webkit-deflate-frame"},
    {"permessage-deflate, deflate-frame", verdict::fail, "never held"},
    // Registered, with a parameter RFC 7692 does not define for an offer.
    {"permessage-deflate; foo", verdict::fail, "RFC 7692 7"},
    {"permessage-deflate; server_max_window_bits=16", verdict::fail, "RFC 7692 7.1.2"},
    {"permessage-deflate; server_no_context_takeover=1", verdict::fail, "RFC 6455 9.1"},
    // Unknown to wsspec: maybe registered since; only info.
    {"x-acme-compress", verdict::info, "wsspec's copy"},
    // The worst finding wins over an earlier info.
    {"x-acme-compress, permessage-deflate; foo", verdict::fail, "foo"},
};

TEST(ExtensionOffer, Fixtures) {
  for (const offer_fixture& f : offers) {
    const auto j = judge_extension_offer(offer(f.header));
    EXPECT_EQ(j.grade, f.grade) << f.header << ": " << j.reason;
    EXPECT_NE(j.reason.find(f.says), std::string::npos) << f.header << ": " << j.reason;
    if (f.grade == verdict::pass) {
      EXPECT_TRUE(j.reason.empty()) << f.header;
    }
  }
}

TEST(ExtensionOffer, NoOfferPasses) { EXPECT_EQ(judge_extension_offer({}).grade, verdict::pass); }

struct reason_fixture {
  const char* reason;
  const char* header;
  verdict grade;
};

const reason_fixture reasons[] = {
    {"permessage-deflate", "permessage-deflate", verdict::pass},
    {"needs PERMESSAGE-DEFLATE, sorry", "permessage-deflate; client_max_window_bits",
     verdict::pass},
    {"bbf-usp-protocol", "permessage-deflate, bbf-usp-protocol", verdict::pass},
    {"", "permessage-deflate", verdict::non_strict},
    {"extension required", "permessage-deflate", verdict::non_strict},
    {"permessage", "permessage-deflate", verdict::non_strict},  // a part is no name
    {"permessage-deflate", "", verdict::non_strict},            // it offered nothing
};

TEST(ExtensionOffer, ReasonOf1010NamesAnOfferedExtension) {
  for (const reason_fixture& f : reasons) {
    const auto extensions = *f.header ? offer(f.header) : std::vector<codec::extension_offer>{};
    const auto j = judge_1010_reason(f.reason, extensions);
    EXPECT_EQ(j.grade, f.grade) << "\"" << f.reason << "\" / " << f.header << ": " << j.reason;
    if (f.grade != verdict::pass) {
      EXPECT_NE(j.reason.find("RFC 6455 7.4.1"), std::string::npos) << j.reason;
    }
  }
}

}  // namespace
}  // namespace wsspec
