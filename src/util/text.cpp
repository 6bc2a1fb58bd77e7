// Messages and catalogues (text.h).
#include "util/text.h"

#include <cstdint>
#include <cstring>

#include "util/strings.h"
#include "util/text_embedded.h"

namespace torchup {

Text tr(std::string_view id, std::string_view pattern, std::initializer_list<TextArg> args) {
  return tr_args(id, pattern, std::vector<TextArg>(args));
}

Text tr_args(std::string_view id, std::string_view pattern, std::vector<TextArg> args) {
  std::vector<std::pair<std::string, std::string>> english;
  english.reserve(args.size());
  for (const auto& a : args) english.emplace_back(a.name, a.value);
  Text t(substitute(pattern, english));
  t.id_ = std::string(id);
  t.pattern_ = std::string(pattern);
  t.args_ = std::move(args);
  return t;
}

std::string substitute(std::string_view pattern,
                       const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  out.reserve(pattern.size() + 16 * values.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {  // "{{" -> "{"
      out += c;
      ++i;
      continue;
    }
    if (c == '{') {
      const auto close = pattern.find('}', i + 1);
      if (close != std::string_view::npos) {
        const std::string_view name = pattern.substr(i + 1, close - i - 1);
        const std::pair<std::string, std::string>* found = nullptr;
        for (const auto& v : values) {
          if (v.first == name) found = &v;
        }
        if (found) {
          out += found->second;
          i = close;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

const char* lang_code(Lang lang) { return lang == Lang::kZh ? "zh" : "en"; }

std::optional<Lang> parse_lang(std::string_view value) {
  // POSIX locale names: language[_territory][.codeset][@modifier]; BCP 47 on Windows
  // and in browsers: zh-Hans-CN. Only the language part decides.
  std::string lang = str::to_lower(std::string(value.substr(0, value.find_first_of("_-.@"))));
  if (lang == "zh") return Lang::kZh;
  if (lang == "en" || lang == "c" || lang == "posix") return Lang::kEn;
  return std::nullopt;
}

namespace {

constexpr std::uint32_t kMoMagic = 0x950412deU;  // GNU gettext manual, "The Format of GNU MO Files"

struct MoReader {
  std::string_view bytes;
  bool swap = false;
  bool read32(std::size_t at, std::uint32_t& v) const {
    if (at > bytes.size() || bytes.size() - at < 4) return false;
    unsigned char b[4];
    std::memcpy(b, bytes.data() + at, 4);
    v = swap ? (std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 |
                b[3])
             : (std::uint32_t{b[3]} << 24 | std::uint32_t{b[2]} << 16 | std::uint32_t{b[1]} << 8 |
                b[0]);
    return true;
  }
  // The string described by the (length, offset) pair at `at`; up to its first NUL
  // (a plural entry holds its forms separated by NULs: the first is the singular).
  std::optional<std::string_view> string_at(std::size_t at) const {
    std::uint32_t length = 0, offset = 0;
    if (!read32(at, length) || !read32(at + 4, offset)) return std::nullopt;
    if (offset > bytes.size() || bytes.size() - offset < length) return std::nullopt;
    std::string_view s = bytes.substr(offset, length);
    return s.substr(0, s.find('\0'));
  }
};

}  // namespace

std::optional<Catalog> Catalog::from_mo(std::string_view bytes, std::string* error) {
  auto fail = [error](std::string why) -> std::optional<Catalog> {
    if (error) *error = "message catalogue: " + why;
    return std::nullopt;
  };
  MoReader r{bytes};
  std::uint32_t magic = 0;
  if (!r.read32(0, magic)) return fail("shorter than a .mo header");
  if (magic != kMoMagic) {
    r.swap = true;
    r.read32(0, magic);
    if (magic != kMoMagic) return fail("not a GNU .mo file");
  }
  std::uint32_t revision = 0, count = 0, originals = 0, translations = 0;
  if (!r.read32(4, revision) || !r.read32(8, count) || !r.read32(12, originals) ||
      !r.read32(16, translations)) {
    return fail("truncated header");
  }
  if ((revision >> 16) > 1) return fail("unknown .mo revision");
  // Each table entry is 8 bytes: the tables must lie inside the file.
  if (count > bytes.size() / 8) return fail("more entries than bytes");
  Catalog c;
  for (std::uint32_t i = 0; i < count; ++i) {
    auto original = r.string_at(std::size_t{originals} + 8u * i);
    auto translation = r.string_at(std::size_t{translations} + 8u * i);
    if (!original || !translation) {
      return fail("entry " + std::to_string(i) + " lies outside the file");
    }
    if (original->empty() || translation->empty()) continue;  // the header, untranslated entries
    c.entries_.emplace(std::string(*original), std::string(*translation));
  }
  return c;
}

std::optional<std::string_view> Catalog::find(std::string_view id, std::string_view pattern) const {
  std::string key;
  key.reserve(id.size() + 1 + pattern.size());
  key.append(id).append(1, '\x04').append(pattern);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::vector<std::string> Catalog::keys() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [k, v] : entries_) out.push_back(k);
  return out;
}

void Catalog::add(std::string_view id, std::string_view pattern, std::string_view translation) {
  std::string key(id);
  key.append(1, '\x04').append(pattern);
  entries_[key] = std::string(translation);
}

namespace {

Catalog load_builtin(std::string_view name) {
  for (std::size_t i = 0; i < i18n::kEmbeddedCatalogCount; ++i) {
    if (i18n::kEmbeddedCatalogs[i].name != name) continue;
    auto c = Catalog::from_mo(i18n::kEmbeddedCatalogs[i].bytes);
    if (c) return std::move(*c);
  }
  return Catalog{};  // English, or a catalogue the build did not embed
}

}  // namespace

const Catalog& builtin_catalog(Lang lang) {
  static const Catalog english;
  static const Catalog chinese = load_builtin("zh_CN.mo");
  return lang == Lang::kZh ? chinese : english;
}

Text join_text(const std::vector<Text>& parts, const Text& separator) {
  if (parts.empty()) return {};
  if (parts.size() == 1) return parts.front();
  std::string pattern;
  std::vector<TextArg> args;
  args.push_back({"sep", separator});
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string name = "p" + std::to_string(i);
    if (i > 0) pattern += "{sep}";
    pattern += "{" + name + "}";
    args.push_back({name, parts[i]});
  }
  // Not a catalogue entry: the pattern is only placeholders, said the same in every language.
  return tr_args("text.join", pattern, std::move(args));
}

std::string localize(const Text& text, const Catalog& catalog) {
  if (!text.translatable()) return text.str();
  std::string_view pattern = text.pattern();
  if (auto translated = catalog.find(text.id(), text.pattern())) pattern = *translated;
  std::vector<std::pair<std::string, std::string>> values;
  values.reserve(text.args().size());
  for (const auto& a : text.args()) values.emplace_back(a.name, localize(a.value, catalog));
  return substitute(pattern, values);
}

}  // namespace torchup
