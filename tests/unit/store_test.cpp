// The data store: override dir > newer cache > embedded; malformed files fall back
// with a warning naming the file and the problem.
#include "data/store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/embedded.h"
#include "support/temp_dir.h"

namespace torchup::data {
namespace {

using torchup::testing::TempDir;

Expected<nlohmann::json> parse_object(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return make_error(ErrorKind::kParse, "not valid JSON");
  if (!j.is_object() || !j.contains("versions")) {
    return make_error(ErrorKind::kParse, "missing \"versions\"");
  }
  return j;
}

TEST(Embedded, HasEveryDataFile) {
  for (const char* name : {"manifest.json", "published_versions.json", "previous-versions.md",
                           "torch-releases.json", "cuda-driver-table.json",
                           "nvidia-compute-capability.json", "install-failures.json"}) {
    auto f = embedded_file(name);
    ASSERT_TRUE(f) << name;
    EXPECT_GT(f->size(), 1000u) << name;
  }
  EXPECT_FALSE(embedded_file("nope.json"));
  EXPECT_EQ(embedded_snapshot_date("published_versions.json"), "2026-05-14");
}

TEST(Embedded, ManifestHasSchemaAndProvenance) {
  auto j = nlohmann::json::parse(*embedded_file("manifest.json"));
  EXPECT_EQ(j["schema"], "torchup.data/1");
  for (auto& [name, entry] : j["files"].items()) {
    EXPECT_TRUE(embedded_file(name)) << name << " is in the manifest but not embedded";
    EXPECT_TRUE(entry.contains("source")) << name;
  }
}

TEST(DataStore, EmbeddedByDefault) {
  auto fs = host::make_rooted_fs("/");
  DataStore store(*fs, {});
  auto j = store.load<nlohmann::json>("published_versions.json", parse_object);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["latest_stable"], "2.12.0");
  EXPECT_EQ(store.origins().at("published_versions.json"), "embedded");
  EXPECT_TRUE(store.warnings().empty());
}

TEST(DataStore, OverrideDirWins) {
  TempDir dir;
  dir.write("published_versions.json", R"({"latest_stable": "9.9.9", "versions": {}})");
  auto fs = host::make_rooted_fs("/");
  DataStore store(*fs, {dir.str(), std::nullopt});
  auto j = store.load<nlohmann::json>("published_versions.json", parse_object);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["latest_stable"], "9.9.9");
  EXPECT_EQ(store.origins().at("published_versions.json"), dir.str() + "/published_versions.json");
}

TEST(DataStore, MalformedOverrideFallsBackWithWarning) {
  TempDir dir;
  dir.write("published_versions.json", R"({"latest_stable": "9.9.9", "vers)");  // truncated
  auto fs = host::make_rooted_fs("/");
  DataStore store(*fs, {dir.str(), std::nullopt});
  auto j = store.load<nlohmann::json>("published_versions.json", parse_object);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["latest_stable"], "2.12.0");
  ASSERT_EQ(store.warnings().size(), 1u);
  EXPECT_NE(store.warnings()[0].find("published_versions.json"), std::string::npos);
  EXPECT_NE(store.warnings()[0].find("not valid JSON"), std::string::npos);
  EXPECT_NE(store.warnings()[0].find("embedded"), std::string::npos);
}

TEST(DataStore, CacheUsedOnlyWhenNewerThanEmbedded) {
  TempDir cache;
  cache.write("published_versions.json", R"({"latest_stable": "3.0.0", "versions": {}})");
  auto fs = host::make_rooted_fs("/");
  {
    cache.write("published_versions.json.meta.json", R"({"fetched_at": "2020-01-01T00:00:00Z"})");
    DataStore store(*fs, {std::nullopt, cache.str()});
    auto j = store.load<nlohmann::json>("published_versions.json", parse_object);
    EXPECT_EQ((*j)["latest_stable"], "2.12.0") << "an old cache must not beat the embedded copy";
  }
  {
    cache.write("published_versions.json.meta.json", R"({"fetched_at": "2099-01-01T00:00:00Z"})");
    DataStore store(*fs, {std::nullopt, cache.str()});
    auto j = store.load<nlohmann::json>("published_versions.json", parse_object);
    EXPECT_EQ((*j)["latest_stable"], "3.0.0");
  }
}

TEST(DataStore, CacheDirFromEnvironment) {
  auto env = host::make_map_environment({{"HOME", "/home/u"}});
  EXPECT_EQ(default_cache_dir(*env), "/home/u/.cache/torchup");
  env = host::make_map_environment({{"HOME", "/home/u"}, {"XDG_CACHE_HOME", "/x"}});
  EXPECT_EQ(default_cache_dir(*env), "/x/torchup");
  env = host::make_map_environment({{"TORCHUP_CACHE_DIR", "/c"}, {"XDG_CACHE_HOME", "/x"}});
  EXPECT_EQ(default_cache_dir(*env), "/c");
  env = host::make_map_environment({});
  EXPECT_FALSE(default_cache_dir(*env));
}

// A file is parsed once per store and type, however many parts of a command ask for it.
TEST(DataStore, ParsesEachFileOncePerType) {
  TempDir dir;
  dir.write("published_versions.json", R"({"latest_stable": "9.9.9", "versions": {}})");
  auto fs = host::make_rooted_fs("/");
  DataStore store(*fs, {dir.str(), std::nullopt});
  int parses = 0;
  std::function<Expected<nlohmann::json>(const std::string&)> counting = [&](const std::string& text) {
    ++parses;
    return parse_object(text);
  };
  auto first = store.load<nlohmann::json>("published_versions.json", counting);
  dir.write("published_versions.json", R"({"latest_stable": "1.0.0", "versions": {}})");
  auto second = store.load<nlohmann::json>("published_versions.json", counting);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(parses, 1);
  EXPECT_EQ((*second)["latest_stable"], "9.9.9");  // the first reading, not the file read again
  // Another type from the same file is its own parse.
  auto text = store.load<std::string>("published_versions.json", [](const std::string& t) -> Expected<std::string> {
    return t;
  });
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("1.0.0"), std::string::npos);
  // A copy that failed to parse is not kept: the next load tries again.
  DataStore fresh(*fs, {dir.str(), std::nullopt});
  int failures = 0;
  std::function<Expected<int>(const std::string&)> failing = [&](const std::string&) -> Expected<int> {
    ++failures;
    return make_error(ErrorKind::kParse, "no");
  };
  EXPECT_FALSE(fresh.load<int>("published_versions.json", failing));
  EXPECT_FALSE(fresh.load<int>("published_versions.json", failing));
  EXPECT_EQ(failures, 4);  // the override and the embedded copy, twice
}

}  // namespace
}  // namespace torchup::data
