// Generated data sets for the compression cases (Autobahn 12.x/13.x counterparts). Autobahn
// sends slices of five files it ships (a JSON document, a bitmap, a novel, an HTML page, a PDF);
// wsspec generates stand-ins that compress the way those kinds of data do, so no data file is
// shipped and every run sends the same bytes:
//
//   json    ASCII JSON records (keys repeat, values vary)      deflates to about a fifth
//   bitmap  an 8-bit greyscale BMP of a smooth noisy image    deflates a little
//   prose   UTF-8 text of words drawn by frequency            deflates to about a third
//   html    ASCII markup: nested tags, attributes, prose       deflates to about a fifth
//   random  pseudo-random bytes (a PDF is mostly compressed)   does not deflate
//
// json and html are ASCII so that any slice of them is valid UTF-8 (they go as text messages);
// prose and the others go as binary messages, as Autobahn sends them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace wsspec {

enum class data_set : std::uint8_t { json, bitmap, prose, html, random };

// "json" -> data_set::json; nullopt for any other name.
std::optional<data_set> data_set_named(std::string_view name);
std::string_view name_of(data_set d);
// The names, for error messages: "json, bitmap, prose, html, random".
std::string_view data_set_names();

// The whole data set (1 MiB), generated once per process; safe from any thread.
std::string_view data_set_bytes(data_set d);

// The `index`-th slice of `out.size()` bytes: bytes [index * size, (index + 1) * size) of the
// data set, wrapping around at its end. Message n of a series is slice n, so consecutive
// messages carry consecutive data, as a real stream would.
void data_set_slice(data_set d, std::uint64_t index, std::span<char> out);

}  // namespace wsspec
