// Text rendering of verify/doctor checks for people (the JSON rendering is
// to_json in verify.h). Colour is passed in as functions so act/ does not
// depend on the CLI's terminal handling.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "act/verify.h"
#include "act/verify_libtorch.h"
#include "util/text.h"

namespace torchup::act {

using Paint = std::function<std::string(std::string_view)>;

struct TextStyle {
  Paint green, red, yellow, dim, bold;
  Lang lang = Lang::kEn;  // the language messages are said in
  std::string t(const Text& text) const { return localize(text, lang); }
  static TextStyle plain();
};

// One line per check: "  PASS  title   reason", then indented "fix: ..." on failure.
void render_checks(std::ostream& out, const std::vector<Check>& checks, const TextStyle& style);
// "All N checks passed" / "N checks failed" with counts.
void render_summary(std::ostream& out, const std::vector<Check>& checks, const TextStyle& style);
// The whole verify report: header, checks (with the torch.rand tensor and the
// probe's stderr tail where they help), summary.
void render_verify(std::ostream& out, const VerifyReport& report, const TextStyle& style);
void render_libtorch(std::ostream& out, const LibtorchReport& report, const TextStyle& style);

}  // namespace torchup::act
