// `torchup update`: download pytorch.org's current published_versions.json,
// validate it with the selector's own parser, and cache it atomically where the
// DataStore looks (cache dir; "<name>.meta.json" says when and from where).
// A failed download or a bad file leaves the cache exactly as it was.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "host/host.h"
#include "util/expected.h"

namespace torchup::data {

// Where pytorch.org's selector data lives. The Start Locally page does not fetch
// this file at run time: pytorch.github.io's scripts/gen_quick_start_module.py
// reads and rewrites published_versions.json at the repository root and bakes it
// into assets/quick-start-module.js (the `commandMessage` object). The file itself
// is the root of the site's source branch `site` of pytorch/pytorch.github.io.
inline constexpr const char* kPublishedVersionsUrl =
    "https://raw.githubusercontent.com/pytorch/pytorch.github.io/site/published_versions.json";
inline constexpr const char* kPublishedVersionsName = "published_versions.json";

struct UpdateOptions {
  std::string url = kPublishedVersionsUrl;
  std::string cache_dir;        // data::default_cache_dir or --cache-dir
  bool allow_insecure = false;  // plain http:// to a non-loopback host
  std::string proxy;  // "[scheme://][user:pass@]host:port"; empty: HTTPS_PROXY and the like
  std::chrono::milliseconds timeout{60000};
  std::string fetched_at;  // UTC ISO 8601 "2026-11-29T03:30:00Z" (the caller's clock)
};

struct UpdateResult {
  std::string path;       // the cached file
  std::string meta_path;  // its "<name>.meta.json"
  std::string url;
  std::string fetched_at;
  std::size_t size = 0;  // bytes
  std::string latest_stable;
  std::size_t version_count = 0;
};

// Downloads, validates (data::parse_published_versions) and writes atomically
// (temporary file + rename, data first, metadata last). Errors: kNetwork (download
// failed, HTTP status not 200), kParse (not a valid published_versions.json),
// kEnvironment (cache not writable), kUsage (refused non-HTTPS URL).
Expected<UpdateResult> update_published_versions(host::HttpClient& http,
                                                 const UpdateOptions& options);

// "2026-11-29T03:30:00Z" for a system_clock time point.
std::string utc_iso8601(std::chrono::system_clock::time_point when);

}  // namespace torchup::data
