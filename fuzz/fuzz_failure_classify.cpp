// Installer / Python output (untrusted text) matched against the real catalogue
// (data/install-failures.json, read once from the source tree).
#include <fstream>
#include <sstream>

#include "data/failures.h"
#include "fuzz_input.h"

namespace {

const torchup::data::FailureCatalogue& catalogue() {
  static const auto* cat = [] {
    std::ifstream in(TORCHUP_SOURCE_DIR "/data/install-failures.json");
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = torchup::data::parse_failure_catalogue(text.str());
    torchup::fuzz::check(parsed.has_value(), "data/install-failures.json parses");
    return new torchup::data::FailureCatalogue(std::move(*parsed));
  }();
  return *cat;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  auto output = fuzz::text(data, size);
  for (const auto& m : data::classify_output(catalogue(), output)) {
    fuzz::check(m.kind != nullptr && m.matched_text.size() <= 200, "matches name an entry, text capped");
  }
  (void)data::classify_output(catalogue(), output, {"install"});
  return 0;
}
