#include "model/plan.h"

#include <nlohmann/json.hpp>

namespace torchup::model {

using nlohmann::json;

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
  j["reasons"] = p.reasons;
  j["warnings"] = p.warnings;
  j["unlocks"] = p.unlocks;
  j["equivalents"] = json::array();
  for (const auto& e : p.equivalents) {
    j["equivalents"].push_back({{"package", e.package}, {"command", e.command}, {"argv", e.argv}});
  }
  j["gpu_unused"] = opt(p.gpu_unused);
  j["alternatives"] = json::array();
  for (const auto& a : p.alternatives) {
    j["alternatives"].push_back({{"torch", a.torch}, {"platform", a.platform}, {"why_not", a.why_not}});
  }
  return j;
}

}  // namespace torchup::model
