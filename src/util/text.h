// Messages that can be said in the user's language (issue #14 part 1).
//
// The core says things as a message id with named parameters; the edge (the CLI,
// the page) renders them in the user's language. A `Text` IS the English rendering
// (a std::string: JSON keeps English, and code and tests that read it as text keep
// working), and carries the id, the English pattern and the arguments it was made
// from, so a renderer can say it again from a catalogue:
//
//   Text t = tr("plan.driver-supports", "driver {driver} supports CUDA {cuda}",
//               {{"driver", "550.54"}, {"cuda", "12.4"}});
//   std::string(t)                      -> "driver 550.54 supports CUDA 12.4"
//   localize(t, catalog(Lang::kZh))       -> "驱动 550.54 支持 CUDA 12.4"
//
// An argument is itself a Text, so a message can hold messages (a reason inside a
// verdict), each rendered in the same language; a plain string argument (a GPU name,
// a version, a path) is said as it is.
//
// The catalogues are GNU gettext PO files (po/zh_CN.po): msgctxt is the id, msgid the
// English pattern, msgstr the translation, placeholders `{name}` (python-brace-format,
// checked by `msgfmt --check`). The build compiles them with msgfmt and embeds the
// .mo files; xgettext extracts every tr() call (keyword tr:1c,2), and a test fails
// when one has no Chinese entry. So the first two arguments of tr() are literals.
//
// GCC 12 warns falsely (-Wmaybe-uninitialized) about `c ? tr(.., {{..}}) : tr(.., {{..}})`:
// two argument lists in one conditional expression. Write if/else instead.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace torchup {

struct TextArg;

class Text : public std::string {
 public:
  Text();
  // Free text: said as it is in every language (names, versions, paths, and text
  // not yet given an id).
  Text(std::string s);       // NOLINT(google-explicit-constructor)
  Text(const char* s);       // NOLINT(google-explicit-constructor)
  Text(std::string_view s);  // NOLINT(google-explicit-constructor)

  const std::string& id() const { return id_; }            // "" for free text
  const std::string& pattern() const { return pattern_; }  // the English msgid
  const std::vector<TextArg>& args() const;
  bool translatable() const { return !id_.empty(); }
  const std::string& str() const { return *this; }

  friend Text tr(std::string_view id, std::string_view pattern,
                 std::initializer_list<TextArg> args);
  friend Text tr_args(std::string_view id, std::string_view pattern, std::vector<TextArg> args);

 private:
  std::string id_;
  std::string pattern_;
  std::vector<TextArg> args_;
};

struct TextArg {
  std::string name;
  Text value;
};

// Defined here, where TextArg (an element of args_) is complete.
inline Text::Text() = default;
inline Text::Text(std::string s) : std::string(std::move(s)) {}
inline Text::Text(const char* s) : std::string(s) {}
inline Text::Text(std::string_view s) : std::string(s) {}
inline const std::vector<TextArg>& Text::args() const { return args_; }

// A message: its id (the msgctxt), its English pattern (the msgid, with {name}
// placeholders) and its arguments. The result is the English text.
Text tr(std::string_view id, std::string_view pattern, std::initializer_list<TextArg> args = {});
// The same with arguments built at run time.
Text tr_args(std::string_view id, std::string_view pattern, std::vector<TextArg> args);
// Texts one after another with `separator` between them ("a; b; c"), each part (and
// the separator, when it is a message) said in the reader's language.
Text join_text(const std::vector<Text>& parts, const Text& separator);
// Substitutes {name} placeholders in `pattern` ("{{" and "}}" are literal braces); an
// unknown placeholder stays as written.
std::string substitute(std::string_view pattern,
                       const std::vector<std::pair<std::string, std::string>>& values);

// The languages torchup speaks.
enum class Lang { kEn, kZh };
const char* lang_code(Lang lang);  // "en", "zh"
// "zh", "zh_CN.UTF-8", "zh-Hans-CN", "zh_TW" -> kZh; "en_US", "C", "POSIX" -> kEn;
// "" or unknown -> nullopt.
std::optional<Lang> parse_lang(std::string_view value);

// One language's translations: (id, English pattern) -> translated pattern.
class Catalog {
 public:
  // A catalogue from a compiled GNU .mo file (either byte order); a malformed file
  // gives nullopt and, in `error`, what is wrong: nothing of it is used.
  static std::optional<Catalog> from_mo(std::string_view bytes, std::string* error = nullptr);
  // The translated pattern, if the catalogue has one (a different English pattern
  // under the same id is a stale entry: not used).
  std::optional<std::string_view> find(std::string_view id, std::string_view pattern) const;
  std::size_t size() const { return entries_.size(); }
  // Every (id, pattern) key, for tests: "id\x04pattern".
  std::vector<std::string> keys() const;
  // Adds an entry (tests and catalogue builders).
  void add(std::string_view id, std::string_view pattern, std::string_view translation);

 private:
  std::unordered_map<std::string, std::string> entries_;  // "id\x04pattern" -> translation
};

// The catalogue compiled into torchup for `lang` (English: an empty one).
const Catalog& builtin_catalog(Lang lang);

// `text` in the language of `catalog`: the translated pattern with each argument
// rendered the same way; free text, and a message the catalogue lacks, in English.
std::string localize(const Text& text, const Catalog& catalog);
inline std::string localize(const Text& text, Lang lang) {
  return localize(text, builtin_catalog(lang));
}

}  // namespace torchup
