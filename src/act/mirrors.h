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
  std::string name;       // "official", a data/mirrors.json name ("nju"), or "url" for --mirror URL
  std::string index_url;  // --index-url (a PEP 503 simple index); empty: pip's configured default
  std::string
      find_links;         // -f/--find-links (flat-directory mirrors); empty for index-style sources
  bool no_index = false;  // --no-index: only find_links (the wheels torchup downloaded, a bundle)
};

// A mirror entry of data/mirrors.json with {variant} still in its URLs.
struct MirrorEntry {
  std::string name;
  std::string url;    // may contain "{variant}"
  std::string style;  // "index" or "find-links"
  std::string pypi;   // PyPI index to pair with a find-links mirror (empty: the official PyPI)
  std::string note;
  std::string source;
  // Variant prefixes this mirror is known not to carry ("rocm"); only with a cited source.
  std::vector<std::string> lacks;
};

struct MirrorList {
  std::string official_pytorch = "https://download.pytorch.org/whl/{variant}";
  std::string official_pypi = "https://pypi.org/simple";
  std::vector<MirrorEntry> pytorch_mirrors;
  std::vector<MirrorEntry> pypi_mirrors;
};

// Parses data/mirrors.json; a malformed entry is an error naming the field (kParse).
// Names are unique across both lists and none may be "official", "auto" or "url".
Expected<MirrorList> parse_mirror_list(const std::string& json_text);

// The source pip gets for an entry: an index-style mirror is the --index-url; a
// find-links mirror is --find-links next to its paired PyPI index (pain-points 3.11).
IndexSource source_for(const MirrorEntry& entry, const MirrorList& list,
                       const std::string& variant);

// What a probe of `source` downloads: the torch project page of a PEP 503 index
// (<index>/torch/, which lists every torch wheel, so it is large on the real indexes),
// or the directory listing of a find-links mirror.
std::string probe_url_for(const IndexSource& source);

// One measured probe of a source (for the report).
struct MirrorProbe {
  std::string name;
  std::string url;                         // what was downloaded
  std::optional<double> bytes_per_second;  // nullopt: the probe failed
  std::string error;                       // why it failed
  std::size_t bytes = 0;                   // body bytes received
  std::chrono::microseconds elapsed{0};    // transfer time as the HTTP client measured it
  bool stopped_at_max = false;             // cut at max_bytes (a full-speed sample)
  bool timed_out = false;                  // cut by per_mirror_timeout after some bytes
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

// Resolves --mirror for a wheel variant ("cpu", "cu126", "rocm7.2"); an empty variant
// means the plan installs from PyPI, and then the PyPI mirrors and pypi.org are the candidates.
//  - "" or "official": just the official index;
//  - a name from the list: that mirror, then the official index;
//  - an http(s) URL ("{variant}" substituted): that index, then the official index (https
//    only unless allow_insecure, loopback http allowed for local indexes; act::check_index_url);
//  - "auto": every candidate mirror and the official index probed at once by a short measured
//    download (throughput, not ping; at most max_bytes in at most per_mirror_timeout each, so
//    auto costs about one timeout). A probe fails on a transport error, HTTP >= 400, an empty
//    body (a timeout before any byte) or a page that does not mention torch; failed mirrors
//    are dropped and reported. Order: the working mirrors measured faster than the official
//    index, fastest first, then the official index, always last, as the fallback. A mirror
//    slower than the official index is not used (trying it before the official one would be
//    slower; after it, the official index would no longer be the last resort). When the
//    official probe fails every working mirror is used, and the official index still comes last.
// Unknown names, a PyPI mirror named for a PyTorch-index variant, a mirror that lacks the
// variant, bad variants and refused URLs are usage errors (kUsage) listing the known names.
Expected<MirrorChoice> choose_mirrors(host::HttpClient& http, const MirrorList& list,
                                      const std::string& spec, const std::string& variant,
                                      bool allow_insecure, const MirrorProbeOptions& options = {});

}  // namespace torchup::act
