// pytorch.org's "Start Locally" selector and "Previous versions" page on the
// command line (DESIGN §2, `torchup select`): the query and result values.
// Pure: values in, values out. The lookup itself is render::Selector
// (render/selector.h); text/JSON rendering is in render/select_output.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/published.h"
#include "util/text.h"

namespace torchup::render {

struct SelectQuery {
  std::string torch = "stable";  // a version ("1.9.0"), "stable" or "nightly" ("preview")
  std::string os;                // "linux", "windows", "macos"
  std::string package;        // "pip", "conda", "libtorch", "source"; empty: pip (libtorch for cpp)
  std::string language;       // "python", "cpp"; empty: cpp for libtorch, python otherwise
  std::string platform;       // site ids ("cuda.x", "accnone", "rocm5.x", "cuda10.2") or
                              // real names ("cu126", "cpu", "rocm7.2")
  bool as_published = false;  // the selector entry exactly as the site showed it
};

using Download = data::Download;

// Where a result came from.
inline constexpr const char* kSourcePublished = "published_versions.json";
inline constexpr const char* kSourcePage = "previous-versions page";
inline constexpr const char* kSourceSite = "pytorch.org selector (no data entry)";

struct SelectResult {
  std::optional<std::string> command;  // as the source wrote it ('\n' between lines)
  std::optional<std::string> note;     // as the source wrote it (may contain HTML)
  std::vector<Download> downloads;     // LibTorch
  std::string torch_version;           // resolved: "2.12.0", "1.8.2", or "nightly"
  std::string os;                      // "linux", "windows", "macos"
  std::string package;                 // "pip", "conda", "libtorch", "source"
  std::string platform;     // resolved real name: "cu126", "cpu", "rocm7.2" (empty if unknown)
  std::string platform_id;  // the selector's id ("cuda.x"), empty for page results
  std::string source;       // kSourcePublished, kSourcePage or kSourceSite
  bool as_published = false;
  std::vector<Text> warnings;  // for people (stderr), e.g. "not pinned"
};

class Selector;  // defined in render/selector.h
}  // namespace torchup::render
