// data/install-failures.json (the install-failure catalogue; patterns are compiled
// with std::regex at parse time).
#include "data/failures.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto parsed = data::parse_failure_catalogue(fuzz::text(data, size));
  if (!parsed) {
    fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
    return 0;
  }
  for (const auto& kind : parsed->kinds) {
    fuzz::check(kind.compiled.size() == kind.symptom_patterns.size(), "every pattern is compiled");
    fuzz::check(parsed->find(kind.id) != nullptr, "every entry can be found");
  }
  return 0;
}
