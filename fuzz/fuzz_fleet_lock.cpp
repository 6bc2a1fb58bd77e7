// Fleets (app/fleet.h): a fleet lock (torchup.fleet-lock/1) and a node's facts file, and
// the choice of a node's group. The input is tried as a lock and as facts; a lock that
// reads is written again and must read back with the same groups.
#include <nlohmann/json.hpp>

#include "app/fleet.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  const std::string input = fuzz::text(data, size);
  auto node = app::read_node("/facts/node.json", input);
  fuzz::check(!node.name.empty(), "a node always has a name");
  fuzz::check(node.machine.has_value() == node.cause.empty(), "facts, or the cause they are not");
  if (node.machine) {
    for (const auto& a : app::gpu_archs(*node.machine))
      fuzz::check(!a.empty(), "an architecture has a name");
  }
  auto lock = app::lock_from_text(input);
  if (!lock) return 0;
  fuzz::check(!lock->groups.empty(), "a lock has groups");
  app::FleetPlan fleet;
  fleet.prefs = lock->prefs;
  fleet.groups = lock->groups;
  auto again = app::lock_from_text(app::lock_json(fleet).dump());
  fuzz::check(again.has_value(), "a lock written again reads");
  fuzz::check(again->groups.size() == lock->groups.size(), "with the same groups");
  for (std::size_t i = 0; i < lock->groups.size(); ++i) {
    fuzz::check(again->groups[i].id == lock->groups[i].id, "the same ids");
    fuzz::check(again->groups[i].fingerprint.gpu_archs == lock->groups[i].fingerprint.gpu_archs,
                "the same fingerprints");
  }
  if (node.machine) {
    auto m = app::match_group(*lock, *node.machine, "");
    fuzz::check(m.group.has_value() || m.why_not.size() == lock->groups.size(),
                "a group, or one reason per group");
    if (m.group) fuzz::check(*m.group < lock->groups.size(), "a group of the lock");
  }
  return 0;
}
