// Aligned, plain-language rendering of checks.
#include "act/verify_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "util/columns.h"
#include "util/strings.h"

namespace torchup::act {

namespace {

std::string identity(std::string_view s) { return std::string(s); }

void indented(std::ostream& out, const std::string& text, const std::string& pad,
              const TextStyle& style) {
  for (auto line : str::lines(text)) out << pad << style.dim(line) << "\n";
}

std::size_t title_width(const std::vector<Check>& checks, const TextStyle& style) {
  std::size_t width = 0;
  for (const auto& c : checks) width = std::max(width, display_columns(style.t(c.title)));
  return std::min<std::size_t>(width, 44);
}

void render_check(std::ostream& out, const Check& c, std::size_t width, const TextStyle& style) {
  {
    std::string tag = c.status == CheckStatus::kPass   ? style.green("PASS")
                      : c.status == CheckStatus::kFail ? style.red("FAIL")
                                                       : style.yellow("SKIP");
    out << "  " << tag << "  " << pad_columns(style.t(c.title), width) << "  " << style.t(c.reason)
        << "\n";
    if (c.status == CheckStatus::kFail && !c.fix.empty()) {
      out << std::string(10, ' ') << style.bold(style.t(tr("verify.fix-label", "fix:"))) << " "
          << style.t(c.fix) << "\n";
    }
  }
}

}  // namespace

TextStyle TextStyle::plain() { return {identity, identity, identity, identity, identity}; }

void render_checks(std::ostream& out, const std::vector<Check>& checks, const TextStyle& style) {
  const std::size_t width = title_width(checks, style);
  for (const auto& c : checks) render_check(out, c, width, style);
}

void render_summary(std::ostream& out, const std::vector<Check>& checks, const TextStyle& style) {
  auto count = [&](CheckStatus s) {
    return std::count_if(checks.begin(), checks.end(),
                         [&](const Check& c) { return c.status == s; });
  };
  auto pass = count(CheckStatus::kPass), fail = count(CheckStatus::kFail),
       skip = count(CheckStatus::kSkip);
  const Text counts = tr("verify.counts", "{pass} passed, {fail} failed, {skip} skipped",
                         {{"pass", std::to_string(pass)},
                          {"fail", std::to_string(fail)},
                          {"skip", std::to_string(skip)}});
  if (fail == 0) {
    out << style.green(style.t(tr("verify.ok", "OK"))) << style.t(tr("verify.colon", ": "))
        << style.t(counts) << "\n";
  } else {
    out << style.red(style.t(tr("verify.problems", "PROBLEMS")))
        << style.t(tr("verify.colon", ": ")) << style.t(counts) << "\n";
  }
}

void render_verify(std::ostream& out, const VerifyReport& report, const TextStyle& style) {
  out << style.bold("torchup verify") << "  " << report.python << "\n\n";
  const std::size_t width = title_width(report.checks, style);
  for (const auto& c : report.checks) {
    render_check(out, c, width, style);
    if (c.id == "torch_rand" && c.status == CheckStatus::kPass && report.run.output &&
        report.run.output->torch && report.run.output->torch->rand_text) {
      indented(out, *report.run.output->torch->rand_text, "          ", style);
    }
    if (c.id == "probe" && !report.run.stderr_tail.empty()) {
      out << "          " << style.t(tr("verify.stderr-tail", "last lines of its error output:"))
          << "\n";
      indented(out, report.run.stderr_tail, "            ", style);
    }
    if (c.id == "probe" && !report.run.stdout_tail.empty()) {
      out << "          " << style.t(tr("verify.stdout-tail", "last lines of its output:")) << "\n";
      indented(out, report.run.stdout_tail, "            ", style);
    }
  }
  for (const auto& note : report.notes)
    out << "  " << style.dim(style.t(tr("verify.note", "note: {note}", {{"note", note}}))) << "\n";
  out << "\n";
  render_summary(out, report.checks, style);
}

void render_libtorch(std::ostream& out, const LibtorchReport& report, const TextStyle& style) {
  out << style.bold("torchup verify --libtorch") << "  " << report.dir << "\n\n";
  render_checks(out, report.checks, style);
  out << "\n";
  render_summary(out, report.checks, style);
}

}  // namespace torchup::act
