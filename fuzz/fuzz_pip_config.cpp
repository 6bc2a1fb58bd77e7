// `pip config list` output (act/pip_config.h): the repr() literals, the settings,
// the notes and the credential redaction.
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
  return 0;
}
