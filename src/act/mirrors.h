// Mirrors for `torchup install --mirror auto|NAME|URL` (DESIGN §1 "sites abroad may be
// unstable": mirrors probed by measured throughput, not by ping). The list of real
// mirrors lives in data/mirrors.json (each entry cites its source); how pip must use
// each one differs: a PEP 503 index goes to --index-url, a flat directory only works
// with -f/--find-links next to a PyPI index (pain-points.md 3.11).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "host/host.h"
#include "util/expected.h"

namespace torchup::act {

// One place pip can install from: what goes into pip's argv.
struct IndexSource {
  std::string name;        // "official", a data/mirrors.json name ("nju"), or "url" for --mirror URL
  std::string index_url;   // --index-url (a PEP 503 simple index); empty: pip's configured default
  std::string find_links;  // -f/--find-links (flat-directory mirrors); empty for index-style sources
};

// A mirror entry of data/mirrors.json with {variant} still in its URLs.
struct MirrorEntry {
  std::string name;
  std::string url;        // may contain "{variant}"
  std::string style;      // "index" or "find-links"
  std::string pypi;       // PyPI index to pair with a find-links mirror (may be empty)
  std::string note;
  std::string source;
};

struct MirrorList {
  std::string official_pytorch = "https://download.pytorch.org/whl/{variant}";
  std::string official_pypi = "https://pypi.org/simple";
  std::vector<MirrorEntry> pytorch_mirrors;
  std::vector<MirrorEntry> pypi_mirrors;
};

// Parses data/mirrors.json; a malformed entry is an error naming the field.
Expected<MirrorList> parse_mirror_list(const std::string& json_text);

// One measured probe of a source (for the report).
struct MirrorProbe {
  std::string name;
  std::string url;                        // what was downloaded
  std::optional<double> bytes_per_second;  // nullopt: the probe failed
  std::string error;                      // why it failed
};

struct MirrorChoice {
  std::vector<IndexSource> order;   // try in this order; the official index is always last
  std::vector<MirrorProbe> probes;  // what was measured (auto only)
  std::vector<std::string> notes;   // human sentences: why this order
};

struct MirrorProbeOptions {
  std::chrono::milliseconds per_mirror_timeout{std::chrono::seconds(5)};
  std::size_t max_bytes = 2 * 1024 * 1024;  // stop each measured download after this much
};

// Resolves --mirror for a wheel variant ("cpu", "cu126", "rocm7.2"):
//  - "" or "official": just the official index;
//  - a name from the list: that mirror, then the official index;
//  - an http(s) URL: that index, then the official index (https only unless allow_insecure,
//    loopback http allowed for local indexes);
//  - "auto": every pytorch mirror and the official index probed by a short measured download
//    (throughput, not ping); ordered fastest first; failed probes dropped; official always last
//    as the fallback.
// Unknown names and refused URLs are usage errors listing the known names.
Expected<MirrorChoice> choose_mirrors(host::HttpClient& http, const MirrorList& list, const std::string& spec,
                                      const std::string& variant, bool allow_insecure,
                                      const MirrorProbeOptions& options = {});

}  // namespace torchup::act
