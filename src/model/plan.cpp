#include "model/plan.h"

#include <nlohmann/json.hpp>

#include "model/message.h"

namespace torchup::model {

using nlohmann::json;

namespace {

json texts(const std::vector<Text>& v) {
  json out = json::array();
  for (const auto& t : v) out.push_back(t.str());
  return out;
}

json said(const std::vector<Text>& v, Lang lang) {
  json out = json::array();
  for (const auto& t : v) out.push_back(localize(t, lang));
  return out;
}

}  // namespace

json localized_json(const Plan& p, Lang lang) {
  json why_not = json::array();
  for (const auto& a : p.alternatives) why_not.push_back(localize(a.why_not, lang));
  return {{"reasons", said(p.reasons, lang)},
          {"warnings", said(p.warnings, lang)},
          {"unlocks", said(p.unlocks, lang)},
          {"gpu_unused", p.gpu_unused ? json(localize(*p.gpu_unused, lang)) : json(nullptr)},
          {"why_not", std::move(why_not)}};
}

json to_json(const Plan& p) {
  auto opt = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  json j;
  j["schema"] = kPlanSchema;
  j["fits"] = p.fits;
  j["torch"] = p.fits ? json(p.torch) : json(nullptr);
  j["torchvision"] = opt(p.torchvision);
  j["torchaudio"] = opt(p.torchaudio);
  j["platform"] = p.fits ? json(p.platform) : json(nullptr);
  j["package"] = p.package;
  j["python"] = p.python.empty() ? json(nullptr) : json(p.python);
  j["python_path"] = p.python_path.empty() ? json(nullptr) : json(p.python_path);
  j["index_url"] = opt(p.index_url);
  j["command"] = p.fits ? json(p.command) : json(nullptr);
  j["argv"] = p.argv;
  j["reasons"] = texts(p.reasons);
  j["warnings"] = texts(p.warnings);
  j["unlocks"] = texts(p.unlocks);
  j["equivalents"] = json::array();
  for (const auto& e : p.equivalents) {
    j["equivalents"].push_back({{"package", e.package}, {"command", e.command}, {"argv", e.argv}});
  }
  j["gpu_unused"] = p.gpu_unused ? json(p.gpu_unused->str()) : json(nullptr);
  j["alternatives"] = json::array();
  for (const auto& a : p.alternatives) {
    j["alternatives"].push_back({{"torch", a.torch}, {"platform", a.platform}, {"why_not", a.why_not.str()}});
  }
  // The same messages with their ids and arguments (docs/json.md, "messages").
  json why_not = json::array();
  for (const auto& a : p.alternatives) why_not.push_back(message_json(a.why_not));
  j["messages"] = {{"reasons", messages_json(p.reasons)},
                   {"warnings", messages_json(p.warnings)},
                   {"unlocks", messages_json(p.unlocks)},
                   {"gpu_unused", p.gpu_unused ? message_json(*p.gpu_unused) : json(nullptr)},
                   {"alternatives_why_not", std::move(why_not)}};
  return j;
}

}  // namespace torchup::model
