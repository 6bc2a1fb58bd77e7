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

constexpr const char* kCompatCaveat =
    "Minor-version compatibility runs a newer toolkit of the same CUDA major on an older driver,\n"
    "  but features that need the newer driver (and PTX JIT of newer code) fail; see\n"
    "  https://docs.nvidia.com/deploy/cuda-compatibility/";

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

std::string floor_text(const data::MajorCompat& m) {
  if (!m.floor) return "not listed by NVIDIA";
  // A one-part floor ("580") is NVIDIA's driver-branch range, not an exact release.
  if (m.floor->parts().size() == 1) {
    return fmt::format(">= {} (R{} branch; NVIDIA gives no exact release)",
                       data::driver_version_str(*m.floor), m.floor->major());
  }
  return ">= " + data::driver_version_str(*m.floor);
}

std::string row_driver(const data::CudaTableRow& row, data::DriverOs os) {
  const auto& min = os == data::DriverOs::kLinux ? row.linux_min : row.windows_min;
  return min ? data::driver_version_str(*min) : "not listed by NVIDIA";
}

void print_driver(Context& ctx, const data::DriverReport& r) {
  auto& out = ctx.out;
  const auto& s = ctx.style;
  out << s.bold(data::driver_verdict(r) + ".") << "\n\n";
  if (r.file_version) {
    out << fmt::format("  {:<16}{} -> {}\n", "File version", *r.file_version, r.driver_text);
  }
  if (r.full) {
    out << fmt::format("  {:<16}{} (needs {})\n", "Full support", r.full->toolkit,
                       row_driver(*r.full, r.os));
  }
  if (r.next) {
    out << fmt::format("  {:<16}{} needs {}\n", r.full ? "Next CUDA" : "Oldest CUDA",
                       r.next->toolkit, row_driver(*r.next, r.os));
  }
  for (std::size_t i = 0; i < r.majors.size(); ++i) {
    const auto& m = r.majors[i];
    const char* label = i == 0 ? "Minor-version" : i == 1 ? "compatibility" : "";
    out << fmt::format("  {:<16}{}.x  {}  {}\n", label, m.major,
                       m.runs ? s.green("yes") : s.dim("no "), floor_text(m));
  }
  out << fmt::format("  {:<16}{} ({})\n", "Table", data::os_label(r.os), data::os_source_text(r));
  for (const auto& note : r.notes) out << "\n  " << s.yellow("note: ") << note << "\n";
  out << "\n  " << s.dim(kCompatCaveat) << "\n";
  out << "  "
      << s.dim("Source: NVIDIA CUDA Toolkit release notes, Table 3 (" +
               ctx.store().origins().at("cuda-driver-table.json") + " cuda-driver-table.json)")
      << "\n";
}

void print_cuda(Context& ctx, const data::CudaReport& r) {
  auto& out = ctx.out;
  const auto& s = ctx.style;
  out << s.bold(data::cuda_verdict(r) + ".") << "\n\n";
  bool show_linux = r.only_os != data::DriverOs::kWindows;
  bool show_windows = r.only_os != data::DriverOs::kLinux;
  std::size_t width = 8;
  for (const auto& row : r.releases) width = std::max(width, row.toolkit.size() + 2);
  out << "  "
      << s.dim(fmt::format("{:<{}}{}{}", "Release", width,
                           show_linux ? fmt::format("{:<14}", "Linux") : "",
                           show_windows ? "Windows" : ""))
      << "\n";
  for (const auto& row : r.releases) {
    out << fmt::format(
        "  {:<{}}{}{}\n", row.toolkit, width,
        show_linux ? fmt::format("{:<14}", row_driver(row, data::DriverOs::kLinux)) : "",
        show_windows ? row_driver(row, data::DriverOs::kWindows) : "");
  }
  if (show_windows && !r.windows_min && !r.windows_note.empty()) {
    out << "\n  " << s.yellow("note: ") << "Windows: " << r.windows_note << "\n";
  }
  std::string lin = r.linux_family.floor ? floor_text(r.linux_family) : std::string();
  std::string win = r.windows_family.floor ? floor_text(r.windows_family) : std::string();
  if (!lin.empty() || !win.empty()) {
    out << fmt::format(
        "\n  Any CUDA {}.x toolkit also runs, through minor-version compatibility, on",
        r.cuda.major());
    if (show_linux && !lin.empty()) out << fmt::format("\n    Linux   {}", lin);
    if (show_windows && !win.empty()) out << fmt::format("\n    Windows {}", win);
    out << "\n  " << s.dim(kCompatCaveat) << "\n";
  } else {
    out << fmt::format(
        "\n  CUDA {}.x has no minor-version compatibility (it began with CUDA 11).\n",
        r.cuda.major());
  }
  out << "  "
      << s.dim("Source: NVIDIA CUDA Toolkit release notes, Table 3 (" +
               ctx.store().origins().at("cuda-driver-table.json") + " cuda-driver-table.json)")
      << "\n";
}

int run_cuda_compat(Context& ctx, const CudaCompatOptions& o) {
  bool has_driver = o.driver_option->count() > 0;
  bool has_cuda = o.cuda_option->count() > 0;
  if (has_driver == has_cuda) {
    return ctx.fail(make_error(ErrorKind::kUsage,
                               has_driver ? "give a driver version or --cuda X.Y, not both"
                                          : "give a driver version or --cuda X.Y",
                               "examples: 'torchup cuda-compat 550.54.14', "
                               "'torchup cuda-compat --cuda 12.4'"));
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
