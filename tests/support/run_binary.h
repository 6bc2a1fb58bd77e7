// Runs the real torchup binary (TORCHUP_BINARY) as a user would, with an argument
// vector through host::ProcessRunner, colour off; shared by the CLI tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "host/host.h"

namespace torchup::testing {

struct CliRun {
  int code = -1;
  std::string out, err;
};

inline CliRun run_binary(std::vector<std::string> args) {
  args.insert(args.begin(), TORCHUP_BINARY);
  auto runner = host::make_process_runner();
  host::RunOptions options;
  options.env["NO_COLOR"] = "1";
  options.timeout = std::chrono::milliseconds(60000);
  auto r = runner->run(args, options);
  EXPECT_TRUE(r.started) << r.start_error;
  return {r.exit_code, r.out, r.err};
}

}  // namespace torchup::testing
