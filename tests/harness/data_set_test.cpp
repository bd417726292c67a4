// The generated data sets of the compression cases (harness/run/data_set.hpp): fixed bytes
// (a rerun sends what the first run sent), text sets that any slice of is valid UTF-8, and
// compression ratios in the band of the kind of data each stands in for.
#include "run/data_set.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cases/case_model.hpp"
#include "run/payload.hpp"
#include "wsspec/codec/deflater.hpp"
#include "wsspec/codec/utf8.hpp"

namespace {

using wsspec::data_set;

constexpr data_set all[] = {data_set::json, data_set::bitmap, data_set::prose, data_set::html,
                            data_set::random};

// Deflated size / original size of the first 256 KiB, zlib level 6, window 15: one number per
// data set that says how it compresses.
double ratio(data_set d) {
  const std::string_view bytes = wsspec::data_set_bytes(d).substr(0, 256 * 1024);
  wsspec::codec::deflater z(wsspec::codec::deflater_options{});
  std::vector<std::uint8_t> out;
  z.compress(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), out);
  return double(out.size()) / double(bytes.size());
}

TEST(DataSet, NamesRoundTrip) {
  for (data_set d : all) EXPECT_EQ(wsspec::data_set_named(wsspec::name_of(d)), d);
  EXPECT_EQ(wsspec::data_set_named("pdf"), std::nullopt);
  EXPECT_EQ(wsspec::data_set_named(""), std::nullopt);
}

TEST(DataSet, AboutOneMebibyteAndTheSameEveryTime) {
  for (data_set d : all) {
    const std::string_view bytes = wsspec::data_set_bytes(d);
    EXPECT_GE(bytes.size(), 1000000u) << wsspec::name_of(d);
    EXPECT_LE(bytes.size(), 1u << 20) << wsspec::name_of(d);
    // The same object every call (generated once), and fixed content: these prefixes are what
    // every run of every build sends.
    EXPECT_EQ(bytes.data(), wsspec::data_set_bytes(d).data());
  }
  EXPECT_EQ(wsspec::data_set_bytes(data_set::json).substr(0, 14), "[\n  {\"id\": 11,");
  EXPECT_EQ(wsspec::data_set_bytes(data_set::bitmap).substr(0, 2), "BM");
  EXPECT_EQ(wsspec::data_set_bytes(data_set::html).substr(0, 15), "<!DOCTYPE html>");
}

TEST(DataSet, TextSetsAreAsciiSoEverySliceIsUtf8AndProseIsUtf8Whole) {
  for (data_set d : {data_set::json, data_set::html})
    for (char c : wsspec::data_set_bytes(d))
      ASSERT_LT(static_cast<unsigned char>(c), 0x80) << wsspec::name_of(d);
  const std::string_view prose = wsspec::data_set_bytes(data_set::prose);
  EXPECT_TRUE(wsspec::codec::validate_utf8(
                  std::span(reinterpret_cast<const std::uint8_t*>(prose.data()), prose.size()))
                  .valid);
  // Not ASCII only: the prose has multi-byte characters, as a German novel does.
  EXPECT_NE(prose.find("\xC3"), std::string_view::npos);
}

TEST(DataSet, CompressesLikeTheKindOfDataItStandsIn) {
  const double json = ratio(data_set::json), bitmap = ratio(data_set::bitmap),
               prose = ratio(data_set::prose), html = ratio(data_set::html),
               random = ratio(data_set::random);
  EXPECT_GT(json, 0.10);
  EXPECT_LT(json, 0.35);
  EXPECT_GT(html, 0.10);
  EXPECT_LT(html, 0.35);
  EXPECT_GT(prose, 0.25);
  EXPECT_LT(prose, 0.50);
  EXPECT_GT(bitmap, 0.60);
  EXPECT_LT(bitmap, 0.95);
  EXPECT_GT(random, 0.99);
}

TEST(DataSet, SliceNIsTheNthRunOfSizeBytesWrappingAtTheEnd) {
  const std::string_view all_json = wsspec::data_set_bytes(data_set::json);
  std::string out(100, '\0');
  wsspec::data_set_slice(data_set::json, 0, out);
  EXPECT_EQ(out, all_json.substr(0, 100));
  wsspec::data_set_slice(data_set::json, 7, out);
  EXPECT_EQ(out, all_json.substr(700, 100));
  // A slice that runs past the end continues at the start.
  const std::size_t n = all_json.size();
  std::string wrap(n / 2 + 10, '\0');
  wsspec::data_set_slice(data_set::json, 1, wrap);
  EXPECT_EQ(wrap.substr(0, n - wrap.size()), all_json.substr(wrap.size()));
  EXPECT_EQ(wrap.substr(n - wrap.size()), all_json.substr(0, 2 * wrap.size() - n));
}

TEST(DataSet, APayloadOfADataSetSendsTheRoundsSlice) {
  wsspec::payload_spec p;
  p.how = wsspec::payload_spec::kind::data_set;
  p.set = data_set::html;
  p.size = 64;
  EXPECT_EQ(wsspec::payload_size(p), 64u);
  EXPECT_EQ(wsspec::materialize(p), wsspec::data_set_bytes(data_set::html).substr(0, 64));
  EXPECT_EQ(wsspec::materialize(p, 3), wsspec::data_set_bytes(data_set::html).substr(192, 64));
}

}  // namespace
