// app/fetch.h where this build has no downloader yet (the Windows build: Debian has no
// mingw libcurl or libcrypto; WinHTTP and BCrypt parts are not written). install lets
// pip download; fetch and install --from say so.
#include "app/fetch.h"
#include "app/fleet.h"

namespace torchup::app {
namespace {
Error unsupported(const std::string& what) {
  return make_error(
      ErrorKind::kUsage,
      what + " is not in this build of torchup yet (torchup's downloader is Linux-only)",
      "run it on Linux, or install with pip's own download: torchup install");
}
}  // namespace

Expected<FetchResult> fetch(const Services&, const FetchOptions&, const ProgressLine&) {
  return unsupported("torchup fetch");
}

act::Prefetcher make_prefetcher(const Services&, const PreparedInstall&, const ProgressLine&) {
  return {};
}

Status use_bundle(const Services&, PreparedInstall&, const std::string&) {
  return unsupported("torchup install --from");
}

// A fleet's plan and groups are portable; its lock needs the wheels' sizes and files.
Status lock_groups(const Services&, FleetPlan&, const FleetOptions&) {
  return unsupported("torchup fleet plan --lock");
}

Expected<FleetFetchResult> fleet_fetch(const Services&, const std::string&, const std::string&,
                                       const ProgressLine&) {
  return unsupported("torchup fleet fetch");
}

Status use_lock(const Services&, PreparedInstall&, const act::Bundle&, const std::string&,
                const ProgressLine&) {
  return unsupported("torchup install --lock");
}

Expected<std::vector<std::string>> write_slurm_scripts(const SlurmOptions&) {
  return unsupported("torchup fleet slurm");
}

}  // namespace torchup::app
