// What the install tests share: installer outputs captured from real runs
// (tests/install/outputs/) and the embedded install-failure catalogue.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "data/failures.h"
#include "data/store.h"
#include "host/host.h"

namespace torchup::testing {

inline std::string captured_output(const std::string& name) {
  std::ifstream in(std::string(TORCHUP_TEST_DIR) + "/install/outputs/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline data::FailureCatalogue failure_catalogue() {
  auto fs = host::make_rooted_fs("/");
  data::DataStore store(*fs, data::StoreOptions{});
  auto loaded = store.load<data::FailureCatalogue>("install-failures.json", data::parse_failure_catalogue);
  EXPECT_TRUE(loaded) << loaded.error().message;
  return loaded ? *loaded : data::FailureCatalogue{};
}

}  // namespace torchup::testing
