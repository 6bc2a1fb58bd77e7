// A Registry read from the text of a regedit export (.reg): the fake registry of native
// tests and of Windows --root trees.
//
// Format (regedit's "Export", Microsoft "How to add, modify, or delete registry subkeys and
// values by using a .reg file", support.microsoft.com/kb/310516):
//   first line "Windows Registry Editor Version 5.00" (UTF-16LE with a BOM, as regedit
//   writes it) or "REGEDIT4" (ANSI);
//   [HKEY_LOCAL_MACHINE\Path\To\Key] sections, [-HKEY_...] deletes a key;
//   "name"="text" (\\ and \" escaped), @= the default value, "name"=- deletes a value;
//   dword:0000001f; hex:01,02 (REG_BINARY); hex(2): REG_EXPAND_SZ, hex(7): REG_MULTI_SZ,
//   hex(b): REG_QWORD, hex(N): type N as bytes; in 5.00 files string bytes are UTF-16LE,
//   in REGEDIT4 files ANSI; long hex data continues on the next line after a backslash.
// Deletions have nothing to delete in a fresh fake: they are skipped with a note. Every
// line that cannot be read is skipped and described; nothing throws.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "host/registry.h"

namespace torchup::host {
namespace {

constexpr std::size_t kMaxProblems = 50;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// UTF-16LE code units to UTF-8; a lone surrogate becomes U+FFFD.
std::string utf16le_to_utf8(const std::uint8_t* data, std::size_t size) {
  std::string out;
  out.reserve(size / 2);
  std::size_t i = 0;
  while (i + 1 < size) {
    std::uint32_t unit = static_cast<std::uint32_t>(data[i] | (data[i + 1] << 8));
    i += 2;
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < size) {
      std::uint32_t next = static_cast<std::uint32_t>(data[i] | (data[i + 1] << 8));
      if (next >= 0xDC00 && next <= 0xDFFF) {
        i += 2;
        append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (next - 0xDC00));
        continue;
      }
    }
    append_utf8(out, unit >= 0xD800 && unit <= 0xDFFF ? 0xFFFD : unit);
  }
  return out;
}

// Latin-1 bytes (REGEDIT4's ANSI, read as code page 1252's ASCII-compatible part) to UTF-8.
std::string latin1_to_utf8(const std::uint8_t* data, std::size_t size) {
  std::string out;
  for (std::size_t i = 0; i < size; ++i) append_utf8(out, data[i]);
  return out;
}

struct Key {
  std::string name;  // as first written
  std::map<std::string, std::string> children;                     // lower name -> name
  std::map<std::string, std::pair<std::string, RegValue>> values;  // lower name -> (name, value)
};

class TextRegistry final : public Registry {
 public:
  std::vector<std::string> subkeys(RegHive hive, const std::string& key) const override {
    std::vector<std::string> out;
    if (const Key* k = find(hive, key)) {
      for (const auto& [_, name] : k->children) out.push_back(name);
    }
    return out;
  }
  std::vector<std::string> value_names(RegHive hive, const std::string& key) const override {
    std::vector<std::string> out;
    if (const Key* k = find(hive, key)) {
      for (const auto& [_, entry] : k->values) out.push_back(entry.first);
    }
    return out;
  }
  std::optional<RegValue> value(RegHive hive, const std::string& key, const std::string& name) const override {
    const Key* k = find(hive, key);
    if (!k) return std::nullopt;
    auto it = k->values.find(lower(name));
    if (it == k->values.end()) return std::nullopt;
    return it->second.second;
  }

  // Creates the key and its parents; returns it.
  Key& make_key(RegHive hive, std::string_view path) {
    std::string full = hive_prefix(hive);
    Key* parent = &keys_[full];
    for (std::size_t start = 0; start <= path.size();) {
      auto end = path.find('\\', start);
      if (end == std::string_view::npos) end = path.size();
      auto piece = path.substr(start, end - start);
      start = end + 1;
      if (piece.empty()) continue;
      full += "\\" + lower(piece);
      parent->children.emplace(lower(piece), std::string(piece));
      Key& child = keys_[full];
      if (child.name.empty()) child.name = std::string(piece);
      parent = &child;
    }
    return *parent;
  }

 private:
  static std::string hive_prefix(RegHive hive) { return hive == RegHive::local_machine ? "hklm" : "hkcu"; }

  const Key* find(RegHive hive, const std::string& key) const {
    std::string full = hive_prefix(hive);
    std::string_view path = key;
    for (std::size_t start = 0; start <= path.size();) {
      auto end = path.find('\\', start);
      if (end == std::string_view::npos) end = path.size();
      auto piece = path.substr(start, end - start);
      start = end + 1;
      if (!piece.empty()) full += "\\" + lower(piece);
    }
    auto it = keys_.find(full);
    return it == keys_.end() ? nullptr : &it->second;
  }

  std::map<std::string, Key> keys_;
};

class Parser {
 public:
  Parser(TextRegistry& registry, std::vector<std::string>* problems) : registry_(registry), problems_(problems) {}

