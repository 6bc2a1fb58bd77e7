// regedit export text (.reg) read by host::make_text_registry: never throws, every
// problem is a bounded note, and whatever was read can be walked and looked up.
#include "fuzz_input.h"
#include "host/registry.h"

namespace {

void walk(const torchup::host::Registry& reg, torchup::host::RegHive hive, const std::string& key, int depth) {
  if (depth > 8) return;
  for (const auto& name : reg.value_names(hive, key)) {
    auto v = reg.value(hive, key, name);
    torchup::fuzz::check(v.has_value(), "a listed value can be read");
  }
  for (const auto& sub : reg.subkeys(hive, key)) {
    torchup::fuzz::check(!sub.empty(), "subkey names are not empty");
    walk(reg, hive, key.empty() ? sub : key + "\\" + sub, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  std::vector<std::string> problems;
  auto reg = host::make_text_registry(fuzz::view(data, size), &problems);
  fuzz::check(problems.size() <= 51, "problems are capped at 50 plus one summary");
  walk(*reg, host::RegHive::local_machine, "", 0);
  walk(*reg, host::RegHive::current_user, "", 0);
  return 0;
}
