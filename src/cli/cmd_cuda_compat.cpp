// `torchup cuda-compat DRIVER_VERSION | --cuda X.Y [--os linux|windows] [--json]`:
// NVIDIA Table 3 both ways. Parses options, calls data::make_*_report, renders.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "data/cuda_compat.h"

namespace torchup::cli {

namespace {

struct CudaCompatOptions {
  std::string driver;
  std::string cuda;
  std::string os;
  bool json = false;
  CLI::Option* driver_option = nullptr;
  CLI::Option* cuda_option = nullptr;
};

std::optional<data::DriverOs> parse_os(const std::string& os) {
  if (os == "linux") return data::DriverOs::kLinux;
  if (os == "windows") return data::DriverOs::kWindows;
  return std::nullopt;
}

Text compat_caveat() {
  return tr("cuda.compat-caveat",
            "Minor-version compatibility runs a newer toolkit of the same CUDA major on an older "
            "driver,\n  but features that need the newer driver (and PTX JIT of newer code) "
            "fail; see\n  https://docs.nvidia.com/deploy/cuda-compatibility/");
}

Text source_line(Context& ctx) {
  return tr("cuda.source",
            "Source: NVIDIA CUDA Toolkit release notes, Table 3 ({origin} cuda-driver-table.json)",
            {{"origin", ctx.store().origins().at("cuda-driver-table.json")}});
}

Text floor_text(const data::MajorCompat& m) {
  if (!m.floor) return tr("cuda.not-listed", "not listed by NVIDIA");
  // A one-part floor ("580") is NVIDIA's driver-branch range, not an exact release.
  if (m.floor->parts().size() == 1) {
    return tr("cuda.floor-branch", ">= {driver} (R{branch} branch; NVIDIA gives no exact release)",
              {{"driver", data::driver_version_str(*m.floor)},
               {"branch", std::to_string(m.floor->major())}});
  }
  return ">= " + data::driver_version_str(*m.floor);
}

Text row_driver(const data::CudaTableRow& row, data::DriverOs os) {
  const auto& min = os == data::DriverOs::kLinux ? row.linux_min : row.windows_min;
  if (min) return data::driver_version_str(*min);
  return tr("cuda.not-listed", "not listed by NVIDIA");
}

void print_driver(Context& ctx, const data::DriverReport& r) {
  auto& out = ctx.out;
  const auto& s = ctx.style;
  constexpr std::size_t kLabel = 16;
  auto line = [&](const Text& label, const Text& value) {
    out << "  " << pad_columns(s.t(label), kLabel) << s.t(value) << "\n";
  };
  out << s.bold(s.t(tr("cuda.sentence", "{text}.", {{"text", data::driver_verdict(r)}}))) << "\n\n";
  if (r.file_version) {
    line(tr("cuda.label-file-version", "File version"), *r.file_version + " -> " + r.driver_text);
  }
  if (r.full) {
    line(tr("cuda.label-full-support", "Full support"),
         tr("cuda.needs-paren", "{toolkit} (needs {driver})",
            {{"toolkit", r.full->toolkit}, {"driver", row_driver(*r.full, r.os)}}));
  }
  if (r.next) {
    Text label = tr("cuda.label-oldest-cuda", "Oldest CUDA");
    if (r.full) label = tr("cuda.label-next-cuda", "Next CUDA");
    line(label, tr("cuda.needs", "{toolkit} needs {driver}",
                   {{"toolkit", r.next->toolkit}, {"driver", row_driver(*r.next, r.os)}}));
  }
  for (std::size_t i = 0; i < r.majors.size(); ++i) {
    const auto& m = r.majors[i];
    Text label;
    if (i == 0) label = tr("cuda.label-compat-1", "Minor-version");
    if (i == 1) label = tr("cuda.label-compat-2", "compatibility");
    const std::string runs =
        m.runs ? s.green(s.t(tr("cuda.yes", "yes"))) : s.dim(s.t(tr("cuda.no", "no ")));
    out << "  " << pad_columns(s.t(label), kLabel) << m.major << ".x  " << runs << "  "
        << s.t(floor_text(m)) << "\n";
  }
  line(tr("cuda.label-table", "Table"),
       tr("cuda.table-os", "{os} ({why})",
          {{"os", data::os_label(r.os)}, {"why", data::os_source_text(r)}}));
  for (const auto& note : r.notes)
    out << "\n  " << s.yellow(s.t(tr("cuda.note", "note: "))) << s.t(note) << "\n";
  out << "\n  " << s.dim(s.t(compat_caveat())) << "\n";
  out << "  " << s.dim(s.t(source_line(ctx))) << "\n";
}

void print_cuda(Context& ctx, const data::CudaReport& r) {
  auto& out = ctx.out;
  const auto& s = ctx.style;
  out << s.bold(s.t(tr("cuda.sentence", "{text}.", {{"text", data::cuda_verdict(r)}}))) << "\n\n";
  bool show_linux = r.only_os != data::DriverOs::kWindows;
  bool show_windows = r.only_os != data::DriverOs::kLinux;
  const std::string release = s.t(tr("cuda.label-release", "Release"));
  std::size_t width = std::max<std::size_t>(8, display_columns(release) + 1);
  for (const auto& row : r.releases) width = std::max(width, row.toolkit.size() + 2);
  out << "  "
      << s.dim(pad_columns(release, width) + (show_linux ? pad_columns("Linux", 14) : "") +
               (show_windows ? "Windows" : ""))
      << "\n";
  for (const auto& row : r.releases) {
    out << "  " << pad_columns(row.toolkit, width)
        << (show_linux ? pad_columns(s.t(row_driver(row, data::DriverOs::kLinux)), 14) : "")
        << (show_windows ? s.t(row_driver(row, data::DriverOs::kWindows)) : "") << "\n";
  }
  if (show_windows && !r.windows_min && !r.windows_note.empty()) {
    out << "\n  " << s.yellow(s.t(tr("cuda.note", "note: "))) << "Windows: " << r.windows_note
        << "\n";
  }
  Text lin = r.linux_family.floor ? floor_text(r.linux_family) : Text();
  Text win = r.windows_family.floor ? floor_text(r.windows_family) : Text();
  const std::string major = std::to_string(r.cuda.major());
  if (!lin.empty() || !win.empty()) {
    out << "\n  "
        << s.t(tr("cuda.family-runs-on",
                  "Any CUDA {major}.x toolkit also runs, through minor-version compatibility, on",
                  {{"major", major}}));
    if (show_linux && !lin.empty()) out << "\n    Linux   " << s.t(lin);
    if (show_windows && !win.empty()) out << "\n    Windows " << s.t(win);
    out << "\n  " << s.dim(s.t(compat_caveat())) << "\n";
  } else {
    out << "\n  "
        << s.t(tr("cuda.no-compat",
                  "CUDA {major}.x has no minor-version compatibility (it began with CUDA 11).",
                  {{"major", major}}))
        << "\n";
  }
  out << "  " << s.dim(s.t(source_line(ctx))) << "\n";
}

int run_cuda_compat(Context& ctx, const CudaCompatOptions& o) {
  bool has_driver = o.driver_option->count() > 0;
  bool has_cuda = o.cuda_option->count() > 0;
  if (has_driver == has_cuda) {
    Text message = tr("cuda.usage-one", "give a driver version or --cuda X.Y");
    if (has_driver)
      message = tr("cuda.usage-not-both", "give a driver version or --cuda X.Y, not both");
    return ctx.fail(make_error(ErrorKind::kUsage, message,
                               tr("cuda.usage-examples",
                                  "examples: 'torchup cuda-compat 550.54.14', "
                                  "'torchup cuda-compat --cuda 12.4'")));
  }
  auto table = data::load_cuda_table(ctx.store());
  ctx.flush_data_warnings();
  if (!table) return ctx.fail(table.error());
  auto os = parse_os(o.os);
  if (has_driver) {
    data::DriverQuery query{o.driver, os, ctx.live_host().system.os_family};
    auto report = data::make_driver_report(*table, query);
    if (!report) return ctx.fail(report.error());
    if (o.json) {
      auto j = data::to_json(*report);
      j["data_origin"] = ctx.store().origins().at("cuda-driver-table.json");
      ctx.out << j.dump(2) << "\n";
    } else {
      print_driver(ctx, *report);
    }
    // A driver older than every Table 3 row runs no CUDA at all: "nothing fits" (1).
    return report->full ? 0 : exit_code_for(ErrorKind::kNoFit);
  }
  auto report = data::make_cuda_report(*table, o.cuda, os);
  if (!report) return ctx.fail(report.error());
  if (o.json) {
    auto j = data::to_json(*report);
    j["data_origin"] = ctx.store().origins().at("cuda-driver-table.json");
    ctx.out << j.dump(2) << "\n";
  } else {
    print_cuda(ctx, *report);
  }
  return 0;
}

}  // namespace

void add_cuda_compat_command(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<CudaCompatOptions>();
  auto* cmd = app.add_subcommand(
      "cuda-compat",
      ctx.style.t(tr("help.cuda-compat",
                     "NVIDIA Table 3 both ways: the CUDA a driver runs, the driver a CUDA needs")));
  cmd->footer(ctx.style.t(tr(
      "help.cuda-compat-footer",
      "Examples:\n"
      "  torchup cuda-compat 470.57.02            highest CUDA a Linux driver runs\n"
      "  torchup cuda-compat 566.36 --os windows  the same for a Windows driver\n"
      "  torchup cuda-compat 32.0.15.6636         a Windows driver file version (= 566.36)\n"
      "  torchup cuda-compat --cuda 12.4          minimum driver for CUDA 12.4, Linux and Windows\n"
      "\nExit codes: 0 the answer, 1 the driver runs no CUDA at all, 2 usage.\n"
      "Source: NVIDIA CUDA Toolkit release notes, Table 3, and NVIDIA's CUDA compatibility "
      "guide.")));
  options->driver_option =
      cmd->add_option(
             "driver", options->driver,
             ctx.style.t(
                 tr("opt.cuda-compat.driver",
                    "driver version (550.54.14, 566.36) or Windows file version (32.0.15.6636)")))
          ->type_name("DRIVER_VERSION");
  options->cuda_option =
      cmd->add_option(
             "--cuda", options->cuda,
             ctx.style.t(tr("opt.cuda-compat.cuda",
                            "a CUDA version (12.4) or build tag (cu124): its minimum driver")))
          ->type_name("X.Y");
  cmd->add_option(
         "--os", options->os,
         ctx.style.t(
             tr("opt.cuda-compat.os",
                "which Table 3 column: linux or windows (default: from the number, else this OS)")))
      ->transform(CLI::IsMember({"linux", "windows"}, CLI::ignore_case));
  cmd->add_flag(
      "--json", options->json,
      ctx.style.t(tr("opt.cuda-compat.json", "JSON output (schema torchup.cuda-compat/1)")));
  cmd->callback([&ctx, options]() { ctx.exit_code = run_cuda_compat(ctx, *options); });
}

}  // namespace torchup::cli