  void parse(std::string_view raw) {
    std::string text = decode(raw);
    std::vector<std::string> logical = logical_lines(text);
    bool header_seen = false;
    for (std::size_t i = 0; i < logical.size(); ++i) {
      line_no_ = line_numbers_[i];
      std::string_view line = trim(logical[i]);
      if (line.empty() || line.front() == ';') continue;
      if (!header_seen) {
        header_seen = true;
        if (line == "Windows Registry Editor Version 5.00") continue;
        if (line == "REGEDIT4") {
          ansi_ = true;
          continue;
        }
        note("not a regedit export header (\"Windows Registry Editor Version 5.00\" or \"REGEDIT4\")");
      }
      if (line.front() == '[') section(line);
      else value_line(line);
    }
    if (problems_ && dropped_ > 0) problems_->push_back(std::to_string(dropped_) + " more problems not listed");
  }

 private:
  void note(const std::string& what) {
    if (!problems_) return;
    if (problems_->size() >= kMaxProblems) {
      ++dropped_;
      return;
    }
    problems_->push_back("line " + std::to_string(line_no_) + ": " + what);
  }

  // UTF-16LE with a BOM (regedit's own export) or UTF-8 (with or without a BOM).
  static std::string decode(std::string_view raw) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw.data());
    if (raw.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) return utf16le_to_utf8(bytes + 2, raw.size() - 2);
    if (raw.size() >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) return std::string(raw.substr(3));
    return std::string(raw);
  }

  // Physical lines joined where one ends in a backslash (hex data wrapped by regedit);
  // line_numbers_ keeps where each logical line started.
  std::vector<std::string> logical_lines(const std::string& text) {
    std::vector<std::string> out;
    std::string current;
    bool continuing = false;
    std::size_t number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string_view line = std::string_view(text).substr(start, end - start);
      start = end + 1;
      ++number;
      auto body = trim(line);
      if (!continuing) {
        line_numbers_.push_back(number);
        current.clear();
      }
      // A continued line is the hex data's tail; a section or string line never ends in a lone backslash.
      bool more = !body.empty() && body.back() == '\\' && body.front() != '[' && body.back() != '"';
      if (more) body.remove_suffix(1);
      current.append(body);
      continuing = more;
      if (!continuing) out.push_back(current);
      if (end == text.size()) break;
    }
    if (continuing) out.push_back(current);
    return out;
  }

  void section(std::string_view line) {
    current_ = nullptr;
    if (line.back() != ']') {
      note("a key line without its closing ']'");
      return;
    }
    auto inner = line.substr(1, line.size() - 2);
    if (!inner.empty() && inner.front() == '-') {
      note("key deletion [-...] ignored (nothing to delete in a fake registry)");
      return;
    }
    auto slash = inner.find('\\');
    auto hive_name = lower(inner.substr(0, slash));
    auto path = slash == std::string_view::npos ? std::string_view() : inner.substr(slash + 1);
    RegHive hive;
    if (hive_name == "hkey_local_machine" || hive_name == "hklm") hive = RegHive::local_machine;
    else if (hive_name == "hkey_current_user" || hive_name == "hkcu") hive = RegHive::current_user;
    else {
      note("hive " + std::string(inner.substr(0, slash)) + " not read (only HKEY_LOCAL_MACHINE and HKEY_CURRENT_USER)");
      return;
    }
    current_ = &registry_.make_key(hive, path);
  }

  // A quoted string at the start of s with \\ and \" unescaped; the rest of s after it.
  static std::optional<std::string> quoted(std::string_view& s) {
    if (s.empty() || s.front() != '"') return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i < s.size(); ++i) {
      char c = s[i];
      if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == '"')) {
        out += s[++i];
      } else if (c == '"') {
        s.remove_prefix(i + 1);
        return out;
      } else {
        out += c;
      }
    }
    return std::nullopt;
  }

  std::optional<std::vector<std::uint8_t>> hex_bytes(std::string_view s) {
    std::vector<std::uint8_t> out;
    s = trim(s);
    if (s.empty()) return out;
    std::size_t start = 0;
    while (start <= s.size()) {
      auto end = s.find(',', start);
      if (end == std::string_view::npos) end = s.size();
      auto piece = trim(s.substr(start, end - start));
      start = end + 1;
      if (piece.empty() && end == s.size()) break;  // a trailing comma
      if (piece.empty() || piece.size() > 2) return std::nullopt;
      unsigned v = 0;
      for (char c : piece) {
        v <<= 4;
        if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
        else return std::nullopt;
      }
      out.push_back(static_cast<std::uint8_t>(v));
      if (end == s.size()) break;
    }
    return out;
  }

  std::string bytes_text(const std::vector<std::uint8_t>& bytes) const {
    return ansi_ ? latin1_to_utf8(bytes.data(), bytes.size()) : utf16le_to_utf8(bytes.data(), bytes.size());
  }

  // REG_SZ / REG_EXPAND_SZ bytes: the text up to the first NUL.
  std::string string_from_bytes(const std::vector<std::uint8_t>& bytes) const {
    auto text = bytes_text(bytes);
    return text.substr(0, text.find('\0'));
  }

  // REG_MULTI_SZ: NUL-separated strings ending in an empty one.
  std::vector<std::string> multi_from_bytes(const std::vector<std::uint8_t>& bytes) const {
    std::vector<std::string> out;
    auto text = bytes_text(bytes);
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\0', start);
      if (end == std::string::npos) end = text.size();
      if (end == start) break;  // the empty string ends the list
      out.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

  void value_line(std::string_view line) {
    std::string name;
    if (line.front() == '@') {
      line.remove_prefix(1);
    } else if (auto q = quoted(line)) {
      name = *q;
    } else {
      note("neither a key, a value nor a comment");
      return;
    }
    line = trim(line);
    if (line.empty() || line.front() != '=') {
      note("value " + shown(name) + " without '='");
      return;
    }
    line = trim(line.substr(1));
    if (!current_) {
      note("value " + shown(name) + " outside a readable key");
      return;
    }
    RegValue value;
    if (line == "-") {
      note("value deletion " + shown(name) + "=- ignored");
      return;
    }
    if (!line.empty() && line.front() == '"') {
      auto text = quoted(line);
      if (!text || !trim(line).empty()) {
        note("value " + shown(name) + ": a string without its closing quote, or text after it");
        return;
      }
      value.type = RegValue::Type::string;
      value.text = *text;
    } else if (lower(line.substr(0, 6)) == "dword:") {
      auto digits = trim(line.substr(6));
      auto bytes = digits.size() >= 1 && digits.size() <= 8 ? parse_hex32(digits) : std::nullopt;
      if (!bytes) {
        note("value " + shown(name) + ": dword: needs 1 to 8 hex digits");
        return;
      }
      value.type = RegValue::Type::dword;
      value.number = *bytes;
    } else if (lower(line.substr(0, 3)) == "hex") {
      if (!hex_value(line, name, value)) return;
    } else {
      note("value " + shown(name) + ": unknown data (not \"...\", dword: or hex:)");
      return;
    }
    current_->values[lower(name)] = {name, std::move(value)};
  }

  bool hex_value(std::string_view line, const std::string& name, RegValue& value) {
    unsigned type = 3;  // REG_BINARY
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      note("value " + shown(name) + ": hex without ':'");
      return false;
    }
    auto head = lower(line.substr(0, colon));
    if (head != "hex") {
      if (head.size() < 6 || head.substr(0, 4) != "hex(" || head.back() != ')') {
        note("value " + shown(name) + ": unreadable hex type '" + head + "'");
        return false;
      }
      auto t = parse_hex32(head.substr(4, head.size() - 5));
      if (!t || head.size() > 13) {
        note("value " + shown(name) + ": unreadable hex type '" + head + "'");
        return false;
      }
      type = static_cast<unsigned>(*t);
    }
    auto bytes = hex_bytes(line.substr(colon + 1));
    if (!bytes) {
      note("value " + shown(name) + ": hex data is not comma-separated bytes");
      return false;
    }
    switch (type) {
      case 1:  // REG_SZ
        value.type = RegValue::Type::string;
        value.text = string_from_bytes(*bytes);
        break;
      case 2:  // REG_EXPAND_SZ
        value.type = RegValue::Type::expand_string;
        value.text = string_from_bytes(*bytes);
        break;
      case 4:  // REG_DWORD (little-endian)
      case 0xb:  // REG_QWORD
        if (bytes->size() != (type == 4 ? 4u : 8u)) {
          note("value " + shown(name) + (type == 4 ? ": hex(4) needs 4 bytes" : ": hex(b) needs 8 bytes"));
          return false;
        }
        value.type = type == 4 ? RegValue::Type::dword : RegValue::Type::qword;
        value.number = 0;
        for (std::size_t i = bytes->size(); i-- > 0;) value.number = (value.number << 8) | (*bytes)[i];
        break;
      case 7:  // REG_MULTI_SZ
        value.type = RegValue::Type::multi_string;
        value.list = multi_from_bytes(*bytes);
        break;
      default:  // REG_BINARY, REG_NONE and the rest: the bytes as they are
        value.type = RegValue::Type::binary;
        value.bytes = std::move(*bytes);
    }
    return true;
  }

  static std::optional<std::uint64_t> parse_hex32(std::string_view s) {
    if (s.empty() || s.size() > 8) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<std::uint64_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint64_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint64_t>(c - 'A' + 10);
      else return std::nullopt;
    }
    return v;
  }

  static std::string shown(const std::string& name) {
    if (name.empty()) return "@";
    return "\"" + (name.size() > 60 ? name.substr(0, 60) + "..." : name) + "\"";
  }

  TextRegistry& registry_;
  std::vector<std::string>* problems_;
  std::vector<std::size_t> line_numbers_;
  std::size_t line_no_ = 0;
  std::size_t dropped_ = 0;
  Key* current_ = nullptr;
  bool ansi_ = false;
};

}  // namespace

std::unique_ptr<Registry> make_text_registry(std::string_view reg_text, std::vector<std::string>* problems) {
  auto registry = std::make_unique<TextRegistry>();
  Parser(*registry, problems).parse(reg_text);
  return registry;
}

}  // namespace torchup::host
