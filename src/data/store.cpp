#include "data/store.h"

#include <nlohmann/json.hpp>

#include "data/embedded.h"

namespace torchup::data {

using nlohmann::json;

std::optional<std::string_view> embedded_file(std::string_view name) {
  for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (kEmbeddedFiles[i].name == name) return kEmbeddedFiles[i].bytes;
  }
  return std::nullopt;
}

std::optional<std::string> default_cache_dir(const host::Environment& env) {
  if (auto v = env.get("TORCHUP_CACHE_DIR"); v && !v->empty()) return *v;
  if (auto v = env.get("XDG_CACHE_HOME"); v && !v->empty()) return *v + "/torchup";
  if (auto v = env.get("HOME"); v && !v->empty()) return *v + "/.cache/torchup";
  return std::nullopt;
}

std::optional<std::string> embedded_snapshot_date(const std::string& name) {
  auto manifest = embedded_file("manifest.json");
  if (!manifest) return std::nullopt;
  auto j = json::parse(*manifest, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  auto files = j.find("files");
  if (files == j.end() || !files->is_object()) return std::nullopt;
  auto entry = files->find(name);
  if (entry == files->end() || !entry->is_object()) return std::nullopt;
  auto date = entry->find("snapshot_date");
  if (date == entry->end() || !date->is_string()) return std::nullopt;
  return date->get<std::string>();
}

DataStore::DataStore(const host::FileSystem& fs, StoreOptions options)
    : fs_(fs), options_(std::move(options)) {}

std::vector<DataText> DataStore::candidates(const std::string& name) const {
  std::vector<DataText> out;
  if (options_.override_dir) {
    std::string path = *options_.override_dir + "/" + name;
    if (auto text = fs_.read_file(path)) out.push_back({name, path, std::move(*text)});
  }
  if (options_.cache_dir) {
    std::string path = *options_.cache_dir + "/" + name;
    auto text = fs_.read_file(path);
    auto meta_text = fs_.read_file(path + ".meta.json");
    if (text && meta_text) {
      auto meta = json::parse(*meta_text, nullptr, false);
      std::string fetched;
      if (meta.is_object() && meta.contains("fetched_at") && meta["fetched_at"].is_string()) {
        fetched = meta["fetched_at"].get<std::string>();
      }
      auto snapshot = embedded_snapshot_date(name);
      // ISO dates compare as strings; a cache is used only when newer than the
      // embedded snapshot (a newer torchup binary beats an old cache).
      if (!fetched.empty() && (!snapshot || fetched.substr(0, 10) > *snapshot)) {
        out.push_back({name, path, std::move(*text)});
      }
    }
  }
  if (auto e = embedded_file(name)) out.push_back({name, "embedded", std::string(*e)});
  return out;
}

}  // namespace torchup::data
