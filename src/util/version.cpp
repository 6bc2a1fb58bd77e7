#include "util/version.h"

#include <cctype>
#include <charconv>
#include <limits>

#include "util/strings.h"

namespace torchup {

namespace {

std::optional<long> parse_long(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// Reads digits at s[i...]; returns the number and advances i.
std::optional<long> take_number(std::string_view s, std::size_t& i) {
  std::size_t j = i;
  while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
  if (j == i) return std::nullopt;
  auto v = parse_long(s.substr(i, j - i));
  i = j;
  return v;
}

}  // namespace

std::optional<DottedVersion> DottedVersion::parse(std::string_view text) {
  text = str::trim(text);
  if (text.empty()) return std::nullopt;
  std::vector<long> parts;
  for (auto piece : str::split(text, '.')) {
    auto v = parse_long(piece);
    if (!v || parts.size() >= 6) return std::nullopt;
    parts.push_back(*v);
  }
  return DottedVersion(std::move(parts));
}

DottedVersion DottedVersion::truncated(std::size_t n) const {
  std::vector<long> p(parts_.begin(), parts_.begin() + static_cast<long>(std::min(n, parts_.size())));
  return DottedVersion(std::move(p));
}

std::string DottedVersion::str() const {
  std::string out;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    if (i) out += '.';
    out += std::to_string(parts_[i]);
  }
  return out;
}

std::strong_ordering DottedVersion::operator<=>(const DottedVersion& other) const {
  std::size_t n = std::max(parts_.size(), other.parts_.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (auto c = part(i) <=> other.part(i); c != 0) return c;
  }
  return std::strong_ordering::equal;
}

std::optional<Version> Version::parse(std::string_view text) {
  text = str::trim(text);
  if (text.starts_with('v') || text.starts_with('V')) text.remove_prefix(1);
  Version v;
  auto plus = text.find('+');
  if (plus != std::string_view::npos) {
    v.local_ = std::string(text.substr(plus + 1));
    text = text.substr(0, plus);
    if (v.local_.empty()) return std::nullopt;
    for (char c : v.local_) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
        return std::nullopt;
      }
    }
  }
  std::size_t i = 0;
  std::vector<long> parts;
  while (true) {
    auto n = take_number(text, i);
    if (!n || parts.size() >= 6) return std::nullopt;
    parts.push_back(*n);
    if (i < text.size() && text[i] == '.' && i + 1 < text.size() &&
        std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      ++i;
      continue;
    }
    break;
  }
  v.release_ = DottedVersion(std::move(parts));
  auto rest = text.substr(i);
  auto eat = [&rest](std::string_view tag) {
    if (rest.starts_with(tag)) {
      rest.remove_prefix(tag.size());
      return true;
    }
    return false;
  };
  auto number = [&rest]() -> std::optional<long> {
    std::size_t k = 0;
    auto n = take_number(rest, k);
    rest.remove_prefix(k);
    return n;
  };
  eat(".");
  if (eat("rc") || eat("c")) {
    v.pre_kind_ = 3;
  } else if (eat("a") || eat("alpha")) {
    v.pre_kind_ = 1;
  } else if (eat("b") || eat("beta")) {
    v.pre_kind_ = 2;
  }
  if (v.pre_kind_ != 0) v.pre_num_ = number().value_or(0);
  eat(".");
  if (eat("post")) {
    v.post_ = number().value_or(0);
  }
  eat(".");
  if (eat("dev")) {
    v.dev_ = number().value_or(0);
  }
  if (!rest.empty()) return std::nullopt;
  return v;
}

std::string Version::public_str() const {
  std::string out = release_.str();
  static const char* kPre[] = {"", "a", "b", "rc"};
  if (pre_kind_) out += kPre[pre_kind_] + std::to_string(pre_num_);
  if (post_) out += ".post" + std::to_string(*post_);
  if (dev_) out += ".dev" + std::to_string(*dev_);
  return out;
}

std::string Version::str() const {
  return local_.empty() ? public_str() : public_str() + "+" + local_;
}

std::strong_ordering Version::operator<=>(const Version& other) const {
  if (auto c = release_ <=> other.release_; c != 0) return c;
  // PEP 440: X.devN < X.aN < X.bN < X.rcN < X < X.postN
  auto key = [](const Version& v) {
    // dev-only releases sort before any pre-release of the same release
    int stage = v.pre_kind_ != 0 ? v.pre_kind_ : (v.dev_ && !v.post_ ? 0 : 4);
    return stage;
  };
  if (auto c = key(*this) <=> key(other); c != 0) return c;
  if (auto c = pre_num_ <=> other.pre_num_; c != 0) return c;
  if (auto c = post_.value_or(-1) <=> other.post_.value_or(-1); c != 0) return c;
  // a dev release sorts before the same release without dev
  long mine = dev_ ? *dev_ : std::numeric_limits<long>::max();
  long theirs = other.dev_ ? *other.dev_ : std::numeric_limits<long>::max();
  if (auto c = mine <=> theirs; c != 0) return c;
  return local_ <=> other.local_;
}

}  // namespace torchup
