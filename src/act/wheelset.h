// A resolved set of wheels (act/resolve.h), downloaded by torchup's downloader
// (act/download.h) into the shared cache, placed in a directory under their own names
// for pip (`--no-index --find-links DIR`), and written as an offline bundle: the files,
// a manifest (JSON, "torchup.bundle/1") and a PEP 751 `pylock.toml`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "act/download.h"
#include "act/resolve.h"
#include "model/plan.h"

namespace torchup::act {

struct FetchedWheel {
  ResolvedWheel wheel;
  std::string path;  // in the cache
  std::string sha256;
  std::uint64_t size = 0;
  bool from_cache = false;
  std::uint64_t received = 0;  // bytes from the network this run
};

struct FetchedSet {
  std::vector<FetchedWheel> files;
  std::uint64_t total = 0;     // bytes of the set
  std::uint64_t received = 0;  // bytes received this run (0: all from the cache)
};

struct SetProgress {
  std::size_t index = 0;  // 0-based, of `count`
  std::size_t count = 0;
  const ResolvedWheel* wheel = nullptr;
  DownloadProgress progress;
  bool finished = false;  // this file is complete (from the network or the cache)
};

struct SetOptions {
  DownloadOptions download;  // cache_dir, connections, should_stop...
  std::function<void(const SetProgress&)> on_progress;
  std::chrono::milliseconds size_probe{15000};
};

// Asks each wheel's size with a one-byte range request (all at once, at most `most`);
// fills ResolvedWheel::size where the server said. Files already in the cache are not asked.
void probe_sizes(std::vector<ResolvedWheel>& wheels, const std::string& cache_dir,
                 Transport& transport, DownloadFiles& files, std::chrono::milliseconds most);

// Downloads every wheel of the set (one after the other; each with its own ranges
// and mirrors). Before the first byte the free space is checked for the whole set
// (the sizes probe_sizes found). Errors: as act::download; an interrupted download is
// kEnvironment with hint "interrupted" and keeps its partial file.
Expected<FetchedSet> download_set(std::vector<ResolvedWheel> wheels, const SetOptions& options,
                                  Transport& transport, DownloadFiles& files, host::Clock& clock);
inline constexpr const char* kInterruptedHint = "interrupted";

// Gives every file of the set its own name in `dir`: with `link` a hard link into the
// cache where the file system allows (only for directories torchup itself owns: a
// changed link would change the cache), else a copy.
Status place_set(const FetchedSet& set, const std::string& dir, DownloadFiles& files, bool link);

// ---- bundles ----


Bundle make_bundle(const FetchedSet& set, const model::Plan& plan,
                   const std::vector<std::string>& requirements, const TargetFacts& target,
                   const std::string& dir);
// Writes DIR/torchup-bundle.json and DIR/pylock.toml.
Status write_bundle(const Bundle& bundle, DownloadFiles& files);
// Every file is there with its size and sha256. Errors: kEnvironment naming the file.
Status check_bundle(const Bundle& bundle, DownloadFiles& files);

}  // namespace torchup::act
