#include "data/previous_versions.h"

#include <algorithm>
#include <cctype>

#include "util/strings.h"

namespace torchup::data {

namespace {

constexpr const char* kFile = "previous-versions.md";

Error bad(int line, const std::string& problem) {
  return make_error(ErrorKind::kParse, std::string(kFile) + ":" + std::to_string(line) + ": " + problem,
                    "remove the bad override (--data-dir / TORCHUP_DATA_DIR) to use the built-in copy");
}

bool is_command_line(std::string_view line) {
  return str::starts_with(line, "pip ") || str::starts_with(line, "pip3 ") || str::starts_with(line, "conda ");
}

// "2.2.0" from "v2.2.0" or "v1.8.2 with LTS support".
std::optional<std::string> version_from_heading(std::string_view heading) {
  auto words = str::split_ws(heading);
  if (words.empty() || words[0].size() < 2 || words[0][0] != 'v') return std::nullopt;
  std::string v(words[0].substr(1));
  for (char c : v) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return std::nullopt;
  }
  return v;
}

// "11.8" -> "118", "9.2" -> "92", "10.0" -> "100" (the wheel tags: cu118, cu92, cu100).
std::string cuda_tag(std::string_view dotted) {
  std::string out;
  for (char c : dotted) {
    if (c != '.') out += c;
  }
  return out;
}

bool is_dotted_number(std::string_view s) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front())) || s.back() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

}  // namespace

std::optional<std::string> PageEntry::command() const {
  if (command_lines.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < command_lines.size(); ++i) {
    if (i) out += '\n';
    out += command_lines[i];
  }
  return out;
}

bool PageEntry::installable() const {
  if (!command_lines.empty()) return true;
  return std::any_of(note_lines.begin(), note_lines.end(),
                     [](const std::string& l) { return str::contains(l, "https://"); });
}

bool PreviousVersions::has_version(const std::string& version) const {
  return std::find(versions.begin(), versions.end(), version) != versions.end();
}

const PageEntry* PreviousVersions::find(const std::string& version, const std::string& os,
                                        const std::string& package, const std::string& platform) const {
  for (const auto& e : entries) {
    if (e.version == version && e.os == os && e.package == package && e.platform == platform) return &e;
  }
  return nullptr;
}

std::vector<const PageEntry*> PreviousVersions::entries_for(const std::string& version, const std::string& os,
                                                           const std::string& package) const {
  std::vector<const PageEntry*> out;
  for (const auto& e : entries) {
    if (e.version == version && e.os == os && e.package == package) out.push_back(&e);
  }
  return out;
}

std::optional<std::string> platform_for_page_label(const std::string& label) {
  std::string lower = str::to_lower(str::trim(label));
  // Drop an OS qualifier: "(linux only)", "(linux)", "(windows)".
  if (auto paren = lower.find('('); paren != std::string::npos) lower = std::string(str::trim(lower.substr(0, paren)));
  if (lower == "cpu only" || lower == "conda") return "cpu";
  if (str::starts_with(lower, "cuda ")) {
    std::string v(str::trim(lower.substr(5)));
    if (is_dotted_number(v)) return "cu" + cuda_tag(v);
  }
  if (str::starts_with(lower, "rocm")) {
    std::string v(str::trim(lower.substr(4)));
    if (is_dotted_number(v)) return "rocm" + v;
    // "ROCM5.x" (v1.8.2 LTS, "Not supported in LTS."): no concrete ROCm version.
    if (v == "5.x") return "rocm5.x";
  }
  return std::nullopt;
}

