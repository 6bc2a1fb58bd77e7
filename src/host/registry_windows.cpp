// PLACEHOLDER until the real one (branch windata) is merged: make_windows_registry()
// returns a registry with no keys, like no_registry(), so the live Windows host links.
#include "host/registry.h"

namespace torchup::host {
namespace {

class EmptyRegistry final : public Registry {
 public:
  std::vector<std::string> subkeys(RegHive, const std::string&) const override { return {}; }
  std::vector<std::string> value_names(RegHive, const std::string&) const override { return {}; }
  std::optional<RegValue> value(RegHive, const std::string&, const std::string&) const override {
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Registry> make_windows_registry() { return std::make_unique<EmptyRegistry>(); }

}  // namespace torchup::host
