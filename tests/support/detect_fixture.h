// A fixture machine read the way `torchup detect --root DIR` reads it: files only,
// the embedded knowledge base, and a check that nothing was executed.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "data/store.h"
#include "detect/detect.h"
#include "host/scripted.h"
#include "model/machine.h"

namespace torchup::testing {

// TORCHUP_TEST_DIR/fixtures/<kind>/<name> (kind: machines, windows, macos).
inline std::string fixture_dir(const std::string& kind, const std::string& name) {
  return std::string(TORCHUP_TEST_DIR) + "/fixtures/" + kind + "/" + name;
}

inline model::Machine detect_tree(const std::string& dir) {
  host::FakeMachine machine(dir);
  auto live_fs = host::make_rooted_fs("/");
  data::DataStore store(*live_fs, {});
  auto result = detect::detect_machine(machine.host(), store);
  EXPECT_TRUE(machine.runner().calls().empty()) << "--root must never execute anything";
  return result;
}

inline bool has_warning(const model::Machine& m, const std::string& needle) {
  for (const auto& w : m.warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace torchup::testing