Expected<PreviousVersions> parse_previous_versions(const std::string& text) {
  PreviousVersions out;
  std::string version, package;
  std::vector<std::string> oses;
  bool in_fence = false, in_commands_part = false;
  std::vector<PageEntry> block;  // entries of the current fenced block (one per OS later)
  PageEntry* current = nullptr;  // the entry lines attach to
  int line_no = 0;

  auto flush_block = [&]() {
    for (const auto& os : oses) {
      for (const auto& e : block) {
        // "(Linux only)" / "(Linux)" / "(Windows)" limit a label to one OS.
        std::string lower = str::to_lower(e.label);
        if (str::contains(lower, "(linux") && os != "linux") continue;
        if (str::contains(lower, "(windows") && os != "windows") continue;
        PageEntry copy = e;
        copy.os = os;
        out.entries.push_back(std::move(copy));
      }
    }
    block.clear();
    current = nullptr;
  };

  for (std::string_view raw : str::lines(text)) {
    ++line_no;
    std::string line(raw);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!in_fence && str::starts_with(line, "## ")) {
      in_commands_part = str::contains(line, ">= 1.0.0");
      continue;
    }
    if (!in_commands_part) continue;
    if (str::starts_with(line, "```")) {
      if (in_fence) flush_block();
      in_fence = !in_fence;
      if (in_fence && (version.empty() || package.empty() || oses.empty())) {
        return bad(line_no, "a command block outside a version / package / OS section");
      }
      continue;
    }
    if (in_fence) {
      if (line.empty()) continue;
      if (str::starts_with(line, "#")) {
        std::string comment(str::trim(std::string_view(line).substr(1)));
        // The first comment, or one after a command or prose line, labels a new
        // entry; comments between a label and its command are notes.
        bool has_body = current && (!current->command_lines.empty() ||
                                    std::any_of(current->note_lines.begin(), current->note_lines.end(),
                                                [](const std::string& l) { return !str::starts_with(l, "#"); }));
        if (!current || has_body) {
          auto platform = platform_for_page_label(comment);
          if (!platform) return bad(line_no, "unrecognised platform label '" + line + "'");
          block.push_back(PageEntry{version, "", package, *platform, comment, {}, {}, line_no});
          current = &block.back();
        } else {
          current->note_lines.push_back(line);
        }
        continue;
      }
      if (!current) {  // OSX blocks may have no label: the one build is the CPU one
        block.push_back(PageEntry{version, "", package, "cpu", "", {}, {}, line_no});
        current = &block.back();
      }
      if (is_command_line(line)) {
        current->command_lines.push_back(line);
      } else {
        current->note_lines.push_back(line);
      }
      continue;
    }
    if (str::starts_with(line, "### ")) {
      auto v = version_from_heading(std::string_view(line).substr(4));
      if (!v) return bad(line_no, "expected a version heading like '### v2.2.0', found '" + line + "'");
      version = *v;
      out.versions.push_back(version);
      package.clear();
      oses.clear();
    } else if (str::starts_with(line, "#### ")) {
      std::string name = str::to_lower(str::trim(std::string_view(line).substr(5)));
      if (name == "wheel") package = "pip";
      else if (name == "conda") package = "conda";
      else return bad(line_no, "unknown package heading '" + line + "' (expected Wheel or Conda)");
      oses.clear();
    } else if (str::starts_with(line, "##### ")) {
      std::string name = str::to_lower(str::trim(std::string_view(line).substr(6)));
      if (name == "osx") oses = {"macos"};
      else if (name == "linux and windows") oses = {"linux", "windows"};
      else return bad(line_no, "unknown OS heading '" + line + "' (expected OSX or Linux and Windows)");
    } else if (!str::trim(line).empty() && !version.empty() && !package.empty() && !oses.empty()) {
      // Prose under an OS heading: "macOS is currently not supported for LTS."
      block.push_back(PageEntry{version, "", package, "", "", {line}, {}, line_no});
      flush_block();
    }
  }
  if (in_fence) return bad(line_no, "unterminated ``` block (truncated file?)");
  if (out.entries.empty()) return bad(line_no, "no install commands found (is this the previous-versions page?)");
  return out;
}

}  // namespace torchup::data
