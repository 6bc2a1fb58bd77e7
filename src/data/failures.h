// The install-failure catalogue (data/install-failures.json) as typed values,
// and a classifier that matches an installer's or a Python process's output
// against it. Used by `install` (to pick a remedy: retry with --no-cache-dir,
// make a venv, next mirror...) and by `verify`/`doctor` (to explain a broken
// environment). The catalogue itself cites its sources per entry ("sources").
//
// Usage:
//   auto catalogue = store.load<data::FailureCatalogue>("install-failures.json",
//                                                       data::parse_failure_catalogue);
//   auto matches = data::classify_output(*catalogue, pip_output);       // all hits
//   auto best = data::classify_output(*catalogue, out, {"install"});  // only install stage
//
// Patterns are ECMAScript regular expressions (std::regex), compiled once at
// parse time; a pattern that does not compile is a parse error naming the entry.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "util/expected.h"
#include "util/text.h"

namespace torchup::data {

// One catalogue entry ("pip-memoryerror", "pep668-externally-managed", ...).
struct FailureKind {
  std::string id;                      // stable id, used by code to pick a remedy
  std::string stage;                   // "install", "import", "runtime", "import/runtime", ...
  std::vector<std::string> platforms;  // "linux", "windows", "all", ...
  std::vector<std::string> symptom_patterns;  // regex source text, as in the file
  std::string cause;                          // why it happens (for the user)
  std::string detection;                      // how to confirm it
  std::string fix;                            // what to do (for the user)
  std::vector<std::string> sources;           // where the knowledge comes from
  // Compiled symptom_patterns (same order). Shared so FailureKind stays copyable.
  std::vector<std::shared_ptr<const std::regex>> compiled;

  // True when `stage` contains `wanted` ("import/runtime" has "runtime").
  bool in_stage(const std::string& wanted) const;
  // True when the entry can happen on this OS ("linux", "windows", "macos") and CPU
  // ("x86_64", "aarch64", "arm64"): platforms holds "all", the OS, or OS-arch
  // ("macos-x86_64", "linux-aarch64"); "wsl2" and "docker" are Linux environments.
  // An entry with no platforms applies everywhere; an empty os_family matches any.
  bool applies_on(const std::string& os_family, const std::string& arch) const;

  // What the user is shown, as messages in their language: "failure.<id>.cause",
  // "failure.<id>.fix", and the title (the cause's first sentence,
  // "failure.<id>.title"). Their Chinese is po/zh_CN/failures.po, which
  // scripts/po-data and po-check keep in step with the data file.
  Text cause_text() const;
  Text fix_text() const;
  Text title_text() const;
};

struct FailureCatalogue {
  std::vector<FailureKind> kinds;                        // file order
  const FailureKind* find(const std::string& id) const;  // nullptr when absent
};

// One hit: which entry, which pattern, and the output line that matched.
struct FailureMatch {
  const FailureKind* kind = nullptr;  // points into the catalogue passed to classify_output
  std::string pattern;                // the pattern that matched
  std::string matched_text;           // the matched text (trimmed to 200 bytes)
};

// Parses install-failures.json: a JSON array of entries with string fields id,
// stage, cause, fix (required), detection (optional) and string arrays
// symptom_patterns (non-empty), platforms, sources. Errors name the file, the
// entry (by index and id) and the field.
Expected<FailureCatalogue> parse_failure_catalogue(const std::string& text);

// Every entry with at least one pattern matching somewhere in `output`, first
// match per entry, in catalogue order. `stages` non-empty: only entries whose
// stage contains one of them; with `os_family` (and `arch`), only entries that
// apply_on that platform. Output before the last 64 KiB is ignored (the
// interesting lines of an installer's failure are at the end).
std::vector<FailureMatch> classify_output(const FailureCatalogue& catalogue,
                                          const std::string& output,
                                          const std::vector<std::string>& stages = {},
                                          const std::string& os_family = "",
                                          const std::string& arch = "");

}  // namespace torchup::data
