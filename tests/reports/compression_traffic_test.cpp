// A compression case's permessage-deflate traffic (case_result::compression): results.json
// states the bytes and ratios each way, reads them back, the HTML shows them, and a case
// without compression has none of it; a repeated case's omitted rounds are one typed event.
#include <gtest/gtest.h>

#include <string>

#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/observation_text.hpp"
#include "wsspec/reports/results_json.hpp"
#include "wsspec/reports/results_reader.hpp"

namespace wsspec {
namespace {

run_summary run_with_compression() {
  run_summary r;
  r.tool_version = "0.1.0";
  r.target_url = "ws://127.0.0.1:9001/";
  case_result c;
  c.id = "compression/1000x1024-json";
  c.area = "compression";
  c.title = "t";
  c.autobahn = "12.1.4";
  case_result::compression_traffic z;
  z.sent_bytes = 1024000;
  z.sent_compressed = 256000;
  z.received_bytes = 0;  // the target sent nothing compressed
  z.received_compressed = 0;
  c.compression = z;
  observation o;
  o.what = observation::kind::rounds_omitted;
  o.count = 997;
  c.events.push_back(o);
  r.cases.push_back(c);
  case_result plain;
  plain.id = "framing/text-length-0";
  plain.area = "framing";
  plain.title = "t";
  r.cases.push_back(plain);
  return r;
}

TEST(CompressionTraffic, ResultsJsonHasBytesAndRatiosEachWay) {
  const nlohmann::json j = to_json(run_with_compression());
  const auto& z = j["cases"][0]["compression"];
  EXPECT_EQ(z["sent_bytes"], 1024000);
  EXPECT_EQ(z["sent_compressed"], 256000);
  EXPECT_DOUBLE_EQ(z["sent_ratio"].get<double>(), 0.25);
  EXPECT_EQ(z["received_bytes"], 0);
  EXPECT_TRUE(z["received_ratio"].is_null());
  EXPECT_FALSE(j["cases"][1].contains("compression"));
  EXPECT_EQ(j["cases"][0]["events"][0]["what"], "rounds_omitted");
  EXPECT_EQ(j["cases"][0]["events"][0]["rounds"], 997);
  EXPECT_EQ(j["cases"][0]["transcript"][0].get<std::string>().find("997 more rounds like"),
            j["cases"][0]["transcript"][0].get<std::string>().find("997"));
}

TEST(CompressionTraffic, ReadBackKeepsIt) {
  run_summary back;
  results_error err;
  ASSERT_TRUE(parse_results_json(to_json(run_with_compression()).dump(), back, err))
      << err.to_string();
  ASSERT_TRUE(back.cases[0].compression.has_value());
  EXPECT_EQ(*back.cases[0].compression, *run_with_compression().cases[0].compression);
  EXPECT_FALSE(back.cases[1].compression.has_value());
}

TEST(CompressionTraffic, ABadCountIsRejectedWithItsPointer) {
  nlohmann::json j = to_json(run_with_compression());
  j["cases"][0]["compression"]["sent_bytes"] = -1;
  run_summary back;
  results_error err;
  EXPECT_FALSE(parse_results_json(j.dump(), back, err));
  EXPECT_NE(err.to_string().find("/cases/0/compression/sent_bytes"), std::string::npos)
      << err.to_string();
}

TEST(CompressionTraffic, HtmlShowsWhatCompressionDid) {
  const std::string html = render_html(run_with_compression());
  EXPECT_NE(html.find("<b>Compression</b> sent: 1024000 bytes deflated to 25.0%; received: none "
                      "compressed"),
            std::string::npos);
  // Once: the case without compression has no such line.
  EXPECT_EQ(html.find("<b>Compression</b>", html.find("<b>Compression</b>") + 1),
            std::string::npos);
}

}  // namespace
}  // namespace wsspec
