#pragma once
namespace wsspec {
inline constexpr const char* version = "0.1.0";
}
