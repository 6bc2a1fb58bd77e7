// Golden tests for `torchup select` (issue 2):
//  (a) every pip and conda line on the previous-versions page is what select
//      prints by default for the version, OS and platform it is listed under;
//  (b) with --as-published, every (version, os, package, platform) entry of
//      published_versions.json comes out byte for byte.
// The expected values are read here, independently of the production parsers:
// (a) with a small line scanner of its own, (b) with nlohmann::ordered_json.
#include <gtest/gtest.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "render/select_output.h"
#include "select_fixture.h"

namespace torchup::render {
namespace {

using torchup::testing::embedded_selector;
using torchup::testing::embedded_text;

struct PageCase {
  std::string version, os, package, platform, line;
  std::vector<std::string> block_lines;  // the consecutive command lines this line belongs to
  int line_no = 0;
};

// The test's own reading of the page's label comments.
std::string platform_of_label(const std::string& label) {
  std::smatch m;
  if (std::regex_search(label, m, std::regex(R"(CUDA (\d+)\.(\d+))"))) return "cu" + m[1].str() + m[2].str();
  if (std::regex_search(label, m, std::regex(R"(ROCM ?([0-9.]+[0-9]))", std::regex::icase))) return "rocm" + m[1].str();
  if (std::regex_search(label, std::regex("CPU", std::regex::icase)) || label == "# conda" || label.empty()) return "cpu";
  return "?" + label;
}

std::vector<PageCase> page_cases() {
  std::istringstream in(embedded_text("previous-versions.md"));
  std::vector<PageCase> cases;
  std::string line, version, package, label;
  std::vector<std::string> oses;
  bool active = false, fence = false;
  std::vector<std::size_t> open_run;  // indexes of cases in the current run of command lines
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("## ", 0) == 0) active = line.find(">= 1.0.0") != std::string::npos;
    if (!active) continue;
    if (line.rfind("```", 0) == 0) {
      fence = !fence;
      label.clear();
      open_run.clear();
      continue;
    }
    bool is_command = line.rfind("pip ", 0) == 0 || line.rfind("pip3 ", 0) == 0 || line.rfind("conda ", 0) == 0;
    if (!fence) {
      std::smatch m;
      if (std::regex_match(line, m, std::regex(R"(### v([0-9.]+).*)"))) version = m[1];
      if (line == "#### Wheel") package = "pip";
      if (line == "#### Conda") package = "conda";
      if (line.rfind("#####", 0) == 0) {
        oses = line.find("OSX") != std::string::npos ? std::vector<std::string>{"macos"}
                                                     : std::vector<std::string>{"linux", "windows"};
      }
      continue;
    }
    if (line.empty()) continue;  // v1.11.0-v1.12.x blocks put blank lines between entries
    if (line.rfind("#", 0) == 0) {
      // A label follows a command (or opens the block); later comments are notes.
      if (label.empty() || !open_run.empty()) label = line;
      open_run.clear();
      continue;
    }
    if (!is_command) {
      open_run.clear();
      continue;
    }
    std::vector<std::string> line_oses;
    for (const auto& os : oses) {
      if (label.find("(Linux") != std::string::npos && os != "linux") continue;
      if (label.find("(Windows") != std::string::npos && os != "windows") continue;
      line_oses.push_back(os);
    }
    std::size_t first_new = cases.size();
    for (const auto& os : line_oses) {
      cases.push_back({version, os, package, platform_of_label(label), line, {}, n});
    }
    // Grow the run: every case in it shares the run's lines.
    std::vector<std::size_t> run = open_run;
    for (std::size_t i = first_new; i < cases.size(); ++i) run.push_back(i);
    open_run = run;
    std::vector<std::string> lines_of_run;
    for (std::size_t i : open_run) {
      if (cases[i].os == cases[open_run.front()].os) lines_of_run.push_back(cases[i].line);
    }
    for (std::size_t i : open_run) cases[i].block_lines = lines_of_run;
  }
  return cases;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out;
}

TEST(SelectGolden, EveryPipAndCondaLineOfThePreviousVersionsPage) {
  const auto& selector = embedded_selector();
  auto cases = page_cases();
  int checked = 0, multi_line = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE("previous-versions.md:" + std::to_string(c.line_no) + " v" + c.version + " " + c.os + " " +
                 c.package + " " + c.platform);
    ASSERT_NE(c.version, selector.stable_version()) << "the page lists the current stable release";
    auto r = selector.select({c.version, c.os, c.package, "", c.platform, false});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->source, kSourcePage);
    EXPECT_EQ(r->platform, c.platform);
    ASSERT_TRUE(r->command);
    EXPECT_EQ(*r->command, joined(c.block_lines));  // byte for byte, multi-line entries whole
    // The text output carries the command verbatim on its own line(s).
    std::string text = select_text(*r);
    EXPECT_NE(("\n" + text).find("\n" + c.line + "\n"), std::string::npos) << text;
    if (c.block_lines.size() > 1) ++multi_line;
    ++checked;
  }
  std::cout << "[ golden a ] previous-versions page: " << checked << " (version, os, platform) command lines checked ("
            << multi_line << " in multi-line entries)\n";
  RecordProperty("cases", checked);
  EXPECT_GE(checked, 500);  // 55 Wheel + 36 Conda blocks, ~3-6 lines each, Linux and Windows
}

