// Internal to detect/: Windows detection over the host seams (fs, registry, runner,
// env), so it runs natively on Linux against fixture trees. Paths are Windows paths
// ("C:\\Program Files\\..."): the live Windows FileSystem takes them as they are; a
// Windows --root tree maps them onto DIR/C/... (detect_windows.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/store.h"
#include "detect/detect.h"
#include "host/host.h"
#include "model/machine.h"

namespace torchup::detect::win {

inline constexpr const char* kNtCurrentVersion = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
inline constexpr const char* kSessionEnvironment = "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";
// The display adapter setup class (Microsoft, "System-Defined Device Setup Classes Available
// to Vendors": Display {4d36e968-e325-11ce-bfc1-08002be10318}); one 000N subkey per driver.
inline constexpr const char* kDisplayClass =
    "SYSTEM\\CurrentControlSet\\Control\\Class\\{4d36e968-e325-11ce-bfc1-08002be10318}";

// What every Windows probe reads through: the host, plus the environment as Windows
// resolves it (the process's variables when live, else the user's and the system's
// variables from the registry) and the user profiles to search.
struct Context {
  host::Host& host;
  std::vector<std::string> profiles;  // "C:\\Users\\alice"
  // The display class keys of NVIDIA adapters and their DriverVersion (probe_gpus fills,
  // probe_nvidia_driver reads).
  std::vector<std::pair<std::string, std::string>> nvidia_driver_keys;
  // A variable: host.env, then HKCU\Environment, then the system environment; REG_EXPAND_SZ
  // values expanded. ProgramFiles, SystemRoot, SystemDrive fall back to the registry's own
  // values (CurrentVersion\ProgramFilesDir, Windows NT\CurrentVersion\SystemRoot) and then to C:.
  std::optional<std::string> var(const std::string& name) const;
  // A registry string (REG_SZ or REG_EXPAND_SZ, expanded) or nullopt.
  std::optional<std::string> reg_string(host::RegHive hive, const std::string& key, const std::string& name) const;
  std::optional<std::uint64_t> reg_number(host::RegHive hive, const std::string& key, const std::string& name) const;
};

// "C:\\a" + "b" -> "C:\\a\\b"
std::string join(const std::string& dir, const std::string& name);
std::string dirname(const std::string& path);
std::string basename(const std::string& path);
std::string lower(std::string_view s);

void probe_os(Context& ctx, model::Machine& machine);
void probe_gpus(Context& ctx, data::DataStore& store, model::Machine& machine);
void probe_nvidia_driver(Context& ctx, data::DataStore& store, model::Machine& machine, const DetectOptions& options);
void probe_cuda_toolkits(Context& ctx, model::Machine& machine);
void probe_pythons(Context& ctx, model::Machine& machine);

}  // namespace torchup::detect::win
