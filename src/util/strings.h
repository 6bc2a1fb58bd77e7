// Small string helpers. No I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace torchup::str {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
// Splits on runs of whitespace, dropping empty pieces.
std::vector<std::string_view> split_ws(std::string_view s);
std::vector<std::string_view> lines(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
bool contains(std::string_view s, std::string_view needle);
bool icontains(std::string_view s, std::string_view needle);  // ASCII case-insensitive
std::string to_lower(std::string_view s);
// An argument vector as a user would retype it in their shell: POSIX sh quoting
// ('it'\''s') or, for Windows, cmd/PowerShell double quotes; plain words stay bare.
std::string command_line(const std::vector<std::string>& argv, bool windows = false);
// Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`:
// the optimal string alignment distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is close enough to be a typo (at most a
// third of its length in edits, at least one); nullopt otherwise.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);
// Parses a non-negative decimal integer; nullopt on anything else (or overflow).
std::optional<long long> parse_int(std::string_view s);
// Parses "0x1234" or "1234" as hex; nullopt on garbage.
std::optional<unsigned long> parse_hex(std::string_view s);
// The text with every byte that is not part of well-formed UTF-8 (RFC 3629: no
// overlong forms, surrogates or code points above U+10FFFF) replaced by U+FFFD, so it
// can go into JSON (nlohmann::json::dump throws on invalid UTF-8).
std::string valid_utf8(std::string_view s);

// Replaces bytes that are not printable UTF-8/ASCII so garbage can be shown safely.
std::string sanitize(std::string_view s, std::size_t max_len = 200);
// Value of "key=value" / "key: value" style line for the given key, trimmed and unquoted.
std::optional<std::string> key_value(std::string_view text, std::string_view key, char sep);

}  // namespace torchup::str
