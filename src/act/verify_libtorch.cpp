// LibTorch check: files through host::FileSystem, the compiler and the test
// program through host::ProcessRunner (argv, timeouts). The test program deletes
// its own executable first thing, so a check leaves nothing behind in $TMPDIR.
#include "act/verify_libtorch.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <random>

#include "util/strings.h"
#include "util/version.h"

namespace torchup::act {

namespace {

Check make(std::string id, Text title, CheckStatus status, Text reason, Text fix = {}) {
  return Check{std::move(id), std::move(title), status, std::move(reason), std::move(fix)};
}

Text compile_title() { return tr("libtorch.title-compile-program", "compile a test program"); }
Text run_title() { return tr("libtorch.title-run", "run the test program (at::rand, at::mm)"); }
Text headers_title() { return tr("libtorch.title-headers", "headers"); }
Text libraries_title() { return tr("libtorch.title-libraries", "libraries"); }
Text unzip_fix() {
  return tr("libtorch.fix-unzip", "unzip the whole LibTorch archive, or install libtorch-dev");
}

// The smallest program that still calls into libtorch_cpu (rand, mm) and libtorch
// (torch::cuda): the per-operator headers (ATen/ops) parse in a fifth of the time of
// <torch/torch.h> (Debian's libtorch-dev 1.13, g++ 12 -fsyntax-only: 20 s instead of 114 s
// on a loaded 2-core VM; `verify --libtorch /usr` 35 s instead of 113 s); a LibTorch
// without them falls back to <ATen/ATen.h>.
constexpr const char* kTestProgram = R"CPP(
#if __has_include(<ATen/ops/mm.h>)
#include <ATen/core/Tensor.h>
#include <ATen/ops/mm.h>
#include <ATen/ops/rand.h>
#else
#include <ATen/ATen.h>
#endif
#include <torch/cuda.h>
#include <cstdio>
  int main(int argc, char** argv) {
    if (argc > 0) std::remove(argv[0]);  // leave nothing behind
    at::Tensor t = at::rand({5, 3});
    at::Tensor m = at::mm(t, t.t());
    std::printf("TORCHUP_LIBTORCH ok rows=%lld cuda=%d devices=%d\n",
                static_cast<long long>(m.size(0)), torch::cuda::is_available() ? 1 : 0,
                static_cast<int>(torch::cuda::device_count()));
    return 0;
  }
)CPP";

std::string join_path(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

// The directory holding libtorch.so: DIR/lib, DIR/lib/<multiarch>, DIR/lib64.
std::optional<std::string> find_lib_dir(const host::FileSystem& fs, const std::string& dir) {
  std::vector<std::string> candidates = {join_path(dir, "lib")};
  for (const auto& entry : fs.list_dir(join_path(dir, "lib"))) {
    if (str::ends_with(entry, "-linux-gnu")) candidates.push_back(join_path(dir, "lib/" + entry));
  }
  candidates.push_back(join_path(dir, "lib64"));
  for (const auto& c : candidates) {
    if (fs.exists(join_path(c, "libtorch.so"))) return c;
  }
  return std::nullopt;
}

std::optional<std::string> find_on_path(const host::Host& host,
                                        const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (auto found = host::find_program(host, name)) return found;
  }
  return std::nullopt;
}

// First compiler error line ("x.cpp:3:10: fatal error: torch/torch.h: No such file").
std::string first_error(const std::string& text) {
  for (auto line : str::lines(text)) {
    if (str::contains(line, "error")) return str::sanitize(str::trim(line), 300);
  }
  auto all = str::lines(text);
  return all.empty() ? std::string("no output") : str::sanitize(all.back(), 300);
}

void compile_and_run(host::Host& host, const LibtorchOptions& options, LibtorchReport& report,
                     const std::vector<std::string>& libs) {
  auto compiler = find_on_path(host, {"c++", "g++", "clang++"});
  if (!compiler) {
    report.checks.push_back(
        make("compile", compile_title(), CheckStatus::kSkip,
             tr("libtorch.no-compiler", "no C++ compiler (c++, g++, clang++) on PATH")));
    return;
  }
  report.compiler = compiler;
  std::random_device rd;
  std::string tmp = host.env.get("TMPDIR").value_or("/tmp");
  std::string binary = join_path(tmp, fmt::format("torchup-libtorch-check-{:08x}", rd()));
  const std::string api = join_path(*report.include_dir, "torch/csrc/api/include");
  // -O0 -g0: the program runs once; optimising or describing it only costs time.
  std::vector<std::string> argv = {*compiler, "-std=c++17", "-O0", "-g0", "-x",
                                   "c++",     "-",          "-o",  binary};
  // /usr/include is already a system directory; adding it with -I breaks #include_next.
  if (*report.include_dir != "/usr/include") argv.push_back("-I" + *report.include_dir);
  argv.push_back("-I" + api);
  argv.push_back("-L" + *report.lib_dir);
  argv.push_back("-Wl,-rpath," + *report.lib_dir);
  // Without --no-as-needed the linker drops libtorch_cuda (only static initialisers use it)
  // and CUDA is then reported unavailable: pytorch/pytorch#36437.
  argv.push_back("-Wl,--no-as-needed");
  for (const auto& lib : libs) argv.push_back("-l" + lib);
  host::RunOptions run_options;
  run_options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options.timeout);
  run_options.stdin_text = kTestProgram;
  auto built = host.runner.run(argv, run_options);
  if (!built.ok()) {
    Text reason = first_error(built.err);
    if (!built.started) {
      reason = tr("libtorch.could-not-run", "could not run {program}: {error}",
                  {{"program", *compiler}, {"error", built.start_error}});
    } else if (built.timed_out) {
      reason = tr("libtorch.timeout-seconds", "did not finish within {seconds} s",
                  {{"seconds", std::to_string(options.timeout.count())}});
    }
    Text fix = tr("libtorch.fix-same-libtorch",
                  "check that the headers and libraries come from the same LibTorch");
    if (str::contains(built.err, "undefined reference")) {
      fix = tr("libtorch.fix-abi",
               "undefined references usually mean an ABI mismatch: use the cxx11-ABI LibTorch zip "
               "(the pre-cxx11 one needs -D_GLIBCXX_USE_CXX11_ABI=0)");
    }
    report.checks.push_back(
        make("compile",
             tr("libtorch.title-compile-with", "compile and link a test program with {compiler}",
                {{"compiler", *compiler}}),
             CheckStatus::kFail, reason, fix));
    return;
  }
  report.checks.push_back(
      make("compile", tr("libtorch.title-compile", "compile and link a test program"),
           CheckStatus::kPass,
           tr("libtorch.built-with",
              "a LibTorch program (at::rand, at::mm, torch::cuda) built with {compiler}",
              {{"compiler", *compiler}})));
  host::RunOptions exec_options;
  exec_options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options.timeout);
  exec_options.env = {{"LD_LIBRARY_PATH", *report.lib_dir}};
  auto ran = host.runner.run({binary}, exec_options);
  report.run_output = str::sanitize(str::trim(ran.out), 300);
  if (!ran.ok() || !str::contains(ran.out, "TORCHUP_LIBTORCH ok")) {
    Text reason = first_error(ran.err + "\n" + ran.out);
    if (ran.timed_out) {
      reason = tr("libtorch.timeout", "did not finish (timeout)");
    } else if (ran.signal) {
      reason = tr("libtorch.crashed", "crashed (signal {signal})",
                  {{"signal", std::to_string(ran.signal)}});
    }
    report.checks.push_back(
        make("run", run_title(), CheckStatus::kFail, reason,
             tr("libtorch.fix-run-by-hand", "run it by hand with LD_LIBRARY_PATH={dir}",
                {{"dir", *report.lib_dir}})));
    return;
  }
  report.checks.push_back(make("run", run_title(), CheckStatus::kPass, report.run_output));
}

}  // namespace

