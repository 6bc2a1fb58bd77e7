#include "render/select_output.h"

#include "render/selector.h"

namespace torchup::render {

std::string select_text(const SelectResult& result) {
  std::string out;
  if (result.note) {
    std::string note = result.as_published ? *result.note : note_for_people(*result.note);
    if (!note.empty()) out += note + "\n";
  }
  if (result.command) out += *result.command + "\n";
  for (const auto& d : result.downloads) out += d.label + "\n" + d.url + "\n";
  return out;
}

nlohmann::ordered_json select_json(const SelectResult& result) {
  nlohmann::ordered_json j;
  j["command"] =
      result.command ? nlohmann::ordered_json(*result.command) : nlohmann::ordered_json(nullptr);
  j["note"] = result.note ? nlohmann::ordered_json(*result.note) : nlohmann::ordered_json(nullptr);
  j["downloads"] = nlohmann::ordered_json::array();
  for (const auto& d : result.downloads)
    j["downloads"].push_back({{"label", d.label}, {"url", d.url}});
  j["torch"] = result.torch_version;
  j["os"] = result.os;
  j["package"] = result.package;
  j["platform"] = result.platform.empty() ? nlohmann::ordered_json(nullptr)
                                          : nlohmann::ordered_json(result.platform);
  j["platform_id"] = result.platform_id.empty() ? nlohmann::ordered_json(nullptr)
                                                : nlohmann::ordered_json(result.platform_id);
  j["source"] = result.source;
  j["as_published"] = result.as_published;
  j["warnings"] = nlohmann::json::array();
  for (const auto& w : result.warnings) j["warnings"].push_back(w.str());
  return j;
}

}  // namespace torchup::render
