// pytorch.org's "Start Locally" selector and "Previous versions" page on the
// command line (DESIGN §2, `torchup select`). Pure: values in, values out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/store.h"
#include "util/expected.h"

namespace torchup::render {

struct SelectQuery {
  std::string torch = "stable";  // a version ("1.9.0"), "stable" or "nightly"
  std::string os;                // "linux", "windows", "macos"
  std::string package = "pip";   // "pip", "conda", "libtorch", "source"
  std::string language;          // "python", "cpp" (empty: python, cpp for libtorch)
  std::string platform;          // site ids ("cuda.x", "accnone", "rocm5.x") or real ("cu126", "cpu", "rocm7.2")
  bool as_published = false;     // the selector entry exactly as the site showed it
};

struct Download {
  std::string label;
  std::string url;
};

struct SelectResult {
  std::optional<std::string> command;
  std::optional<std::string> note;
  std::vector<Download> downloads;  // LibTorch
  std::string torch_version;        // resolved: "2.12.0", or "nightly"
  std::string platform;             // resolved real name: "cu126", "cpu", "rocm7.2"
  std::string source;               // "published_versions.json" or "previous-versions page"
};

class Selector;  // defined in render/selector.h
}  // namespace torchup::render
