// data/previous-versions.md (pytorch.org's "Previous PyTorch Versions" page).
#include "data/previous_versions.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto in = fuzz::text(data, size);
  (void)data::platform_for_page_label(in);
  auto parsed = data::parse_previous_versions(in);
  if (!parsed) {
    fuzz::check(!parsed.error().message.empty(), "errors say what was wrong");
    return 0;
  }
  for (const auto& e : parsed->entries) {
    fuzz::check(parsed->has_version(e.version), "every entry's version is listed");
    (void)e.command();
    (void)e.installable();
    if (!e.platform.empty()) {
      fuzz::check(parsed->find(e.version, e.os, e.package, e.platform) != nullptr, "entries can be found");
    }
    fuzz::check(!parsed->entries_for(e.version, e.os, e.package).empty(), "entries_for finds the entry");
  }
  return 0;
}
