// pytorch.org's Start Locally selector data (`published_versions.json`, from
// pytorch/pytorch.github.io; see data/manifest.json) as typed values.
//
// Shape (verbatim from the site): { "latest_stable", "latest_lts", "versions": {
//   "<version>": { "<os>": { "<package>": { "<platform id>": ENTRY }}}}}
// ENTRY for pip/conda is {note, command, default?}; for libtorch {note, versions:
// {label: url} | null, default?}. Key order is kept (the site shows downloads in
// file order), so the parser walks the JSON in document order.
//
// Used by `torchup select` (render/selector.h) and by `torchup update`, which
// calls parse_published_versions() to validate a downloaded file before caching it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/expected.h"

namespace torchup::data {

// One LibTorch download as the site lists it: "Download here (cxx11 ABI):" + URL.
struct Download {
  std::string label;
  std::string url;
  bool operator==(const Download&) const = default;
};

// One (version, os, package, platform id) cell of the selector.
struct PublishedEntry {
  std::string platform_id;                       // "cuda.x", "accnone", "rocm5.x", "cuda10.2"
  std::optional<std::string> note;               // as written (may contain HTML)
  std::optional<std::string> command;            // pip/conda; null when not offered
  std::optional<std::vector<Download>> downloads;  // libtorch; null when not offered
  bool is_default = false;  // "default": true (macOS: "use the default package")
  bool is_libtorch = false;  // had a "versions" field rather than "command"
};

struct PublishedPackage {
  std::string name;                     // "pip", "conda", "libtorch"
  std::vector<PublishedEntry> entries;  // in file order
  const PublishedEntry* find(const std::string& platform_id) const;
};

struct PublishedOs {
  std::string name;  // "linux", "macos", "windows"
  std::vector<PublishedPackage> packages;
  const PublishedPackage* find(const std::string& package) const;
};

struct PublishedVersion {
  std::string key;  // "2.12.0", "preview" (nightly), "lts-1.8.2"
  std::vector<PublishedOs> oses;
  const PublishedOs* find(const std::string& os) const;
};

struct PublishedVersions {
  std::string latest_stable;  // "2.12.0"
  std::string latest_lts;     // "lts-1.8.2" (may be empty)
  std::vector<PublishedVersion> versions;  // file order
  const PublishedVersion* find(const std::string& key) const;
};

// True for the platform ids the site uses: accnone, cuda.x/.y/.z (any letter),
// rocm5.x-style ids, and legacy ids such as cuda10.2, cuda11.x, rocm4.x, rocm4.2.
bool is_known_platform_id(const std::string& id);

// Parses and validates the whole file. Errors name the file, the JSON path of the
// offending field and the problem, e.g.
// "published_versions.json: versions.2.12.0.linux.pip.gpu: unknown platform id 'gpu'".
// Never throws.
Expected<PublishedVersions> parse_published_versions(const std::string& text);

}  // namespace torchup::data
