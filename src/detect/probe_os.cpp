// OS facts: /etc/os-release, CPU architecture, glibc, WSL.
#include "detect/parse.h"
#include "detect/probes.h"
#include "util/strings.h"

namespace torchup::detect {

std::optional<std::string> read_small(const host::FileSystem& fs, const std::string& path,
                                      std::size_t max) {
  auto text = fs.read_file(path, max);
  if (!text || text->empty()) return std::nullopt;
  return text;
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() != '/') return dir + "/" + name;
  return dir + name;
}

std::string resolve_links(const host::FileSystem& fs, const std::string& path) {
  std::string current = path;
  for (int hop = 0; hop < 16; ++hop) {
    auto target = fs.read_link(current);
    if (!target || target->empty()) return current;
    if (target->front() == '/') {
      current = *target;
    } else {
      auto slash = current.rfind('/');
      current = join_path(slash == std::string::npos ? "/" : current.substr(0, slash + 1), *target);
    }
    // Normalise "/./" and "dir/../" pieces so the rooted file system accepts the path.
    std::vector<std::string> parts;
    for (auto piece : str::split(current, '/')) {
      if (piece.empty() || piece == ".") continue;
      if (piece == "..") {
        if (!parts.empty()) parts.pop_back();
        continue;
      }
      parts.emplace_back(piece);
    }
    current = "/" + str::join(parts, "/");
  }
  return current;
}

namespace {

// Architecture of a machine read from files: the dynamic loader's name (glibc's
// ld.so names per arch: ld-linux-x86-64.so.2, ld-linux-aarch64.so.1, ld-linux-armhf.so.3,
// ld64.so.2 on ppc64le, ld64.so.1 on s390x), else the ELF header of /bin/sh. Each name is
// also looked for under /usr: a root copied without the merged-/usr links (/lib -> usr/lib,
// /lib64 -> usr/lib64) still has Debian's /usr/lib64/ld-linux-x86-64.so.2 (package libc6).
std::string arch_from_files(const host::FileSystem& fs) {
  struct Loader {
    const char* path;
    const char* arch;
  };
  static constexpr Loader kLoaders[] = {
      {"/lib64/ld-linux-x86-64.so.2", "x86_64"},
      {"/lib/ld-linux-aarch64.so.1", "aarch64"},
      {"/lib/ld-linux-armhf.so.3", "armv7l"},
      {"/lib64/ld64.so.2", "ppc64le"},
      {"/lib/ld64.so.1", "s390x"},
      {"/lib/ld-linux-riscv64-lp64d.so.1", "riscv64"},
      {"/lib/ld-linux.so.2", "i686"},
  };
  for (const char* prefix : {"", "/usr"}) {
    for (const auto& loader : kLoaders) {
      std::string path = std::string(prefix) + loader.path;
      if (fs.exists(path) || fs.read_link(path)) return loader.arch;
    }
  }
  for (const char* exe : {"/bin/sh", "/usr/bin/env"}) {
    auto bytes = fs.read_file(resolve_links(fs, exe), 64);
    if (bytes) {
      if (auto elf = parse_elf_header(*bytes); elf && !elf->arch.empty()) return elf->arch;
    }
  }
  return {};
}

// glibc version from the root's libc.so.6 banner (multiarch dirs first, as on Debian/Ubuntu).
std::optional<std::string> glibc_from_files(const host::FileSystem& fs, const std::string& arch) {
  std::vector<std::string> candidates;
  if (!arch.empty()) {
    std::string triplet = arch == "armv7l" ? "arm-linux-gnueabihf" : arch + "-linux-gnu";
    candidates.push_back("/lib/" + triplet + "/libc.so.6");
    candidates.push_back("/usr/lib/" + triplet + "/libc.so.6");
  }
  for (const char* p :
       {"/lib64/libc.so.6", "/usr/lib64/libc.so.6", "/lib/libc.so.6", "/usr/lib/libc.so.6"}) {
    candidates.emplace_back(p);
  }
  for (const auto& path : candidates) {
    auto real = resolve_links(fs, path);
    auto bytes = fs.read_file(real, kLibcScan);
    if (!bytes) continue;
    if (auto v = parse_glibc_banner(*bytes)) return v;
  }
  return std::nullopt;
}

}  // namespace

void probe_os(host::Host& host, model::Machine& machine) {
  auto& os = machine.os;
  const auto& fs = host.fs;
  os.family = host.system.os_family.empty() ? "linux" : host.system.os_family;
  auto release = read_small(fs, "/etc/os-release");
  if (!release) release = read_small(fs, "/usr/lib/os-release");
  if (release) {
    auto parsed = parse_os_release(*release);
    os.name = parsed.name;
    os.version = parsed.version_id;
  }
  if (os.name.empty())
    machine.warnings.push_back(
        tr("detect.os-unknown", "OS name unknown: /etc/os-release is missing or has no NAME"));

  os.arch = host.live ? host.system.arch : arch_from_files(fs);
  if (os.arch.empty() && !host.live) os.arch = host.system.arch;
  if (os.arch.empty())
    machine.warnings.push_back(tr(
        "detect.arch-unknown", "CPU architecture unknown: no dynamic loader or ELF binary found"));

  if (host.live && host.system.libc_version) {
    os.glibc = host.system.libc_version;
  } else {
    os.glibc = glibc_from_files(fs, os.arch);
    if (!os.glibc)
      machine.warnings.push_back(
          tr("detect.glibc-unknown",
             "glibc version unknown: no readable libc.so.6 with a version banner"));
  }

  if (auto version = read_small(fs, "/proc/version")) os.wsl = is_wsl_kernel(*version);
  if (!os.wsl && fs.exists("/proc/sys/fs/binfmt_misc/WSLInterop")) os.wsl = true;
}

}  // namespace torchup::detect
