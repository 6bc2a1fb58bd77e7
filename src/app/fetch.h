// Resolve, then download (issue 13) as tasks: `torchup fetch` (a plan's wheels for this
// machine or another one, as an offline bundle), install's own download of the wheels,
// and `install --from DIR` (a bundle, no network). The downloader's parts are per
// platform (fetch_posix.cpp: libcurl and POSIX files; fetch_unsupported.cpp says where
// a build has none yet).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "act/install.h"
#include "act/resolve.h"
#include "app/install.h"
#include "app/plan.h"
#include "app/services.h"

namespace torchup::app {

struct FetchOptions {
  PlanRequest plan;                  // plan options; --root and --profile describe another machine
  std::vector<std::string> mirrors;  // --mirror SPEC...
  std::string dest;                  // --dest DIR
  bool allow_insecure = false;
};

struct FetchResult {
  model::Plan plan;
  act::TargetFacts target;
  act::Bundle bundle;
  std::uint64_t total = 0, received = 0;
  std::string cache_dir;
  std::string source_name;
  std::vector<Text> notes;
};

// The interpreter's own facts (act::kTargetProbe) and, with `installed`, its installed
// distributions (normalized name -> version).
Expected<act::TargetFacts> describe_target(host::Host& host, const std::string& python,
                                           std::map<std::string, std::string>* installed = nullptr);
// The target a machine description implies for a plan (fetch --profile/--root): its
// OS, architecture and glibc/macOS version, and the plan's Python (the matching
// interpreter's full version when the machine lists one).
act::TargetFacts target_of(const model::Machine& machine, const model::Plan& plan);

// Plans, resolves for the target, downloads into the cache and writes DIR: the wheels
// (links into the cache, else copies), torchup-bundle.json and pylock.toml.
Expected<FetchResult> fetch(const Services& services, const FetchOptions& options,
                            const ProgressLine& progress);

// install's prefetch for a prepared pip/uv install (unset where this build has no downloader).
act::Prefetcher make_prefetcher(const Services& services, const PreparedInstall& prepared,
                                const ProgressLine& progress);

// install --from DIR: reads and checks the bundle (every file's size and sha256) and
// points the prepared install at it (--no-index, no prefetch). The plan's build becomes
// the bundle's. Errors: no bundle, a damaged file, a bundle for another Python/platform.
Status use_bundle(const Services& services, PreparedInstall& prepared, const std::string& dir);

}  // namespace torchup::app
