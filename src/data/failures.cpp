// install-failures.json loader and output classifier (see failures.h).
#include "data/failures.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace torchup::data {
namespace {

using nlohmann::json;
constexpr const char* kFile = "install-failures.json";
// Installers print the error that ends them last; only the tail is searched. std::regex
// over the catalogue's ~140 patterns costs ~5-7 s per MiB here (-O2), so 64 KiB keeps
// classification well under a second on the longest log while holding ~10x the longest
// captured failure (tests/install/outputs: 6.5 KiB).
constexpr std::size_t kMaxScanned = 64u << 10;

// libstdc++'s regex compiler reads repeat counts ({n,m}) and back-references (\\n)
// into a long without an overflow check (GCC 12 regex_compiler.tcc _M_cur_int_value:
// the fuzzer's "\\4444444444444444444" is undefined behaviour). A catalogue comes from
// an override or a downloaded update, so numbers are bounded before compiling: at most
// 2 digits for a back-reference, at most 1000 for a repeat count.
std::optional<std::string> pattern_problem(const std::string& pattern) {
  if (pattern.size() > 2000) return "is longer than 2000 characters";
  auto digits_at = [&](std::size_t i) {
    std::size_t n = 0;
    while (i + n < pattern.size() && pattern[i + n] >= '0' && pattern[i + n] <= '9') ++n;
    return n;
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (digits_at(i + 1) > 2) return "has a back-reference over 2 digits";
      ++i;  // the escaped character
      continue;
    }
    if (pattern[i] != '{') continue;
    for (std::size_t j = i + 1; j < pattern.size() && pattern[j] != '}'; ++j) {
      const std::size_t n = digits_at(j);
      if (n > 4 || (n > 0 && std::stoi(pattern.substr(j, n)) > 1000))
        return "has a repeat count over 1000";
      if (n > 0) j += n - 1;
    }
  }
  return std::nullopt;
}

Error field_error(std::size_t index, const std::string& id, const std::string& field,
                  const std::string& problem) {
  std::string who = "entry " + std::to_string(index) + (id.empty() ? "" : " (" + id + ")");
  return make_error(ErrorKind::kParse,
                    std::string(kFile) + ": " + who + ": field '" + field + "' " + problem);
}

Expected<std::string> string_field(const json& entry, std::size_t index, const std::string& id,
                                   const char* field, bool required) {
  auto it = entry.find(field);
  if (it == entry.end() || it->is_null()) {
    if (required) return field_error(index, id, field, "is missing");
    return std::string();
  }
  if (!it->is_string()) return field_error(index, id, field, "must be a string");
  return it->get<std::string>();
}

Expected<std::vector<std::string>> string_list(const json& entry, std::size_t index,
                                               const std::string& id, const char* field,
                                               bool non_empty) {
  std::vector<std::string> out;
  auto it = entry.find(field);
  if (it == entry.end() || it->is_null()) {
    if (non_empty) return field_error(index, id, field, "is missing");
    return out;
  }
  if (!it->is_array()) return field_error(index, id, field, "must be an array of strings");
  for (const auto& item : *it) {
    if (!item.is_string()) return field_error(index, id, field, "must contain only strings");
    out.push_back(item.get<std::string>());
  }
  if (non_empty && out.empty()) return field_error(index, id, field, "must not be empty");
  return out;
}

Expected<FailureKind> parse_entry(const json& entry, std::size_t index) {
  if (!entry.is_object()) return field_error(index, "", "(entry)", "must be an object");
  FailureKind kind;
  auto id = string_field(entry, index, "", "id", true);
  if (!id) return id.error();
  if (id->empty()) return field_error(index, "", "id", "must not be empty");
  kind.id = *id;
  auto stage = string_field(entry, index, kind.id, "stage", true);
  if (!stage) return stage.error();
  kind.stage = *stage;
  auto cause = string_field(entry, index, kind.id, "cause", true);
  if (!cause) return cause.error();
  kind.cause = *cause;
  auto fix = string_field(entry, index, kind.id, "fix", true);
  if (!fix) return fix.error();
  kind.fix = *fix;
  auto detection = string_field(entry, index, kind.id, "detection", false);
  if (!detection) return detection.error();
  kind.detection = *detection;
  auto patterns = string_list(entry, index, kind.id, "symptom_patterns", true);
  if (!patterns) return patterns.error();
  kind.symptom_patterns = *patterns;
  auto platforms = string_list(entry, index, kind.id, "platforms", false);
  if (!platforms) return platforms.error();
  kind.platforms = *platforms;
  auto sources = string_list(entry, index, kind.id, "sources", false);
  if (!sources) return sources.error();
  kind.sources = *sources;
  for (const auto& pattern : kind.symptom_patterns) {
    if (auto problem = pattern_problem(pattern)) {
      return field_error(index, kind.id, "symptom_patterns",
                         "has a pattern that " + *problem + ": " + pattern);
    }
    try {
      kind.compiled.push_back(std::make_shared<const std::regex>(pattern, std::regex::ECMAScript));
    } catch (const std::regex_error& e) {
      return field_error(index, kind.id, "symptom_patterns",
                         "has a pattern that is not a valid regular expression: " + pattern);
    }
  }
  return kind;
}

}  // namespace

