// data/published_versions.json (pytorch.org's selector data; also what `torchup
// update` downloads and validates before caching).
#include "data/published.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto in = fuzz::text(data, size);
  (void)data::is_known_platform_id(in);
  auto parsed = data::parse_published_versions(in);
  if (!parsed) {
    fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
    return 0;
  }
  for (const auto& v : parsed->versions) {
    fuzz::check(parsed->find(v.key) != nullptr, "every version can be found");
    for (const auto& os : v.oses) {
      for (const auto& pkg : os.packages) {
        for (const auto& e : pkg.entries) {
          fuzz::check(data::is_known_platform_id(e.platform_id), "entries have known platform ids");
          fuzz::check(pkg.find(e.platform_id) != nullptr, "every entry can be found");
        }
      }
    }
  }
  return 0;
}
