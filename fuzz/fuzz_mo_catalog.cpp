// Compiled gettext catalogues (.mo, util/text.h): Catalog::from_mo never reads
// outside the bytes, and every entry it keeps can be found again and rendered.
#include "fuzz_input.h"
#include "util/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  std::string error;
  auto catalog = Catalog::from_mo(fuzz::view(data, size), &error);
  if (!catalog) {
    fuzz::check(!error.empty(), "a refused catalogue says why");
    return 0;
  }
  int checked = 0;
  for (const auto& key : catalog->keys()) {
    if (++checked > 64) break;
    const auto sep = key.find('\x04');
    if (sep == std::string::npos) continue;  // an entry without a context: never looked up
    const std::string id = key.substr(0, sep), pattern = key.substr(sep + 1);
    fuzz::check(catalog->find(id, pattern).has_value(), "a kept entry can be found");
    // The translated pattern is rendered with arguments the pattern may or may not name.
    Text t = tr_args(id, pattern, {{"a", Text("x")}, {"n", tr("inner", "{a}{", {{"a", "y"}})}});
    (void)localize(t, *catalog);
  }
  return 0;
}
