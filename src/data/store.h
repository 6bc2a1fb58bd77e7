// Where each knowledge-base file comes from at run time (DESIGN §4):
//   1. an override directory (--data-dir DIR or TORCHUP_DATA_DIR), file by file;
//   2. the cache written by `torchup update` (published_versions.json only), when
//      it is newer than the embedded snapshot;
//   3. the copy embedded in the binary.
// A file that is missing from 1/2 falls through; one that is malformed gives a
// warning naming the file and the problem, and the embedded copy is used.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include "host/host.h"
#include "util/expected.h"

namespace torchup::data {

struct DataText {
  std::string name;    // "published_versions.json"
  std::string origin;  // "embedded", or the path it was read from
  std::string text;
};

struct StoreOptions {
  std::optional<std::string> override_dir;  // --data-dir / TORCHUP_DATA_DIR
  std::optional<std::string> cache_dir;     // where `torchup update` writes
};

// Default cache directory: $TORCHUP_CACHE_DIR, else $XDG_CACHE_HOME/torchup, else
// $HOME/.cache/torchup; nullopt when none can be formed.
std::optional<std::string> default_cache_dir(const host::Environment& env);

// Metadata written next to a cached file: "<name>.meta.json" {"fetched_at": "YYYY-MM-DD...", "url": ...}
struct CacheMeta {
  std::string fetched_at;  // ISO 8601 date/time (UTC)
  std::string url;
};

class DataStore {
 public:
  // `fs` reads the computer torchup runs on (not a --root machine).
  DataStore(const host::FileSystem& fs, StoreOptions options);

  // Text candidates for `name`, best first (override, cache, embedded).
  std::vector<DataText> candidates(const std::string& name) const;

  // Parses `name` with `parse`, falling back down the candidates on failure.
  // Each failure adds a warning "<origin>: <problem>; using <next origin>".
  // A file is read and parsed once per store and type: a later load of the same
  // (name, T) returns a copy of the first result (`plan` needs published_versions.json,
  // 300 KB of JSON, twice: for the latest release and for the selector's commands).
  template <typename T>
  Expected<T> load(const std::string& name,
                   const std::function<Expected<T>(const std::string& text)>& parse) {
    const std::string key = name + '\n' + typeid(T).name();
    if (auto hit = parsed_.find(key); hit != parsed_.end()) return *std::static_pointer_cast<const T>(hit->second);
    auto list = candidates(name);
    if (list.empty()) {
      return make_error(ErrorKind::kParse, "data file " + name + " is not embedded in this build");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      auto parsed = parse(list[i].text);
      if (parsed) {
        origins_[name] = list[i].origin;
        parsed_[key] = std::make_shared<const T>(*parsed);
        return parsed;
      }
      std::string next = i + 1 < list.size() ? list[i + 1].origin : std::string("nothing");
      warnings_.push_back("data file " + name + " (" + list[i].origin + "): " +
                          parsed.error().message + "; using " + next + " instead");
      if (i + 1 == list.size()) return parsed.error();
    }
    return make_error(ErrorKind::kParse, "no usable copy of " + name);
  }

  const std::vector<std::string>& warnings() const { return warnings_; }
  // Where each loaded file came from ("embedded" or a path).
  const std::map<std::string, std::string>& origins() const { return origins_; }
  const StoreOptions& options() const { return options_; }

 private:
  const host::FileSystem& fs_;
  StoreOptions options_;
  std::vector<std::string> warnings_;
  std::map<std::string, std::string> origins_;
  std::map<std::string, std::shared_ptr<const void>> parsed_;  // "name\ntype" -> the T parsed
};

// The embedded manifest's snapshot date for `name` ("2026-05-14"), if any.
std::optional<std::string> embedded_snapshot_date(const std::string& name);

}  // namespace torchup::data
