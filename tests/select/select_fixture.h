// A render::Selector over the embedded knowledge base, built once per test binary
// (both files are parsed by the production parsers; the tests compare against
// their own independent reading of the same files).
#pragma once

#include <string>

#include "data/embedded.h"
#include "render/selector.h"

namespace torchup::testing {

inline std::string embedded_text(const char* name) { return std::string(*data::embedded_file(name)); }

inline const render::Selector& embedded_selector() {
  static const render::Selector selector = [] {
    auto published = data::parse_published_versions(embedded_text("published_versions.json"));
    auto page = data::parse_previous_versions(embedded_text("previous-versions.md"));
    if (!published || !page) std::abort();
    return render::Selector(std::move(*published), std::move(*page));
  }();
  return selector;
}

}  // namespace torchup::testing
