// Shared helpers for the libFuzzer targets in this folder. Each target feeds the
// fuzzer's bytes to one parser (or the parsers of one file format) and checks the
// properties the parser's header promises; a broken property aborts, which
// libFuzzer reports as a crash with the input that caused it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace torchup::fuzz {

inline std::string_view view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(view(data, size));
}

// A property every result must have; failing it is a bug in the parser.
inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property failed: %s\n", what);
    std::abort();
  }
}

// str::sanitize(s, n) keeps at most n bytes and marks a cut with "...".
inline bool capped(const std::string& s, std::size_t n) { return s.size() <= n + 3; }

}  // namespace torchup::fuzz
