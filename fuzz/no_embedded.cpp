// The fuzz targets link the parsers' files, which also hold the load_* functions
// that go through DataStore (src/data/store.cpp) and the embedded knowledge base.
// The targets never call them; this empty table stands in for the 3 MB generated
// one so the fuzz build does not compile it.
#include "data/embedded.h"
#include "util/text_embedded.h"

namespace torchup::data {

const EmbeddedFile kEmbeddedFiles[] = {{"", ""}};
const std::size_t kEmbeddedFileCount = 0;

}  // namespace torchup::data

namespace torchup::i18n {

const EmbeddedCatalog kEmbeddedCatalogs[] = {{"", ""}};
const std::size_t kEmbeddedCatalogCount = 0;

}  // namespace torchup::i18n
