// The digest the judge compares messages by: a message's bytes are not kept (a case may move
// gigabytes), only their size and this digest, of what was sent and of what came back.
//
// CRC-64 (ECMA-182, reflected: CRC-64/XZ) through ISA-L, which runs it at memory speed with
// carry-less multiplication; the 64-bit hash of libstdc++ ran at a seventh of that and was
// 5 % of a compression run's CPU. Not a cryptographic digest: it tells an echo from a changed
// message, which is all an echo check asks; a target would have to craft a collision.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace wsspec {

std::uint64_t payload_digest(std::span<const std::uint8_t> bytes);
std::uint64_t payload_digest(std::string_view bytes);

}  // namespace wsspec
