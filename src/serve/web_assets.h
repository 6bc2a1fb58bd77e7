// The web selector's files (web/*.html, *.css, *.js), compiled into the binary by
// web/embed_web.cmake so `torchup serve` needs no files, CDN or network at run time.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace torchup::serve {

struct WebAsset {
  std::string_view name;   // "index.html", "app.js"
  std::string_view bytes;
};

extern const WebAsset kWebAssets[];
extern const std::size_t kWebAssetCount;

// The embedded file `name` ("app.js"; no leading slash), if any.
std::optional<std::string_view> web_asset(std::string_view name);
// Content-Type for a file name by its extension ("text/html; charset=utf-8").
std::string_view mime_type_for(std::string_view name);

}  // namespace torchup::serve
