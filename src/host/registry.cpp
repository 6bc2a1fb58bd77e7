// The empty registry: every lookup finds nothing.
#include "host/registry.h"

namespace torchup::host {
namespace {

class NoRegistry final : public Registry {
 public:
  std::vector<std::string> subkeys(RegHive, const std::string&) const override { return {}; }
  std::vector<std::string> value_names(RegHive, const std::string&) const override { return {}; }
  std::optional<RegValue> value(RegHive, const std::string&, const std::string&) const override {
    return std::nullopt;
  }
};

}  // namespace

const Registry& no_registry() {
  static const NoRegistry empty;
  return empty;
}

}  // namespace torchup::host
