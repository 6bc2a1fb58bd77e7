#include "model/message.h"

#include <nlohmann/json.hpp>

namespace torchup::model {

using nlohmann::json;

json message_json(const Text& text) {
  json j = {{"text", text.str()}};
  if (!text.translatable()) return j;
  j["id"] = text.id();
  json args = json::object();
  for (const auto& a : text.args()) {
    args[a.name] = a.value.translatable() ? message_json(a.value) : json(a.value.str());
  }
  j["args"] = std::move(args);
  return j;
}

json messages_json(const std::vector<Text>& texts) {
  json out = json::array();
  for (const auto& t : texts) out.push_back(message_json(t));
  return out;
}

}  // namespace torchup::model
