// `torchup update` end to end: the real binary downloads from an HTTP server on
// 127.0.0.1 started inside the test, caches atomically, refuses bad files without
// touching the cache, and a later `torchup select` uses the cached data.
#include "data/update.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "data/embedded.h"
#include "data/published.h"
#include "data/store.h"
#include "host/scripted.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup::data {
namespace {

using torchup::testing::TempDir;
namespace fs = std::filesystem;

constexpr const char* kMarker = "# served-by-the-update-test";

// The embedded file with 2.12.0's Linux CPU pip command tagged, so a select that
// reads the cache is told apart from one that reads the embedded copy.
std::string tagged_published_versions() {
  auto j = nlohmann::ordered_json::parse(*embedded_file("published_versions.json"));
  auto& entry = j["versions"][j["latest_stable"].get<std::string>()]["linux"]["pip"]["accnone"];
  entry["command"] = entry["command"].get<std::string>() + " " + kMarker;
  return j.dump(2);
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class LocalServer {
 public:
  LocalServer() {
    good_ = tagged_published_versions();
    server_.Get("/ok.json", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(good_, "application/json");
    });
    server_.Get("/truncated.json", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(good_.substr(0, good_.size() / 2), "application/json");
    });
    server_.Get("/garbage.json", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<html><body>Service Unavailable</body></html>", "text/html");
    });
    server_.Get("/wrong-types.json", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"latest_stable": 5, "versions": []})", "application/json");
    });
    // As an HTTP proxy: a client that goes through it asks for the absolute URL of a
    // host that does not exist (.invalid, RFC 2606), which only the proxy can answer.
    server_.Get(R"(http://torchup-proxy-test\.invalid/published_versions\.json)",
                [this](const httplib::Request&, httplib::Response& res) {
                  ++proxied_;
                  res.set_content(good_, "application/json");
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  const std::string& good() const { return good_; }
  int port() const { return port_; }
  int proxied() const { return proxied_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  std::string good_;
  int port_ = -1;
  std::atomic<int> proxied_{0};
};

struct Run {
  int rc;
  std::string out;
  std::string err;
};

Run torchup(const std::vector<std::string>& args, const std::string& home) {
  auto result = ::torchup::testing::run_binary(
      args, {{"HOME", home}, {"TORCHUP_CACHE_DIR", ""}, {"XDG_CACHE_HOME", ""}});
  return {result.code, result.out, result.err};
}

const std::vector<std::string> kSelectCpu = {"select",    "--torch", "stable",     "--os", "linux",
                                             "--package", "pip",     "--platform", "cpu"};

TEST(UpdateEndToEnd, DownloadCachesAndSelectUsesTheCache) {
  LocalServer server;
  ASSERT_GT(server.port(), 0);
  TempDir home, cache;
  auto r =
      torchup({"--cache-dir", cache.str(), "update", "--url", server.url("/ok.json"), "--json"},
              home.str());
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "torchup.update/1");
  EXPECT_EQ(j["url"], server.url("/ok.json"));
  EXPECT_EQ(j["size"], server.good().size());
  EXPECT_EQ(j["latest_stable"], "2.12.0");
  EXPECT_EQ(j["previous_origin"], "embedded");

  // The cache holds exactly the served bytes, and metadata the data store reads.
  fs::path file = cache.path() / "published_versions.json";
  EXPECT_EQ(read(file), server.good());
  auto meta = nlohmann::json::parse(read(cache.path() / "published_versions.json.meta.json"));
  EXPECT_TRUE(std::regex_match(meta["fetched_at"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << meta.dump();
  EXPECT_EQ(meta["url"], server.url("/ok.json"));
  EXPECT_EQ(meta["size"], server.good().size());
  // No temporary files are left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(cache.path()), fs::directory_iterator()), 2);

  auto cached = torchup(
      [&] {
        std::vector<std::string> a{"--cache-dir", cache.str()};
        a.insert(a.end(), kSelectCpu.begin(), kSelectCpu.end());
        return a;
      }(),
      home.str());
  EXPECT_EQ(cached.rc, 0) << cached.err;
  EXPECT_NE(cached.out.find(kMarker), std::string::npos) << cached.out;

  // Without that cache, the embedded copy answers (no marker).
  TempDir empty;
  auto embedded = torchup(
      [&] {
        std::vector<std::string> a{"--cache-dir", empty.str()};
        a.insert(a.end(), kSelectCpu.begin(), kSelectCpu.end());
        return a;
      }(),
      home.str());
  EXPECT_EQ(embedded.rc, 0) << embedded.err;
  EXPECT_EQ(embedded.out.find(kMarker), std::string::npos) << embedded.out;
  EXPECT_NE(embedded.out.find("pip3 install torch"), std::string::npos) << embedded.out;

  // Text output says what happened.
  auto text =
      torchup({"--cache-dir", cache.str(), "update", "--url", server.url("/ok.json")}, home.str());
  EXPECT_EQ(text.rc, 0) << text.err;
  EXPECT_NE(text.out.find("Updated pytorch.org's selector data: latest stable 2.12.0"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(file.string()), std::string::npos) << text.out;
}

// Issue #14: update goes through a proxy, given with --proxy or in the environment as
// libcurl reads it (http_proxy for an http:// URL, HTTPS_PROXY for https://).
TEST(UpdateEndToEnd, GoesThroughAProxy) {
  LocalServer server;
  ASSERT_GT(server.port(), 0);
  TempDir home, cache;
  const std::string url = "http://torchup-proxy-test.invalid/published_versions.json";
  const std::string proxy = "http://127.0.0.1:" + std::to_string(server.port());
  auto flag = torchup({"--cache-dir", cache.str(), "update", "--url", url, "--allow-insecure",
                       "--proxy", proxy, "--json"},
                      home.str());
  ASSERT_EQ(flag.rc, 0) << flag.err;
  EXPECT_EQ(server.proxied(), 1);
  EXPECT_EQ(nlohmann::json::parse(flag.out)["latest_stable"], "2.12.0");

  auto env = ::torchup::testing::run_binary(
      {"--cache-dir", cache.str(), "update", "--url", url, "--allow-insecure"},
      {{"HOME", home.str()}, {"http_proxy", proxy}, {"no_proxy", ""}});
  EXPECT_EQ(env.code, 0) << env.err;
  EXPECT_EQ(server.proxied(), 2);

  // In Chinese, the same download says so in Chinese; the path and URL as they are.
  auto zh = torchup({"--cache-dir", cache.str(), "--lang", "zh", "update", "--url", url,
                     "--allow-insecure", "--proxy", proxy},
                    home.str());
  EXPECT_EQ(zh.rc, 0) << zh.err;
  EXPECT_NE(zh.out.find("已更新 pytorch.org 的选择器数据：最新稳定版 2.12.0"), std::string::npos)
      << zh.out;
  EXPECT_NE(zh.out.find("来源     " + url), std::string::npos)
      << zh.out;  // label padded to 9 columns
  EXPECT_EQ(server.proxied(), 3);

  // Without a proxy the name does not resolve: a network error (exit 3) that says so.
  auto direct = ::torchup::testing::run_binary(
      {"--cache-dir", cache.str(), "update", "--url", url, "--allow-insecure"},
      {{"HOME", home.str()}, {"http_proxy", ""}, {"no_proxy", ""}});
  EXPECT_EQ(direct.code, 3) << direct.out << direct.err;
  EXPECT_EQ(server.proxied(), 3);
}

TEST(UpdateEndToEnd, FailuresLeaveTheCacheUntouched) {
  LocalServer server;
  TempDir home, cache;
  // A previous good update to protect.
  ASSERT_EQ(
      torchup({"--cache-dir", cache.str(), "update", "--url", server.url("/ok.json")}, home.str())
          .rc,
      0);
  fs::path file = cache.path() / "published_versions.json";
  fs::path meta = cache.path() / "published_versions.json.meta.json";
  const std::string before = read(file), meta_before = read(meta);

  struct Case {
    std::string url;
    int rc;
    const char* in_err;
  };
  const std::vector<Case> cases = {
      {server.url("/missing.json"), 3, "HTTP 404; the cache was not changed"},
      {server.url("/truncated.json"), 3,
       "is not a usable published_versions.json (published_versions.json: "},
      {server.url("/garbage.json"), 3, "is not a usable published_versions.json"},
      {server.url("/wrong-types.json"), 3, "is not a usable published_versions.json"},
      {"http://192.0.2.1/published_versions.json", 2, "refusing non-HTTPS URL"},
      {"http://127.0.0.1:1/published_versions.json", 3, "download of http://127.0.0.1:1/"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto r = torchup({"--cache-dir", cache.str(), "update", "--url", c.url}, home.str());
    EXPECT_EQ(r.rc, c.rc) << r.err;
    EXPECT_NE(r.err.find("torchup: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.in_err), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("  hint: "), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(read(file), before);
    EXPECT_EQ(read(meta), meta_before);
    EXPECT_EQ(std::distance(fs::directory_iterator(cache.path()), fs::directory_iterator()), 2);
  }
  std::cout << "[ cases    ] failed updates: " << cases.size() << " cases checked\n";
}

TEST(UpdateUnit, WritesDataAndMetaThroughAnyHttpClient) {
  host::CannedHttp http;
  http.add("https://example.test/pv.json",
           {200, std::string(*embedded_file("published_versions.json"))});
  http.add("https://example.test/empty.json", {200, ""});
  TempDir cache;
  UpdateOptions options;
  options.url = "https://example.test/pv.json";
  options.cache_dir = (cache.path() / "nested" / "dir").string();
  options.fetched_at = "2026-11-29T03:30:00Z";
  auto result = update_published_versions(http, options);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->latest_stable, "2.12.0");
  EXPECT_GT(result->version_count, 20u);
  auto meta = nlohmann::json::parse(read(result->meta_path));
  EXPECT_EQ(meta["fetched_at"], "2026-11-29T03:30:00Z");
  EXPECT_EQ(meta["url"], "https://example.test/pv.json");

  options.url = "https://example.test/empty.json";
  auto empty = update_published_versions(http, options);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, ErrorKind::kParse);

  options.cache_dir.clear();
  options.url = "https://example.test/pv.json";
  EXPECT_FALSE(update_published_versions(http, options));

  EXPECT_EQ(utc_iso8601(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00Z");
}

TEST(UpdateUnit, CorruptedCacheFallsBackToEmbeddedWithWarning) {
  TempDir cache;
  cache.write("published_versions.json", R"({"latest_stable": "2.12.0", "versions": {"2.12)");
  cache.write("published_versions.json.meta.json",
              R"({"fetched_at": "2099-01-01T00:00:00Z", "url": "https://example.test/pv.json"})");
  auto fs = host::make_rooted_fs("/");
  DataStore store(*fs, StoreOptions{std::nullopt, cache.str()});
  auto pv = store.load<PublishedVersions>(kPublishedVersionsName, [](const std::string& text) {
    return parse_published_versions(text);
  });
  ASSERT_TRUE(pv);
  EXPECT_EQ(pv->latest_stable, "2.12.0");
  EXPECT_EQ(store.origins().at(kPublishedVersionsName), "embedded");
  ASSERT_EQ(store.warnings().size(), 1u);
  EXPECT_NE(store.warnings()[0].find(cache.str() + "/published_versions.json"), std::string::npos)
      << store.warnings()[0];
}

}  // namespace
}  // namespace torchup::data
