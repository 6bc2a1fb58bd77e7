// The compiled message catalogues (po/*.po -> msgfmt -> .mo), embedded by
// cmake/embed.cmake at build time.
#pragma once

#include <cstddef>
#include <string_view>

namespace torchup::i18n {

struct EmbeddedCatalog {
  std::string_view name;   // "zh_CN.mo"
  std::string_view bytes;  // the .mo file
};

extern const EmbeddedCatalog kEmbeddedCatalogs[];
extern const std::size_t kEmbeddedCatalogCount;

}  // namespace torchup::i18n
