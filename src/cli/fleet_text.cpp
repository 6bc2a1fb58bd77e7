// The text of `torchup fleet plan` (cli/fleet_text.h).
#include "cli/fleet_text.h"

#include <fmt/format.h>

#include "util/strings.h"

namespace torchup::cli {
namespace {

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f}", static_cast<double>(bytes) / (1 << 20));
}

std::string fingerprint_text(const app::FleetFingerprint& f) {
  std::string s = f.os + " " + f.arch;
  if (f.glibc) s += ", glibc >= " + *f.glibc;
  s += ", " + (f.abi.empty() ? "Python " + f.python : f.abi);
  s += f.gpu_archs.empty() ? ", no GPU" : ", GPUs " + str::join(f.gpu_archs, " ");
  if (f.driver) s += ", driver >= " + *f.driver;
  return s;
}

}  // namespace

void print_fleet(Context& ctx, const app::FleetPlan& fleet) {
  const auto& s = ctx.style;
  ctx.out << s.bold(s.t(tr("fleet.summary", "{groups} builds for {nodes} nodes",
                           {{"groups", std::to_string(fleet.groups.size())},
                            {"nodes", std::to_string(fleet.nodes.size())}})))
          << "\n";
  for (const auto& g : fleet.groups) {
    ctx.out << "\n"
            << s.green(s.bold(g.id)) << "  "
            << s.t(tr("fleet.group-build", "torch {torch} ({platform}) for Python {python}",
                      {{"torch", g.plan.torch},
                       {"platform", g.plan.platform},
                       {"python", g.plan.python}}))
            << "\n";
    ctx.out << "  "
            << s.t(tr("fleet.group-nodes", "{count} nodes: {nodes}",
                      {{"count", std::to_string(g.nodes.size())},
                       {"nodes", str::join(g.nodes, ", ")}}))
            << "\n";
    ctx.out << "  " << s.bold(g.plan.command) << "\n";
    for (const auto& r : g.reasons) ctx.out << "  - " << s.t(r) << "\n";
    for (const auto& w : g.warnings) ctx.out << "  ! " << s.t(w) << "\n";
    ctx.out << "  "
            << s.dim(s.t(tr("fleet.fingerprint", "selected by: {fingerprint}",
                            {{"fingerprint", fingerprint_text(g.fingerprint)}})))
            << "\n";
    if (g.lock) {
      std::uint64_t total = 0;
      for (const auto& f : g.lock->files) total += f.size;
      ctx.out << "  "
              << s.t(tr("fleet.group-lock", "locked: {count} wheels, {size} MiB",
                        {{"count", std::to_string(g.lock->files.size())}, {"size", mib(total)}}))
              << "\n";
    }
  }
  bool header = false;
  for (const auto& n : fleet.nodes) {
    if (!n.group.empty()) continue;
    if (!header) {
      ctx.out << "\n"
              << s.red(s.bold(s.t(tr("fleet.unplanned", "No build for these nodes:")))) << "\n";
      header = true;
    }
    ctx.out << "  " << n.name << ": " << s.t(n.cause) << "\n";
  }
  if (fleet.common) {
    const auto& c = *fleet.common;
    ctx.out << "\n";
    if (c.found) {
      ctx.out << s.green(s.bold(s.t(tr("fleet.common-found",
                                       "One build fits every node: torch {torch} ({platform})",
                                       {{"torch", c.torch}, {"platform", c.platform}}))))
              << "\n";
    } else if (c.torch.empty()) {
      ctx.out << s.red(s.bold(s.t(tr("fleet.common-none", "No build fits every node.")))) << "\n";
    } else {
      ctx.out
          << s.red(s.bold(s.t(tr(
                 "fleet.common-blocked",
                 "No build fits every node; the closest, torch {torch} ({platform}), fits {fits} "
                 "of {nodes}. It does not fit:",
                 {{"torch", c.torch},
                  {"platform", c.platform},
                  {"fits", std::to_string(c.fits.size())},
                  {"nodes", std::to_string(fleet.nodes.size())}}))))
          << "\n";
    }
    for (const auto& b : c.blockers) ctx.out << "  " << b.node << ": " << s.t(b.why) << "\n";
  }
  for (const auto& note : fleet.notes)
    ctx.out << s.t(tr("install.outcome-note", "Note: {note}", {{"note", note}})) << "\n";
}

}  // namespace torchup::cli