TEST(SelectGolden, EveryPublishedEntryAsPublished) {
  const auto& selector = embedded_selector();
  auto root = nlohmann::ordered_json::parse(embedded_text("published_versions.json"));
  int checked = 0, with_note = 0, libtorch = 0;
  for (const auto& [version, oses] : root["versions"].items()) {
    for (const auto& [os, packages] : oses.items()) {
      for (const auto& [package, platforms] : packages.items()) {
        for (const auto& [id, entry] : platforms.items()) {
          SCOPED_TRACE(version + " " + os + " " + package + " " + id);
          std::string torch = version == "preview" ? "nightly" : version;
          auto r = selector.select({torch, os, package, "", id, true});
          ASSERT_TRUE(r) << r.error().message;
          EXPECT_EQ(r->source, kSourcePublished);
          EXPECT_EQ(r->platform_id, id);
          auto json = select_json(*r);
          EXPECT_EQ(json["note"], entry["note"]);
          EXPECT_EQ(json["command"], entry.contains("command") ? entry["command"] : nlohmann::ordered_json());
          std::string expected_text;
          if (!entry["note"].is_null()) expected_text += entry["note"].get<std::string>() + "\n", ++with_note;
          if (entry.contains("command") && !entry["command"].is_null()) {
            expected_text += entry["command"].get<std::string>() + "\n";
          }
          std::size_t i = 0;
          if (entry.contains("versions") && !entry["versions"].is_null()) {
            ++libtorch;
            ASSERT_EQ(json["downloads"].size(), entry["versions"].size());
            for (const auto& [label, url] : entry["versions"].items()) {
              EXPECT_EQ(json["downloads"][i]["label"], label);
              EXPECT_EQ(json["downloads"][i]["url"], url);
              expected_text += label + "\n" + url.get<std::string>() + "\n";
              ++i;
            }
          } else {
            EXPECT_TRUE(json["downloads"].empty());
          }
          EXPECT_EQ(select_text(*r), expected_text);
          ++checked;
        }
      }
    }
  }
  std::cout << "[ golden b ] published_versions.json --as-published: " << checked << " entries checked (" << with_note
            << " with notes, " << libtorch << " LibTorch download lists)\n";
  RecordProperty("cases", checked);
  EXPECT_GE(checked, 1000);
}

// The site ids resolve to the real builds the data names (research table in
// ../shared/research/pytorch-matrix.md §1; here checked against the data).
TEST(SelectGolden, SiteIdsResolveToRealPlatforms) {
  const auto& s = embedded_selector();
  struct Case {
    const char *version, *os, *package, *id, *name;
  };
  const Case cases[] = {
      {"2.12.0", "linux", "pip", "cuda.x", "cu126"},  {"2.12.0", "linux", "pip", "cuda.y", "cu130"},
      {"2.12.0", "linux", "pip", "cuda.z", "cu132"},  {"2.12.0", "linux", "pip", "rocm5.x", "rocm7.2"},
      {"2.12.0", "linux", "pip", "accnone", "cpu"},   {"2.11.0", "linux", "pip", "cuda.z", "cu130"},
      {"2.0.0", "linux", "pip", "cuda.x", "cu117"},   {"2.0.0", "linux", "pip", "rocm5.x", "rocm5.4.2"},
      {"2.6.0", "linux", "pip", "cuda.y", "cu124"},   {"1.9.0", "linux", "pip", "cuda.x", "cu111"},
      {"1.9.0", "linux", "pip", "cuda10.2", "cu102"}, {"1.9.0", "linux", "pip", "rocm4.x", "rocm4.2"},
      {"1.9.0", "windows", "conda", "cuda.x", "cu111"}, {"lts-1.8.2", "linux", "pip", "cuda.y", "cu111"},
      {"preview", "linux", "pip", "cuda.y", "cu130"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(s.platform_name(c.version, c.os, c.package, c.id), c.name) << c.version << " " << c.id;
  }
  // Every published id resolves to something (no unknowns in the shipped data).
  int resolved = 0;
  for (const auto& v : s.published().versions) {
    for (const auto& o : v.oses) {
      for (const auto& p : o.packages) {
        for (const auto& e : p.entries) {
          // Cells with nothing to install may name no build (lts-1.8.2 rocm5.x: "Not supported in LTS").
          if (!e.command && !e.downloads) continue;
          EXPECT_FALSE(s.platform_name(v.key, o.name, p.name, e.platform_id).empty()) << v.key << " " << e.platform_id;
          ++resolved;
        }
      }
    }
  }
  std::cout << "[ ids ] " << resolved << " site ids resolved to real platform names\n";
  EXPECT_GE(resolved, 1000);
}

}  // namespace
}  // namespace torchup::render
