#include "run/data_set.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace wsspec {

namespace {

constexpr std::size_t target_size = std::size_t{1} << 20;

// splitmix64, as the "random" payloads use: fully specified, the same bytes everywhere.
struct splitmix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

// Words made of syllables, drawn by a Zipf law as words are in natural text: a few very common,
// a long tail of rare ones. That frequency shape is what makes prose deflate as it does.
class vocabulary {
 public:
  vocabulary(std::uint64_t seed, bool ascii_only, std::size_t size = 2000) : rng_{seed} {
    static constexpr std::array<std::string_view, 32> ascii = {
        "er", "en", "ch", "de", "ge", "ei",  "ie",  "in",  "ne",   "be", "un",
        "st", "ri", "ha", "te", "an", "ver", "sch", "ten", "lich", "ke", "mo",
        "la", "tu", "wa", "so", "zu", "al",  "or",  "it",  "ra",   "do"};
    static constexpr std::array<std::string_view, 6> accented = {
        "\xC3\xA4", "\xC3\xB6", "\xC3\xBC", "\xC3\x9F", "\xC3\xA4u", "gr\xC3\xBC"};
    words_.reserve(size);
    for (std::size_t i = 0; i < size; ++i) {
      std::string w;
      const std::size_t syllables = 1 + rng_.below(i < 100 ? 2 : 4);
      for (std::size_t s = 0; s < syllables; ++s) {
        if (!ascii_only && rng_.below(9) == 0)
          w += accented[rng_.below(accented.size())];
        else
          w += ascii[rng_.below(ascii.size())];
      }
      words_.push_back(std::move(w));
    }
    double sum = 0;
    cumulative_.reserve(size);
    for (std::size_t r = 0; r < size; ++r) cumulative_.push_back(sum += 1.0 / double(r + 1));
  }

  const std::string& draw() {
    const double u = rng_.unit() * cumulative_.back();
    const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), u);
    return words_[std::min<std::size_t>(it - cumulative_.begin(), words_.size() - 1)];
  }
  splitmix& rng() { return rng_; }

 private:
  splitmix rng_;
  std::vector<std::string> words_;
  std::vector<double> cumulative_;
};

void append_sentence(std::string& out, vocabulary& v, bool capital = true) {
  const std::size_t n = 4 + v.rng().below(14);
  for (std::size_t i = 0; i < n; ++i) {
    std::string w = v.draw();
    if (i == 0 && capital && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 32);
    out += w;
    out += i + 1 == n ? ". " : (v.rng().below(8) == 0 ? ", " : " ");
  }
}

std::string make_json() {
  vocabulary v(0x4A534F4E, true);
  std::string out = "[\n";
  for (std::uint64_t id = 1; out.size() < target_size; ++id) {
    auto& r = v.rng();
    out += "  {\"id\": " + std::to_string(id * 7 + r.below(7));
    out += ", \"name\": \"" + v.draw() + " " + v.draw() + "\"";
    out += ", \"email\": \"" + v.draw() + "." + v.draw() + "@" + v.draw() + ".example\"";
    out += std::string(", \"active\": ") + (r.below(3) ? "true" : "false");
    out += ", \"score\": " + std::to_string(r.below(100000) / 100.0).substr(0, 6);
    out += ", \"tags\": [";
    for (std::uint64_t t = 0, n = r.below(4); t < n; ++t)
      out += (t ? ", \"" : "\"") + v.draw() + "\"";
    out += "], \"address\": {\"street\": \"" + v.draw() + " " + std::to_string(1 + r.below(200)) +
           "\", \"city\": \"" + v.draw() + "\", \"zip\": \"" +
           std::to_string(10000 + r.below(89999)) +
           "\"}, \"balance\": " + std::to_string(r.below(10000000)) + "}";
    out += ",\n";
  }
  out.resize(target_size);
  return out;
}