bool LibtorchReport::ok() const {
  for (const auto& c : checks) {
    if (c.status == CheckStatus::kFail) return false;
  }
  return true;
}

std::optional<std::string> parse_torch_version_header(const std::string& text) {
  std::optional<long long> parts[3];
  const char* names[3] = {"TORCH_VERSION_MAJOR", "TORCH_VERSION_MINOR", "TORCH_VERSION_PATCH"};
  for (auto line : str::lines(text)) {
    auto words = str::split_ws(line);
    if (words.size() != 3 || words[0] != "#define") continue;
    for (int i = 0; i < 3; ++i) {
      if (words[1] == names[i]) parts[i] = str::parse_int(words[2]);
    }
  }
  if (!parts[0] || !parts[1] || !parts[2]) return std::nullopt;
  return fmt::format("{}.{}.{}", *parts[0], *parts[1], *parts[2]);
}

Expected<LibtorchReport> check_libtorch(host::Host& host, const LibtorchOptions& options) {
  const auto& fs = host.fs;
  if (!fs.is_dir(options.dir)) {
    return make_error(
        ErrorKind::kNotFound,
        tr("libtorch.no-dir", "LibTorch directory {dir} does not exist", {{"dir", options.dir}}),
        tr("libtorch.hint-no-dir",
           "pass --libtorch with the unzipped libtorch directory (or /usr for "
           "Debian's libtorch-dev)"));
  }
  LibtorchReport report;
  report.dir = options.dir;
  const std::string include = join_path(options.dir, "include");
  if (fs.exists(join_path(include, "torch/csrc/api/include/torch/torch.h"))) {
    report.include_dir = include;
    report.checks.push_back(make("headers", headers_title(), CheckStatus::kPass,
                                 tr("libtorch.headers-in", "torch/torch.h in {dir}",
                                    {{"dir", join_path(include, "torch/csrc/api/include")}})));
  } else {
    report.checks.push_back(
        make("headers", headers_title(), CheckStatus::kFail,
             tr("libtorch.no-headers", "no torch/csrc/api/include/torch/torch.h under {dir}",
                {{"dir", include}}),
             unzip_fix()));
  }
  report.lib_dir = find_lib_dir(fs, options.dir);
  std::vector<std::string> libs;
  if (report.lib_dir) {
    std::vector<std::string> missing;
    for (const char* lib : {"torch", "c10", "torch_cpu"}) {
      if (fs.exists(join_path(*report.lib_dir, fmt::format("lib{}.so", lib)))) {
        libs.push_back(lib);
      } else if (std::string(lib) != "torch_cpu") {  // libtorch_cpu exists since 1.5 only
        missing.push_back(fmt::format("lib{}.so", lib));
      }
    }
    for (const char* lib : {"torch_cuda", "c10_cuda", "torch_hip", "c10_hip"}) {
      if (fs.exists(join_path(*report.lib_dir, fmt::format("lib{}.so", lib)))) libs.push_back(lib);
    }
    if (missing.empty()) {
      report.checks.push_back(make("libraries", libraries_title(), CheckStatus::kPass,
                                   tr("libtorch.libraries-in", "{libraries} in {dir}",
                                      {{"libraries", "lib" + str::join(libs, ".so, lib") + ".so"},
                                       {"dir", *report.lib_dir}})));
    } else {
      report.checks.push_back(
          make("libraries", libraries_title(), CheckStatus::kFail,
               tr("libtorch.libraries-missing", "missing {libraries} in {dir}",
                  {{"libraries", str::join(missing, ", ")}, {"dir", *report.lib_dir}}),
               tr("libtorch.fix-reinstall", "reinstall LibTorch")));
    }
  } else {
    report.checks.push_back(
        make("libraries", libraries_title(), CheckStatus::kFail,
             tr("libtorch.no-libtorch-so", "no libtorch.so in {dir}/lib, lib/<multiarch> or lib64",
                {{"dir", options.dir}}),
             unzip_fix()));
  }

  if (auto bv = fs.read_file(join_path(options.dir, "build-version"), 4096)) {
    auto line = str::trim(str::lines(*bv).empty() ? std::string_view() : str::lines(*bv)[0]);
    if (!line.empty()) report.version = str::sanitize(line, 80);
  }
  if (!report.version && report.include_dir) {
    if (auto h = fs.read_file(
            join_path(*report.include_dir, "torch/csrc/api/include/torch/version.h"), 65536)) {
      report.version = parse_torch_version_header(*h);
    }
  }
  report.checks.push_back(
      report.version
          ? make("version", tr("libtorch.title-version", "version"), CheckStatus::kPass,
                 *report.version)
          : make("version", tr("libtorch.title-version", "version"), CheckStatus::kSkip,
                 tr("libtorch.no-version", "no build-version file and no torch/version.h")));

  auto has = [&](const char* lib) {
    return std::find(libs.begin(), libs.end(), lib) != libs.end();
  };
  std::string local =
      report.version ? Version::parse(*report.version).value_or(Version()).local() : std::string();
  if (has("torch_cuda") || str::starts_with(local, "cu")) {
    report.build = "CUDA";
    if (local.size() >= 4 && str::starts_with(local, "cu")) {  // "cu124" -> 12.4
      report.build +=
          " " + local.substr(2, local.size() - 3) + "." + local.substr(local.size() - 1);
    }
  } else if (has("torch_hip") || str::starts_with(local, "rocm")) {
    report.build = "ROCm";
  } else if (report.lib_dir) {
    report.build = "CPU";
  }
  if (report.build == "unknown") {
    report.checks.push_back(make("build", tr("verify.title-build", "build"), CheckStatus::kSkip,
                                 tr("libtorch.build-unknown", "no libraries to tell")));
  } else {
    report.checks.push_back(make("build", tr("verify.title-build", "build"), CheckStatus::kPass,
                                 tr("libtorch.build", "{kind} build", {{"kind", report.build}})));
  }

  if (!options.compile) {
    report.checks.push_back(make("compile", compile_title(), CheckStatus::kSkip,
                                 tr("libtorch.skipped-no-compile", "skipped (--no-compile)")));
  } else if (!report.include_dir || !report.lib_dir || !report.ok()) {
    report.checks.push_back(make("compile", compile_title(), CheckStatus::kSkip,
                                 tr("libtorch.skipped-missing", "headers or libraries missing")));
  } else if (!host.live) {
    report.checks.push_back(make("compile", compile_title(), CheckStatus::kSkip,
                                 tr("libtorch.skipped-not-live", "not on the live machine")));
  } else {
    compile_and_run(host, options, report, libs);
  }
  return report;
}

nlohmann::json to_json(const LibtorchReport& report) {
  using nlohmann::json;
  json checks = json::array();
  for (const auto& c : report.checks) checks.push_back(to_json(c));
  return {{"schema", "torchup.verify-libtorch/1"},
          {"ok", report.ok()},
          {"dir", report.dir},
          {"include_dir", report.include_dir ? json(*report.include_dir) : json()},
          {"lib_dir", report.lib_dir ? json(*report.lib_dir) : json()},
          {"version", report.version ? json(*report.version) : json()},
          {"build", report.build},
          {"compiler", report.compiler ? json(*report.compiler) : json()},
          {"run_output", report.run_output},
          {"checks", checks}};
}

}  // namespace torchup::act
