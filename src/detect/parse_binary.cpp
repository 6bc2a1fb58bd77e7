// Parsers over the bytes of binary files (interpreters, shared libraries). Pure: no
// I/O, any bytes accepted (fuzzed in fuzz/). The format each one reads is cited in
// parse.h next to its declaration.
#include <string>

#include "detect/parse.h"

namespace torchup::detect {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "3.11": digits, one dot, digits.
bool is_minor_version(std::string_view minor) {
  auto dot = minor.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == minor.size() || minor.size() > 8) return false;
  for (std::size_t i = 0; i < minor.size(); ++i) {
    if (i != dot && !is_digit(minor[i])) return false;
  }
  return true;
}

// The length of a PY_VERSION tail after "X.Y." at `rest`: micro digits, an optional
// release level (a|b|rc + digits, PEP 440 / patchlevel.h PY_RELEASE_LEVEL) and an
// optional "+" (CPython's development builds), then a NUL. 0 when it is not one.
std::size_t version_tail_length(std::string_view rest) {
  std::size_t i = 0;
  while (i < rest.size() && i < 3 && is_digit(rest[i])) ++i;
  if (i == 0 || (i < rest.size() && is_digit(rest[i]))) return 0;
  for (std::string_view level : {"rc", "a", "b"}) {
    if (rest.substr(i).starts_with(level)) {
      std::size_t j = i + level.size();
      std::size_t digits = 0;
      while (j < rest.size() && digits < 3 && is_digit(rest[j])) ++j, ++digits;
      if (digits == 0) return 0;
      i = j;
      break;
    }
  }
  if (i < rest.size() && rest[i] == '+') ++i;
  if (i >= rest.size() || rest[i] != '\0') return 0;
  return i;
}

}  // namespace

std::optional<std::string> parse_python_version_in_binary(std::string_view bytes, std::string_view minor) {
  if (!is_minor_version(minor)) return std::nullopt;
  const std::string needle = std::string(minor) + ".";
  std::optional<std::string> bounded;  // preceded by NUL (or at offset 0): a literal of its own
  std::optional<std::string> tail;     // the tail of a longer string
  bool bounded_conflict = false;
  bool tail_conflict = false;
  for (std::size_t from = 0;;) {
    // string_view::find (memchr for the first byte, then a compare) scans Debian's 6.8 MB
    // python3.11 in about 0.7 ms on the dev VM; Boyer-Moore-Horspool and memmem took 5 and 3.
    auto pos = bytes.find(needle, from);
    if (pos == std::string_view::npos) break;
    from = pos + 1;
    char before = pos == 0 ? '\0' : bytes[pos - 1];
    if (is_digit(before) || before == '.') continue;  // "13.11.2" or "1.3.11.2": another number
    auto length = version_tail_length(bytes.substr(pos + needle.size()));
    if (length == 0) continue;
    std::string version(bytes.substr(pos, needle.size() + length));
    auto& slot = before == '\0' ? bounded : tail;
    auto& conflict = before == '\0' ? bounded_conflict : tail_conflict;
    if (!slot) slot = version;
    else if (*slot != version) conflict = true;
  }
  if (bounded) return bounded_conflict ? std::nullopt : bounded;
  if (tail && !tail_conflict) return tail;
  return std::nullopt;
}

}  // namespace torchup::detect