bool FailureKind::applies_on(const std::string& os_family, const std::string& arch) const {
  if (platforms.empty() || os_family.empty()) return true;
  // uname says "arm64" on macOS and "aarch64" on Linux for the same CPU family.
  const std::string cpu = arch == "arm64" ? "aarch64" : arch;
  for (const auto& p : platforms) {
    if (p == "all" || p == os_family) return true;
    if ((p == "wsl2" || p == "docker") && os_family == "linux") return true;
    const auto dash = p.find('-');
    if (dash == std::string::npos || p.substr(0, dash) != os_family) continue;
    std::string want = p.substr(dash + 1);
    if (want == "arm64") want = "aarch64";
    if (want == cpu) return true;
  }
  return false;
}

bool FailureKind::in_stage(const std::string& wanted) const {
  std::size_t start = 0;
  while (start <= stage.size()) {
    std::size_t slash = stage.find('/', start);
    std::string part =
        stage.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == wanted) return true;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return false;
}

const FailureKind* FailureCatalogue::find(const std::string& id) const {
  for (const auto& kind : kinds) {
    if (kind.id == id) return &kind;
  }
  return nullptr;
}

Expected<FailureCatalogue> parse_failure_catalogue(const std::string& text) {
  json root = json::parse(text, nullptr, false);
  if (root.is_discarded())
    return make_error(ErrorKind::kParse, std::string(kFile) + ": not valid JSON");
  if (!root.is_array())
    return make_error(ErrorKind::kParse,
                      std::string(kFile) + ": top level must be an array of entries");
  FailureCatalogue catalogue;
  for (std::size_t i = 0; i < root.size(); ++i) {
    auto kind = parse_entry(root[i], i);
    if (!kind) return kind.error();
    if (catalogue.find(kind->id) != nullptr)
      return field_error(i, kind->id, "id", "is a duplicate");
    catalogue.kinds.push_back(std::move(*kind));
  }
  if (catalogue.kinds.empty())
    return make_error(ErrorKind::kParse, std::string(kFile) + ": has no entries");
  return catalogue;
}

std::vector<FailureMatch> classify_output(const FailureCatalogue& catalogue,
                                          const std::string& output,
                                          const std::vector<std::string>& stages,
                                          const std::string& os_family, const std::string& arch) {
  std::string_view scanned(output);
  if (scanned.size() > kMaxScanned) scanned = scanned.substr(scanned.size() - kMaxScanned);
  std::vector<FailureMatch> matches;
  for (const auto& kind : catalogue.kinds) {
    if (!kind.applies_on(os_family, arch)) continue;
    if (!stages.empty()) {
      bool wanted = false;
      for (const auto& stage : stages) wanted = wanted || kind.in_stage(stage);
      if (!wanted) continue;
    }
    for (std::size_t p = 0; p < kind.compiled.size(); ++p) {
      std::match_results<std::string_view::const_iterator> found;
      if (std::regex_search(scanned.begin(), scanned.end(), found, *kind.compiled[p])) {
        std::string text = found.str();
        if (text.size() > 200) text.resize(200);
        matches.push_back(FailureMatch{&kind, kind.symptom_patterns[p], text});
        break;
      }
    }
  }
  return matches;
}

Text FailureKind::cause_text() const {
  if (cause.empty()) return {};
  return tr_args("failure." + id + ".cause", cause, {});
}

Text FailureKind::fix_text() const {
  if (fix.empty()) return {};
  return tr_args("failure." + id + ".fix", fix, {});
}

// Where the cause's first sentence ends: the first ". " that does not close an
// abbreviation ("e.g. ", "i.e. "). scripts/po-data splits the same way.
static std::size_t first_sentence_end(const std::string& text) {
  for (auto dot = text.find(". "); dot != std::string::npos; dot = text.find(". ", dot + 1)) {
    const std::string_view before = std::string_view(text).substr(0, dot);
    if (!before.ends_with("e.g") && !before.ends_with("i.e")) return dot;
  }
  return std::string::npos;
}

Text FailureKind::title_text() const {
  auto dot = first_sentence_end(cause);
  if (dot == std::string::npos) return cause_text();
  return tr_args("failure." + id + ".title", cause.substr(0, dot), {});
}

}  // namespace torchup::data
