// Messages in JSON (issue #14): the English text stays where the contract has it
// ("reasons": ["..."]); beside it each message's id and arguments, so another front
// end (the page) can say it in the user's language from the same catalogue.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "util/text.h"

namespace torchup::model {

// {"id": "plan.driver-supports", "text": "driver 550.54 supports CUDA 12.4",
//  "args": {"driver": "550.54", "cuda": "12.4"}}; an argument that is itself a message
// is an object of the same form; free text is {"text": "..."} alone.
nlohmann::json message_json(const Text& text);
nlohmann::json messages_json(const std::vector<Text>& texts);

}  // namespace torchup::model
