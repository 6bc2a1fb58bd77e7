// One function per subcommand: each adds its CLI11 subcommand with typed options
// and a callback that calls one core function (STYLE: "a command is one file").
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace torchup::cli {

class Context;
struct Streams;
}  // namespace torchup::cli

namespace torchup::host {
struct Host;
}

namespace torchup::cli {

void add_select_command(CLI::App& app, Context& ctx);
void add_cuda_compat_command(CLI::App& app, Context& ctx);
void add_update_command(CLI::App& app, Context& ctx);
void add_completions_command(CLI::App& app, Context& ctx);
void add_detect_command(CLI::App& app, Context& ctx);
void add_plan_command(CLI::App& app, Context& ctx);
void add_install_command(CLI::App& app, Context& ctx);
void add_fetch_command(CLI::App& app, Context& ctx);
void add_fleet_command(CLI::App& app, Context& ctx);
void add_verify_command(CLI::App& app, Context& ctx);
void add_doctor_command(CLI::App& app, Context& ctx);
void add_serve_command(CLI::App& app, Context& ctx);

// `torchup` with no subcommand (DESIGN §2: same as `torchup plan`).
int run_default(Context& ctx);

// The whole command line on `host`: `args` without the program name; output to
// `streams`. main() passes the live host; tests pass a fake machine.
int run(const std::vector<std::string>& args, host::Host& host, const Streams& streams);

// The same on this computer's live host (argv[0] is the program name).
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, bool out_is_tty);

}  // namespace torchup::cli
