// Runs the torchup command line in this process on a given host (a fake machine or
// this computer), colour off: what main() does, without spawning the binary.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/context.h"
#include "host/host.h"
#include "support/run_binary.h"

namespace torchup::testing {

// The system facts of an x86_64 Linux machine (a fake machine's uname).
inline host::SystemFacts linux_x86_64() {
  host::SystemFacts facts;
  facts.os_family = "linux";
  facts.arch = "x86_64";
  return facts;
}

inline CliRun run_cli(host::Host& host, const std::vector<std::string>& args) {
  std::ostringstream out, err;
  CliRun r;
  r.code = cli::run(args, host, cli::Streams{out, err, false});
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace torchup::testing
