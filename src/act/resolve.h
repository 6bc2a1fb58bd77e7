// Resolve, then download (issue 13): the plan's wheels and their dependencies, read
// from the index's pages (PEP 503) and its PEP 658 metadata files (`<wheel>.metadata`,
// announced by `data-dist-info-metadata` / PEP 714's `data-core-metadata`), so that
// resolving never downloads a wheel and a dropping link cannot break it. pip's own
// `install --dry-run --report` is no substitute: pip 23.x still downloads each
// wheel after resolving from metadata (pypa/pip#11847, #12186).
//
// The walk is greedy (the newest version that satisfies what has been asked so far,
// no backtracking): torch's dependency tree pins its large parts (nvidia-*, triton)
// with ==. A conflict, a dependency without a wheel for the target or an index without
// metadata ends the walk with an error; install then lets pip download, and says why.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "act/mirrors.h"
#include "host/host.h"
#include "model/plan.h"
#include "util/expected.h"

namespace torchup::act {

// ---- the target interpreter ----

// The PEP 508 marker environment and the wheel tags (packaging.tags' order: most
// preferred first) of one interpreter, on this machine or on another (fetch --profile).
struct WheelTarget {
  std::map<std::string, std::string> markers;  // python_version, sys_platform, ...
  std::vector<std::string> tags;               // "cp311-cp311-manylinux_2_36_x86_64", ...
  std::string python_full_version;             // "3.11.2"
};

// What describes a target: the interpreter's own facts (TARGET_PROBE below prints them).
struct TargetFacts {
  std::string python_version;  // "3.11.2"
  std::string implementation = "cpython";
  bool free_threaded = false;        // Py_GIL_DISABLED (3.13t, 3.14t)
  std::string os_family;             // "linux", "windows", "macos"
  std::string arch;                  // "x86_64", "aarch64", "AMD64", "arm64"
  std::optional<std::string> glibc;  // "2.36"; nullopt on Linux: musl or unknown (no manylinux)
  std::optional<std::string> macos;  // "14.5"
  std::string platform_release;      // uname release (markers only)
};
WheelTarget make_target(const TargetFacts& facts);

// A Python one-liner that prints the facts of the interpreter that runs it as JSON;
// parse_target_facts reads its output. Errors: kParse.
extern const char* const kTargetProbe;
Expected<TargetFacts> parse_target_facts(std::string_view json_text);

// ---- PEP 440 / 503 / 508 pieces ----

// PEP 503 normalized project name: lower case, runs of "-_." as one "-".
std::string normalize_name(std::string_view name);

// A wheel's file name, PEP 427 ("torch-2.12.0+cu126-cp311-cp311-manylinux_2_28_x86_64.whl").
struct WheelName {
  std::string name;               // normalized
  std::string version;            // as written
  std::vector<std::string> tags;  // expanded ("py2.py3-none-any" -> two)
};
std::optional<WheelName> parse_wheel_name(std::string_view file_name);

// True when `version` satisfies every clause of `specifiers` (">=1.13.3,!=1.14.*");
// a pre-release only when `allow_pre` (or a clause names one). An unparsable clause or
// version fails.
bool satisfies(std::string_view version, std::string_view specifiers, bool allow_pre = false);

// A PEP 508 requirement ("sympy>=1.13.3", "jinja2[i18n] (>=3.0) ; extra == 'x'").
struct Requirement {
  std::string name;  // normalized
  std::set<std::string> extras;
  std::string specifiers;  // "", ">=1.13.3", "==12.6.77"
  std::string marker;      // "" or the text after ';'
};
Expected<Requirement> parse_requirement(std::string_view text);

// Evaluates a PEP 508 marker in `env` with `extras` for the `extra` variable; an empty
// marker is true. Errors: kParse (unbalanced, unknown variable).
Expected<bool> evaluate_marker(std::string_view marker,
                               const std::map<std::string, std::string>& env,
                               const std::set<std::string>& extras = {});

// The Requires-Dist lines of a METADATA file (RFC 822 headers; continuation lines joined).
std::vector<std::string> requires_dist(std::string_view metadata);

// ---- index pages ----

// One file on a PEP 503 page.
struct IndexFile {
  std::string file_name;
  std::string url;  // absolute, without the fragment
  std::optional<std::string> sha256;
  std::string requires_python;  // data-requires-python, unescaped
  bool has_metadata = false;  // data-dist-info-metadata / data-core-metadata present (not "false")
  std::optional<std::string> metadata_sha256;
  bool yanked = false;
};
// Parses the anchors of `html` (HTML entities in attributes decoded), resolving
// relative hrefs against `page_url`. Anchors that are not files are skipped.
std::vector<IndexFile> parse_index_page(std::string_view html, const std::string& page_url);

// ---- the walk ----

struct ResolvedWheel {
  std::string name;     // normalized
  std::string version;  // "2.12.0+cu126"
  std::string file_name;
  std::string url;
  std::optional<std::string> sha256;
  std::optional<std::uint64_t> size;    // filled by the downloader
  std::vector<std::string> alternates;  // the same file on the other sources
  bool requested = false;               // one of the requirements asked for (not a dependency)
};

struct Resolution {
  std::vector<ResolvedWheel> wheels;   // in the order found (the requested first)
  std::vector<std::string> satisfied;  // "filelock 3.12.2" already installed, not fetched
  std::string source_name;             // the source the pages came from
};

struct ResolveOptions {
  bool allow_insecure = false;
  std::size_t max_packages = 300;
  std::size_t max_page_bytes = 64u << 20;  // pytorch.org's torch page is several MB
  // Installed distributions of the target (normalized name -> version): a dependency
  // they satisfy is not fetched. The requirements themselves always are.
  std::map<std::string, std::string> installed;
  bool allow_pre = false;
  // The plan's variant ("cu126"): where one index carries several builds of a release
  // (+cpu, +cu126), the variant's own is chosen.
  std::string variant;
};

// Resolves `requirements` on sources.front() (its index and, for a find-links mirror,
// its flat listing); the same files on the other sources become alternates. Errors:
// kNetwork (a page or metadata file could not be read), kNotFound (no version/wheel
// fits, an index without metadata), kUsage (a requirement cannot be read).
Expected<Resolution> resolve_wheels(host::HttpClient& http, const std::vector<IndexSource>& sources,
                                    const std::vector<std::string>& requirements,
                                    const WheelTarget& target, const ResolveOptions& options = {});

// ---- bundles (act/wheelset.h writes and checks them) ----

inline constexpr const char* kBundleSchema = "torchup.bundle/1";

struct BundleFile {
  std::string name;  // normalized project name
  std::string version;
  std::string file_name;
  std::string url;  // where it was downloaded from
  std::string sha256;
  std::uint64_t size = 0;
  bool requested = false;
};

struct Bundle {
  std::string dir;
  std::vector<std::string> requirements;  // "torch==2.12.0", ...
  std::string torch, platform;            // the plan's build ("2.12.0", "cu126")
  std::optional<std::string> torchvision, torchaudio, index_url;
  TargetFacts target;  // the interpreter it was resolved for
  std::vector<BundleFile> files;
};

nlohmann::json to_json(const Bundle& bundle);
// PEP 751 (lock-version 1.0): one [[packages]] per file, each with its wheel's
// name, path (relative to the lock file; only when the files are `beside` it), url, size
// and sha256.
std::string pylock_toml(const Bundle& bundle, bool beside = true);
// The plan's build becomes the bundle's: torch, torchvision, torchaudio, variant and index.
void take_build(model::Plan& plan, const Bundle& bundle);
// Reads DIR/torchup-bundle.json's text. Errors: kParse (naming the field).
Expected<Bundle> bundle_from_text(const std::string& text, const std::string& dir);

}  // namespace torchup::act
