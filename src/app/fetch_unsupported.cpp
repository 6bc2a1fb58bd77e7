// app/fetch.h where this build has no downloader yet (the Windows build: Debian has no
// mingw libcurl or libcrypto; WinHTTP and BCrypt parts are not written). install lets
// pip download; fetch and install --from say so.
#include "app/fetch.h"

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

}  // namespace torchup::app
