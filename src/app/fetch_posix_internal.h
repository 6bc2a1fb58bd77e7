// The downloader's parts shared by fetch_posix.cpp and fleet_posix.cpp (POSIX builds).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "act/download.h"
#include "act/wheelset.h"
#include "app/install.h"
#include "host/host.h"
#include "util/expected.h"

namespace torchup::app::fetch_detail {

struct Parts {
  std::unique_ptr<act::Transport> transport;
  std::unique_ptr<act::DownloadFiles> files;
  std::string cache_dir;
};
// libcurl's transport with pip's proxy and CA (`defaults`), POSIX files, and the
// wheel cache. Errors: no cache directory, libcurl.
Expected<Parts> make_parts(const host::Host& host, const host::HttpOptions& defaults,
                           bool allow_insecure);
std::string host_of(const std::string& url);
// The set's progress as the CLI's progress line, with the rate over the last second.
std::function<void(const act::SetProgress&)> adapt(const ProgressLine& progress,
                                                   host::Clock& clock);
std::string mib(std::uint64_t bytes);
// The cache's directory for a set of files (by their sha256): .../torchup/sets/<hash16>.
std::string sets_dir(const std::string& cache_dir, std::vector<std::string> sha256s);

}  // namespace torchup::app::fetch_detail
