// `torchup select` results as text for people and as the JSON contract
// (DESIGN §2.1: { "command": str|null, "note": str|null, "downloads": [ {label,url} ] }
// plus the resolved torch, os, package, platform, platform_id, source).
//
// Notes: the sources write some notes as HTML ("<b>NOTE:</b> ... <br />"). Text
// output strips the tags for people ("<br />" becomes a line break); with
// --as-published the text is printed exactly as the site wrote it; JSON always
// keeps it verbatim. Text output is the note (if any), then the command, or for
// LibTorch each download's label and, on the next line, its URL: nothing else, so
// the command can be copied or piped as is.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "render/select.h"

namespace torchup::render {

std::string select_text(const SelectResult& result);
nlohmann::ordered_json select_json(const SelectResult& result);

}  // namespace torchup::render
