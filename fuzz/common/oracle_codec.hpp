// Renames the codec's namespace, wsspec::codec, to wsspec::codec_oracle for the translation
// unit it is the first include of: frame_decoder_fuzzer links the decoder's sources twice,
// once instrumented for coverage (the run that guides the fuzzer) and once without
// instrumentation (the re-runs that serve only as oracles), and the second copy must be a
// different set of entities, not a second definition of the same ones. Renaming the namespace
// gives every class, function and constant of the copy its own mangled name, so the program
// never holds two definitions of one entity (ODR), and the codec's own sources and headers
// stay untouched. The build (fuzz/CMakeLists.txt) force-includes this file into the copied
// codec sources; fuzz code that uses the copy includes it right before the codec headers.
//
// The macro replaces the identifier `codec` wherever it appears, so every standard header the
// decoder's sources and headers use is included before it is defined: those headers are then
// already guarded when the codec includes them, and never see the macro. (Include paths such as
// "wsspec/codec/frame_decoder.hpp" are header names, which macros do not touch.)
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#define codec codec_oracle
