// Sets of wheels and offline bundles (wheelset.h).
#include "act/wheelset.h"

#include <map>
#include <nlohmann/json.hpp>

#include "util/strings.h"
#include "util/version.h"

namespace torchup::act {

using nlohmann::json;

// ---- sizes ----

namespace {

class SizeEvents final : public TransferEvents {
 public:
  std::map<int, std::optional<std::uint64_t>> sizes;
  std::map<int, bool> done;
  bool on_head(int id, const TransferHead& head) override {
    if (head.status == 206 && head.total_size)
      sizes[id] = head.total_size;
    else if (head.status == 200 && head.content_length)
      sizes[id] = head.content_length;
    done[id] = true;
    return false;  // the head is all that is wanted
  }
  bool on_body(int, std::string_view) override { return false; }
  void on_end(int id, const std::string&) override { done[id] = true; }
};

}  // namespace

void probe_sizes(std::vector<ResolvedWheel>& wheels, const std::string& cache_dir,
                 Transport& transport, DownloadFiles& files, std::chrono::milliseconds most) {
  std::map<int, std::size_t> which;
  for (std::size_t i = 0; i < wheels.size(); ++i) {
    auto& w = wheels[i];
    if (w.size) continue;
    if (w.sha256) {
      if (auto have = files.file_size(cache_path(cache_dir, *w.sha256))) {
        w.size = *have;
        continue;
      }
    }
    auto id = transport.start({w.url, 0, 0, true});
    if (id) which[*id] = i;
  }
  SizeEvents events;
  const auto step = std::chrono::milliseconds(50);
  for (auto waited = std::chrono::milliseconds(0); waited < most; waited += step) {
    bool all = true;
    for (const auto& [id, i] : which) all = all && events.done.count(id);
    if (all) break;
    transport.wait(step, events);
  }
  for (const auto& [id, i] : which) {
    if (auto it = events.sizes.find(id); it != events.sizes.end() && it->second)
      wheels[i].size = it->second;
    if (!events.done.count(id)) transport.stop(id);
  }
}

// ---- the set ----

Expected<FetchedSet> download_set(std::vector<ResolvedWheel> wheels, const SetOptions& options,
                                  Transport& transport, DownloadFiles& files, host::Clock& clock) {
  FetchedSet set;
  if (auto made = files.make_dirs(options.download.cache_dir); !made) return made.error();
  // The free space for the whole set, before the first byte (files already cached and
  // the bytes of partial files count as there).
  std::uint64_t need = 0;
  bool all_known = true;
  for (const auto& w : wheels) {
    if (!w.size) {
      all_known = false;
      continue;
    }
    std::uint64_t have = 0;
    if (w.sha256) {
      if (files.file_size(cache_path(options.download.cache_dir, *w.sha256))) continue;
      have = files.file_size(partial_path(options.download.cache_dir, w.sha256, w.url)).value_or(0);
    }
    need += *w.size > have ? *w.size - have : 0;
  }
  if (need > 0) {
    if (auto free = files.free_space(options.download.cache_dir);
        free && *free < need + options.download.space_margin) {
      return make_error(ErrorKind::kEnvironment,
                        "the wheels need " + std::to_string(need >> 20) + " MiB" +
                            (all_known ? "" : " (or more: some sizes are unknown)") + " in " +
                            options.download.cache_dir + ", which has " +
                            std::to_string(*free >> 20) + " MiB free",
                        "free some space there, or set XDG_CACHE_HOME to a disk with room");
    }
  }
  for (std::size_t i = 0; i < wheels.size(); ++i) {
    const ResolvedWheel& w = wheels[i];
    DownloadRequest request;
    request.sources.push_back(w.url);
    request.sources.insert(request.sources.end(), w.alternates.begin(), w.alternates.end());
    request.size = w.size;
    request.sha256 = w.sha256;
    DownloadOptions o = options.download;
    if (options.on_progress) {
      o.on_progress = [&, i](const DownloadProgress& p) {
        SetProgress sp;
        sp.index = i;
        sp.count = wheels.size();
        sp.wheel = &w;
        sp.progress = p;
        options.on_progress(sp);
      };
    }
    auto got = download(request, o, transport, files, clock);
    if (!got) return got.error();
    if (got->interrupted) {
      return make_error(
          ErrorKind::kEnvironment,
          "stopped (Ctrl-C) while downloading " + w.file_name + "; the part downloaded is kept",
          kInterruptedHint);
    }
    FetchedWheel f;
    f.wheel = w;
    f.path = got->path;
    f.sha256 = got->sha256;
    f.size = got->size;
    f.from_cache = got->from_cache;
    f.received = got->received;
    f.wheel.size = got->size;
    set.total += f.size;
    set.received += f.received;
    if (options.on_progress) {
      SetProgress sp;
      sp.index = i;
      sp.count = wheels.size();
      sp.wheel = &w;
      sp.progress.done = f.size;
      sp.progress.total = f.size;
      sp.progress.received = f.received;
      sp.finished = true;
      options.on_progress(sp);
    }
    set.files.push_back(std::move(f));
  }
  return set;
}

namespace {

Status copy_file(DownloadFiles& files, const std::string& from, const std::string& to,
                 std::uint64_t size) {
  auto in = files.open_read(from);
  if (!in) return in.error();
  files.remove(to);
  auto out = files.open(to);
  if (!out) return out.error();
  for (std::uint64_t at = 0; at < size;) {
    auto piece = (*in)->read_at(at, 1u << 20);
    if (!piece) return piece.error();
    if (piece->empty()) break;
    if (auto wrote = (*out)->write_at(at, *piece); !wrote) return wrote;
    at += piece->size();
  }
  return (*out)->truncate(size);
}

}  // namespace

Status place_set(const FetchedSet& set, const std::string& dir, DownloadFiles& files, bool link) {
  if (auto made = files.make_dirs(dir); !made) return made;
  for (const auto& f : set.files) {
    const std::string to = dir + "/" + f.wheel.file_name;
    if (link && files.link(f.path, to)) continue;
    // A bundle already holding this very file (fetched again) is kept as it is.
    if (!link && files.file_size(to) == f.size) {
      if (auto have = files.open_read(to)) {
        if (auto hash = sha256_of(**have, f.size); hash && *hash == f.sha256) continue;
      }
    }
    if (auto copied = copy_file(files, f.path, to, f.size); !copied) return copied;
  }
  return Ok{};
}

// ---- bundles ----

Bundle make_bundle(const FetchedSet& set, const model::Plan& plan,
                   const std::vector<std::string>& requirements, const TargetFacts& target,
                   const std::string& dir) {
  Bundle b;
  b.dir = dir;
  b.requirements = requirements;
  b.torch = plan.torch;
  b.platform = plan.platform;
  b.torchvision = plan.torchvision;
  b.torchaudio = plan.torchaudio;
  b.index_url = plan.index_url;
  b.target = target;
  for (const auto& f : set.files) {
    b.files.push_back({f.wheel.name, f.wheel.version, f.wheel.file_name, f.wheel.url, f.sha256,
                       f.size, f.wheel.requested});
  }
  return b;
}

Status write_bundle(const Bundle& b, DownloadFiles& files) {
  if (auto wrote = files.write_small(b.dir + "/torchup-bundle.json", to_json(b).dump(2) + "\n");
      !wrote)
    return wrote;
  return files.write_small(b.dir + "/pylock.toml", pylock_toml(b));
}

Status check_bundle(const Bundle& b, DownloadFiles& files) {
  for (const auto& f : b.files) {
    const std::string path = b.dir + "/" + f.file_name;
    auto size = files.file_size(path);
    if (!size) {
      return make_error(ErrorKind::kEnvironment,
                        "the bundle lacks " + f.file_name + " (" + path + ")",
                        "copy the whole directory torchup fetch wrote");
    }
    if (*size != f.size) {
      return make_error(ErrorKind::kEnvironment,
                        path + " has " + std::to_string(*size) + " bytes, not the " +
                            std::to_string(f.size) +
                            " of the manifest: it is incomplete or another file",
                        "copy it again from the machine that ran torchup fetch");
    }
    auto file = files.open_read(path);
    if (!file) return file.error();
    auto hash = sha256_of(**file, *size);
    if (!hash) return hash.error();
    if (*hash != f.sha256) {
      return make_error(ErrorKind::kEnvironment,
                        path + " has sha256 " + *hash + ", not the manifest's " + f.sha256 +
                            ": it was changed or damaged",
                        "copy it again from the machine that ran torchup fetch");
    }
  }
  return Ok{};
}

}  // namespace torchup::act
