// parse_published_versions(): the real file, and bad data (truncated JSON, wrong
// types, unknown platform ids) giving errors that name the file, field and problem.
#include "data/published.h"

#include <gtest/gtest.h>

#include <string>

#include "data/embedded.h"

namespace torchup::data {
namespace {

std::string embedded(const char* name) { return std::string(*embedded_file(name)); }

TEST(SelectPublished, ParsesTheEmbeddedFileInOrder) {
  auto p = parse_published_versions(embedded("published_versions.json"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->latest_stable, "2.12.0");
  EXPECT_EQ(p->latest_lts, "lts-1.8.2");
  ASSERT_GE(p->versions.size(), 30u);
  EXPECT_EQ(p->versions.front().key, "preview");  // file order, not sorted
  const auto* win = p->find("1.9.0")->find("windows")->find("libtorch")->find("cuda.x");
  ASSERT_NE(win, nullptr);
  ASSERT_TRUE(win->downloads);
  ASSERT_EQ(win->downloads->size(), 2u);
  // The site lists Release before Debug; a sorted map would swap them.
  EXPECT_EQ((*win->downloads)[0].label, "Download here (Release version):");
  EXPECT_EQ((*win->downloads)[1].label, "Download here (Debug version):");
  const auto* mac = p->find("2.12.0")->find("macos")->find("pip")->find("cuda.x");
  ASSERT_NE(mac, nullptr);
  EXPECT_TRUE(mac->is_default);
  const auto* rocm = p->find("2.12.0")->find("windows")->find("libtorch")->find("rocm5.x");
  ASSERT_NE(rocm, nullptr);
  EXPECT_TRUE(rocm->is_libtorch);
  EXPECT_FALSE(rocm->downloads.has_value());
  EXPECT_EQ(p->find("2.12.0")->find("linux")->find("conda"), nullptr);  // conda left the site after 2.7.0
}

TEST(SelectPublished, KnownPlatformIds) {
  struct Case {
    const char* id;
    bool known;
  };
  for (auto c : {Case{"accnone", true}, Case{"cuda.x", true}, Case{"cuda.z", true}, Case{"rocm5.x", true},
                 Case{"cuda10.2", true}, Case{"cuda11.x", true}, Case{"cuda11.6", true}, Case{"rocm4.x", true},
                 Case{"rocm4.2", true}, Case{"gpu", false}, Case{"cuda", false}, Case{"cuda.", false},
                 Case{"cuda.X", false}, Case{"cuda1x.2", false}, Case{"rocm.x", false}, Case{"", false},
                 Case{"cu126", false}, Case{"accnone2", false}}) {
    EXPECT_EQ(is_known_platform_id(c.id), c.known) << c.id;
  }
}

struct BadCase {
  const char* what;
  std::string text;
  const char* expected_in_message;
};

TEST(SelectPublished, BadDataNamesFileFieldAndProblem) {
  const std::string good = embedded("published_versions.json");
  const std::string entry_ok = R"({"note": null, "command": "pip3 install torch"})";
  auto wrap = [](const std::string& platforms) {
    return R"({"latest_stable": "9.0.0", "versions": {"9.0.0": {"linux": {"pip": )" + platforms + "}}}}";
  };
  std::vector<BadCase> cases = {
      {"empty", "", "not valid JSON"},
      {"truncated", good.substr(0, good.size() / 2), "not valid JSON"},
      {"array", "[1,2]", "expected a JSON object, found array"},
      {"no stable", R"({"versions": {}})", "latest_stable: missing"},
      {"stable not a string", R"({"latest_stable": 2, "versions": {}})", "latest_stable: expected a string, found number"},
      {"stable not listed", R"({"latest_stable": "9.9.9", "versions": {}})", "which is not under 'versions'"},
      {"versions not object", R"({"latest_stable": "1", "versions": []})", "versions: expected an object, found array"},
      {"unknown os", R"({"latest_stable": "9.0.0", "versions": {"9.0.0": {"beos": {}}}})",
       "versions.9.0.0.beos: unknown operating system 'beos'"},
      {"unknown platform id", wrap(R"({"gpu42": )" + entry_ok + "}"),
       "versions.9.0.0.linux.pip: unknown platform id 'gpu42'"},
      {"command wrong type", wrap(R"({"accnone": {"note": null, "command": 3}})"),
       "versions.9.0.0.linux.pip.accnone.command: expected a string or null, found number"},
      {"note wrong type", wrap(R"({"accnone": {"note": ["x"], "command": "pip"}})"),
       "versions.9.0.0.linux.pip.accnone.note: expected a string or null, found array"},
      {"default wrong type", wrap(R"({"accnone": {"note": null, "command": "pip", "default": "yes"}})"),
       "accnone.default: expected true/false, found string"},
      {"downloads wrong type", wrap(R"({"accnone": {"note": null, "versions": "http://x"}})"),
       "accnone.versions: expected an object of label: url, found string"},
      {"url wrong type", wrap(R"({"accnone": {"note": null, "versions": {"Download:": 5}}})"),
       "accnone.versions.Download:: expected a URL string, found number"},
      {"entry not object", wrap(R"({"accnone": "pip3 install torch"})"), "accnone: expected an object, found string"},
      {"entry without command", wrap(R"({"accnone": {"note": "hi"}})"), "neither 'command' nor 'versions'"},
  };
  for (const auto& c : cases) {
    auto p = parse_published_versions(c.text);
    ASSERT_FALSE(p) << c.what;
    EXPECT_EQ(p.error().kind, ErrorKind::kParse) << c.what;
    EXPECT_NE(p.error().message.find("published_versions.json: "), std::string::npos) << c.what;
    EXPECT_NE(p.error().message.find(c.expected_in_message), std::string::npos)
        << c.what << ": " << p.error().message;
  }
  auto ok = parse_published_versions(wrap(R"({"accnone": )" + entry_ok + "}"));
  EXPECT_TRUE(ok) << ok.error().message;
}

// Every prefix of a small valid file is either valid or a clean error: no crash.
TEST(SelectPublished, EveryTruncationIsACleanError) {
  const std::string text =
      R"({"latest_stable": "9.0.0", "versions": {"9.0.0": {"linux": {"libtorch": {"accnone": )"
      R"({"note": "<b>NOTE:</b>", "versions": {"Download here:": "https://x/y.zip"}}}}}}})";
  ASSERT_TRUE(parse_published_versions(text));
  for (std::size_t n = 0; n < text.size(); ++n) {
    EXPECT_FALSE(parse_published_versions(text.substr(0, n))) << n;
  }
}

}  // namespace
}  // namespace torchup::data
