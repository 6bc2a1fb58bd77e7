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

// A live fake machine's interpreter answering install's question about itself
// (/usr/bin/python3, 3.10, 64-bit, externally managed); anything else is not run.
inline host::ProcessResult interpreter_answer(const std::vector<std::string>& argv) {
  host::ProcessResult r;
  if (argv.size() >= 3 && argv[0] == "/usr/bin/python3" && argv[1] == "-c" &&
      argv[2].find("EXTERNALLY-MANAGED") != std::string::npos && argv[2].find("sys.prefix") != std::string::npos) {
    r.started = true;
    r.exit_code = 0;
    r.out = "/usr/bin/python3\n3.10\n64\n/usr\n1\n";  // sys.executable, version, bits, prefix, PEP 668
    return r;
  }
  r.start_error = argv.empty() ? "" : argv[0] + ": not scripted";
  return r;
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