std::string make_bitmap() {
  // A BMP as Autobahn's test image is one: 54-byte header, a 256-entry grey palette, 8-bit
  // pixels; 1024 x 1000 of them, a smooth picture plus sensor-like noise.
  constexpr std::uint32_t w = 1024, h = 1000, palette = 256 * 4, offset = 54 + palette;
  constexpr std::uint32_t file_size = offset + w * h;
  std::string out(file_size, '\0');
  auto put32 = [&](std::size_t at, std::uint32_t x) {
    for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>(x >> (8 * i));
  };
  out[0] = 'B';
  out[1] = 'M';
  put32(2, file_size);
  put32(10, offset);
  put32(14, 40);  // BITMAPINFOHEADER
  put32(18, w);
  put32(22, h);
  out[26] = 1;  // planes
  out[28] = 8;  // bits per pixel
  put32(34, w * h);
  put32(46, 256);
  for (std::uint32_t i = 0; i < 256; ++i)
    for (int c = 0; c < 3; ++c) out[54 + 4 * i + c] = static_cast<char>(i);
  splitmix rng{0x424D50};
  for (std::uint32_t y = 0; y < h; ++y)
    for (std::uint32_t x = 0; x < w; ++x) {
      const double v = 128 + 55 * std::sin(x / 37.0) * std::cos(y / 23.0) +
                       35 * std::sin((x + 2.0 * y) / 71.0) + double(rng.below(25)) - 12;
      out[offset + y * w + x] = static_cast<char>(std::clamp(static_cast<int>(v), 0, 255));
    }
  return out;
}

std::string make_prose() {
  vocabulary v(0x50524F5345, false);
  std::string out;
  out.reserve(target_size + 512);
  std::size_t line_start = 0;
  while (out.size() < target_size) {
    append_sentence(out, v);
    if (out.size() - line_start > 70) {
      out.back() = '\n';
      line_start = out.size();
      if (v.rng().below(6) == 0) out += '\n';
    }
  }
  // Cut on a character boundary: a slice of prose may still split a character (it goes as a
  // binary message), but the data set itself is valid UTF-8.
  std::size_t end = target_size;
  while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) --end;
  out.resize(end);
  return out;
}

std::string make_html() {
  vocabulary v(0x48544D4C, true);
  static constexpr std::array<std::string_view, 6> blocks = {"div", "section", "article",
                                                             "ul",  "table",   "aside"};
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
      "<title>wsspec data set</title></head>\n<body>\n";
  while (out.size() < target_size) {
    auto& r = v.rng();
    const std::string_view b = blocks[r.below(blocks.size())];
    out += "<" + std::string(b) + " class=\"" + v.draw() + "-" + v.draw() + "\" id=\"" + v.draw() +
           std::to_string(r.below(1000)) + "\">\n";
    for (std::uint64_t i = 0, n = 1 + r.below(5); i < n; ++i) {
      if (b == "ul") {
        out +=
            "  <li><a href=\"/" + v.draw() + "/" + v.draw() + ".html\">" + v.draw() + "</a></li>\n";
      } else if (b == "table") {
        out += "  <tr><td>" + v.draw() + "</td><td class=\"num\">" +
               std::to_string(r.below(99999)) + "</td><td>" + v.draw() + "</td></tr>\n";
      } else {
        out += "  <p>";
        append_sentence(out, v);
        append_sentence(out, v);
        out += "</p>\n";
      }
    }
    out += "</" + std::string(b) + ">\n";
  }
  out.resize(target_size);
  return out;
}

std::string make_random() {
  std::string out(target_size, '\0');
  splitmix rng{0x52414E44};
  for (std::size_t i = 0; i < out.size(); i += 8) {
    const std::uint64_t r = rng.next();
    for (std::size_t j = 0; j < 8; ++j) out[i + j] = static_cast<char>(r >> (8 * j));
  }
  return out;
}

constexpr std::array<std::string_view, 5> names = {"json", "bitmap", "prose", "html", "random"};

}  // namespace

std::optional<data_set> data_set_named(std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<data_set>(i);
  return std::nullopt;
}

std::string_view name_of(data_set d) { return names[static_cast<std::size_t>(d)]; }

std::string_view data_set_names() { return "json, bitmap, prose, html, random"; }

std::string_view data_set_bytes(data_set d) {
  // Function-local statics: generated on first use, once, thread-safe (C++11 6.7).
  switch (d) {
    case data_set::json: {
      static const std::string s = make_json();
      return s;
    }
    case data_set::bitmap: {
      static const std::string s = make_bitmap();
      return s;
    }
    case data_set::prose: {
      static const std::string s = make_prose();
      return s;
    }
    case data_set::html: {
      static const std::string s = make_html();
      return s;
    }
    case data_set::random: {
      static const std::string s = make_random();
      return s;
    }
  }
  return {};
}

void data_set_slice(data_set d, std::uint64_t index, std::span<char> out) {
  const std::string_view all = data_set_bytes(d);
  if (all.empty() || out.empty()) return;
  std::size_t at =
      static_cast<std::size_t>((index % all.size()) * (out.size() % all.size()) % all.size());
  for (std::size_t done = 0; done < out.size();) {
    const std::size_t n = std::min(out.size() - done, all.size() - at);
    std::copy_n(all.data() + at, n, out.data() + done);
    done += n;
    at = 0;
  }
}

}  // namespace wsspec
