// Runs the real torchup binary (TORCHUP_BINARY) as a user would, with an argument
// vector through host::ProcessRunner, colour off; shared by the CLI tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "host/host.h"

namespace torchup::testing {

struct CliRun {
  int code = -1;
  std::string out, err;
};

// torchup ARGS with `env` added to this process's environment (NO_COLOR=1 always).
inline host::ProcessResult run_torchup(const std::vector<std::string>& args, std::map<std::string, std::string> env = {},
                                       std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
  std::vector<std::string> argv = {TORCHUP_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  host::RunOptions options;
  env["NO_COLOR"] = "1";
  options.env = std::move(env);
  options.timeout = timeout;
  return host::make_process_runner()->run(argv, options);
}

inline CliRun run_binary(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
  auto r = run_torchup(args, std::move(env), std::chrono::seconds(60));
  EXPECT_TRUE(r.started) << r.start_error;
  return {r.exit_code, r.out, r.err};
}

}  // namespace torchup::testing
