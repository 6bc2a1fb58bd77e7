// render::Selector answers `torchup select` from the two site sources, and tells
// the plan layer what the site offers (stable version, versions, platforms).
//
// Which source (issue 2, DESIGN §2):
//   * stable (published_versions.json's latest_stable) and nightly ("preview"):
//     the selector's own entry in published_versions.json;
//   * any older release: the previous-versions page line for that version, OS,
//     package and platform, which pins the version (the selector's old entries
//     are often unpinned, e.g. 1.9.0 Linux CUDA 10.2 is `pip3 install torch
//     torchvision torchaudio`, which installs the newest torch today);
//     LibTorch always comes from published_versions.json (its URLs name the version);
//     a release the page does not list (1.10.2) falls back to the selector's entry
//     with a warning;
//   * --as-published: the selector's entry exactly as the site showed it.
//
// Platform ids: the site's ids are positional per release (cuda.x/.y/.z = that
// release's CUDA versions oldest first, rocm5.x = its highest ROCm, accnone = CPU;
// gen_quick_start_module.py, see ../shared/research/pytorch-matrix.md §1). Their
// real names are read from the data itself: the wheel/LibTorch URLs and conda
// pins of the entry ("/whl/cu126", "+cu111", "%2Bcu130", "/whl/rocm4.2/",
// "cudatoolkit=11.1", "pytorch-cuda=12.1"); where the entry has none (2.12.0 Linux
// cuda.y is plain `pip3 install torch torchvision`), the same id's other entries
// in that release vote (its LibTorch URL and Windows command say cu130). Legacy
// ids name themselves (cuda10.2 -> cu102).
#pragma once

#include <string>
#include <vector>

#include "data/previous_versions.h"
#include "data/published.h"
#include "data/store.h"
#include "render/select.h"
#include "util/expected.h"

namespace torchup::render {

// One platform the site offers for a (version, os, package).
struct PlatformChoice {
  std::string name;     // real name: "cu126", "cpu", "rocm7.2"
  std::string site_id;  // "cuda.x"; empty for previous-versions page entries
};

class Selector {
 public:
  Selector(data::PublishedVersions published, data::PreviousVersions page);

  // Loads both files through the data store (override -> cache -> embedded).
  static Expected<Selector> load(data::DataStore& store);

  Expected<SelectResult> select(const SelectQuery& query) const;

  // published_versions.json's latest_stable ("2.12.0").
  const std::string& stable_version() const { return published_.latest_stable; }
  // Every release either source lists, newest first ("2.12.0" ... "1.0.0"; no nightly).
  std::vector<std::string> versions() const;
  // What `select` accepts by default for that choice (torch may be "stable"/"nightly").
  // Empty when the version, OS or package is unknown.
  std::vector<PlatformChoice> platforms(const std::string& torch, const std::string& os,
                                        const std::string& package) const;
  // The real name behind a site id in a published version ("2.12.0", linux, pip, "cuda.y"
  // -> "cu130"); empty when the data does not say.
  std::string platform_name(const std::string& version_key, const std::string& os, const std::string& package,
                            const std::string& site_id) const;

  const data::PublishedVersions& published() const { return published_; }
  const data::PreviousVersions& page() const { return page_; }

 private:
  // The --torch value resolved: "2.12.0" / "nightly", and its published entry (if any).
  struct ResolvedVersion {
    std::string torch;
    bool nightly = false;
    const data::PublishedVersion* entry = nullptr;
  };
  ResolvedVersion resolve_version(const std::string& asked) const;
  // The entry for a site id ("cuda.x") or a real name ("cu126"); nullptr if none.
  const data::PublishedEntry* find_entry(const data::PublishedVersion& version, const std::string& os,
                                         const std::string& package_name, const data::PublishedPackage& package,
                                         const std::string& wanted) const;
  // The selector's own entry (stable, nightly, LibTorch, --as-published, unlisted releases).
  Expected<SelectResult> select_from_published(const SelectQuery& query, const ResolvedVersion& v,
                                               SelectResult result) const;
  // The previous-versions page's pinned line.
  Expected<SelectResult> select_from_page(const SelectQuery& query, const ResolvedVersion& v,
                                          SelectResult result) const;

  data::PublishedVersions published_;
  data::PreviousVersions page_;
};

// Real names found in a command or URL: "cu111", "rocm4.2" (in order, may repeat).
std::vector<std::string> platform_tokens(const std::string& text);
// True when any OS/package of the release uses that site id ("cuda.x").
bool version_has_site_id(const data::PublishedVersion& version, const std::string& id);
// A note as people should read it: HTML tags out, "<br />" as line breaks, lines trimmed.
// (--json and --as-published keep notes exactly as the source wrote them.)
std::string note_for_people(const std::string& note);
// "cu126", "cuda12.6", "cuda 12.6", "rocm7.2", "cpu", "CPU" -> canonical real name; empty if not one.
std::string normalize_platform_name(const std::string& text);

}  // namespace torchup::render
