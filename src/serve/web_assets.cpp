#include "serve/web_assets.h"

namespace torchup::serve {

std::optional<std::string_view> web_asset(std::string_view name) {
  for (std::size_t i = 0; i < kWebAssetCount; ++i) {
    if (kWebAssets[i].name == name) return kWebAssets[i].bytes;
  }
  return std::nullopt;
}

std::string_view mime_type_for(std::string_view name) {
  auto ends_with = [&](std::string_view ext) { return name.ends_with(ext); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".json")) return "application/json";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace torchup::serve
