// One function per subcommand: each adds its CLI11 subcommand with typed options
// and a callback that calls one core function (STYLE: "a command is one file").
#pragma once

#include <iosfwd>

namespace CLI {
class App;
}

namespace torchup::cli {

class Context;

void add_select_command(CLI::App& app, Context& ctx);
void add_cuda_compat_command(CLI::App& app, Context& ctx);
void add_update_command(CLI::App& app, Context& ctx);
void add_detect_command(CLI::App& app, Context& ctx);
void add_plan_command(CLI::App& app, Context& ctx);
void add_install_command(CLI::App& app, Context& ctx);
void add_verify_command(CLI::App& app, Context& ctx);
void add_doctor_command(CLI::App& app, Context& ctx);
void add_serve_command(CLI::App& app, Context& ctx);

// `torchup` with no subcommand (DESIGN §2: same as `torchup plan`).
int run_default(Context& ctx);

// Entry point used by main() and by tests (which pass string streams).
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, bool out_is_tty);

}  // namespace torchup::cli
