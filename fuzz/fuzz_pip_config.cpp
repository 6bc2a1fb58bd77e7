// pip's settings (act/pip_config.h): `pip config list` output (the repr() literals, the
// settings, the notes, the credential redaction) and the same bytes as a pip.conf read
// natively (configparser's INI rules, then the settings torchup acts on).
#include <algorithm>

#include "act/pip_config.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  const std::string input = fuzz::text(data, size);
  auto s = act::parse_pip_config_list(input);
  fuzz::check(s.read, "a parsed list counts as read");
  for (const auto* list : {&s.extra_index_urls, &s.find_links}) {
    for (const auto& entry : *list) {
      fuzz::check(!entry.value.empty(), "list entries are not empty");
      fuzz::check(std::none_of(entry.value.begin(), entry.value.end(), [](char c) { return c == ' ' || c == '\n'; }),
                  "list entries are single words");
      fuzz::check(!entry.origin.empty(), "every setting names its origin");
    }
  }
  for (const auto* one : {&s.proxy, &s.cert, &s.index_url, &s.no_index}) {
    if (*one) fuzz::check(!(*one)->value.empty() && !(*one)->origin.empty(), "set values are not empty");
  }
  auto notes = act::pip_settings_notes(s, size % 2 == 0, {input});
  nlohmann::json j = act::to_json(s);
  for (const auto& note : notes) j["notes"].push_back(note);
  (void)j.dump();  // throws (a crash here) on invalid UTF-8
  if (auto literal = act::parse_python_repr(input)) fuzz::check(literal->size() <= input.size() * 2, "decoding never grows much");
  const std::string redacted = act::redact_credentials(input);
  if (redacted != input) fuzz::check(redacted.find("***@") != std::string::npos, "a redaction leaves its mark");

  auto ini = act::parse_pip_ini(input);
  std::map<std::string, std::string> values;
  for (const auto& [section, names] : ini.sections) {
    for (const auto& [name, value] : names) {
      fuzz::check(std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }),
                  "configparser lower-cases names");
      values[section + "." + name] = value;
    }
  }
  auto from_file = act::interpret_pip_config(values);
  nlohmann::json jf = act::to_json(from_file);
  for (const auto& note : act::pip_settings_notes(from_file, false, {})) jf["notes"].push_back(note);
  (void)jf.dump();  // a pip.conf with invalid UTF-8 must not make --json throw
  return 0;
}
