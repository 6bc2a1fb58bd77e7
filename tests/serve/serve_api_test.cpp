// serve::Api as a plain function (no sockets): malformed queries get 400 with a
// JSON message; /api/select is exactly the Selector's answer (and `torchup
// select`'s text); /api/options rows agree with what select accepts; providers.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "render/select_output.h"
#include "select/select_fixture.h"
#include "serve/api.h"
#include "serve/options.h"

namespace torchup::serve {
namespace {

std::shared_ptr<const render::Selector> shared_selector() {
  static auto selector = std::make_shared<const render::Selector>(torchup::testing::embedded_selector());
  return selector;
}

Api make_api(MachineSources sources = {}) { return Api(shared_selector(), std::move(sources)); }

nlohmann::json body_of(const ApiResponse& r) { return nlohmann::json::parse(r.body); }

TEST(ServeHost, AllowsOnlyLoopbackNamesWithOurPort) {
  struct Case {
    const char* host;
    bool allowed;
  };
  const Case cases[] = {
      {"localhost:8765", true},        {"127.0.0.1:8765", true},     {"[::1]:8765", true},
      {"LOCALHOST:8765", true},        {"localhost", true},          {"127.0.0.1", true},
      {"evil.example:8765", false},    {"localhost:8766", false},    {"127.0.0.1.evil.example:8765", false},
      {"localhost.evil.example", false}, {"", false},                {"127.0.0.2:8765", false},
      {"192.168.1.5:8765", false},     {"localhost:8765:80", false}, {"[::1]:80", false},
  };
  for (const auto& c : cases) EXPECT_EQ(host_allowed(c.host, 8765), c.allowed) << c.host;
}

TEST(ServeApi, MalformedSelectQueriesAre400WithAMessage) {
  struct Case {
    QueryParams params;
    const char* says;  // part of the message
  };
  const Case cases[] = {
      {{}, "'os' is required"},
      {{{"platform", "cu126"}}, "'os' is required"},
      {{{"os", "beos"}, {"platform", "cpu"}}, "'os'"},
      {{{"os", "linux"}, {"package", "npm"}, {"platform", "cpu"}}, "'package'"},
      {{{"os", "linux"}, {"language", "rust"}, {"platform", "cpu"}}, "'language'"},
      {{{"os", "linux"}, {"platform", "cpu"}, {"as_published", "maybe"}}, "'as_published'"},
      {{{"os", "linux"}, {"platform", "cpu"}, {"color", "red"}}, "unknown parameter 'color'"},
      {{{"os", "linux"}, {"os", "windows"}, {"platform", "cpu"}}, "given twice"},
      {{{"os", "linux"}, {"platform", "<script>"}}, "unexpected characters"},
      {{{"os", "linux"}, {"platform", "cu126 ; rm -rf"}}, "unexpected characters"},
      {{{"os", "linux"}, {"platform", std::string(200, 'a')}}, "too long"},
      {{{"os", "linux"}, {"torch", ""}, {"platform", "cpu"}}, "'torch' is empty"},
      {{{"os", "linux"}}, "'platform' is required"},
      {{{"os", std::string("lin\0ux", 6)}, {"platform", "cpu"}}, "unexpected characters"},
      {{{"os", "linux"}, {"platform", "cpu"}, {"torch", "1.9.0\xff"}}, "unexpected characters"},
  };
  auto api = make_api();
  for (const auto& c : cases) {
    auto r = api.handle("/api/select", c.params);
    EXPECT_EQ(r.status, 400) << c.says;
    EXPECT_EQ(r.content_type, "application/json");
    auto body = body_of(r);
    ASSERT_TRUE(body.contains("error")) << r.body;
    EXPECT_NE(body["error"].get<std::string>().find(c.says), std::string::npos) << body["error"];
  }
}

TEST(ServeApi, UnknownVersionIs404AndUnknownPathIs404) {
  auto api = make_api();
  auto r = api.handle("/api/select", {{"torch", "0.0.1"}, {"os", "linux"}, {"platform", "cpu"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(body_of(r)["error"].get<std::string>().find("0.0.1"), std::string::npos);
  auto o = api.handle("/api/options", {{"torch", "0.0.1"}});
  EXPECT_EQ(o.status, 404);
  EXPECT_EQ(api.handle("/api/install", {}).status, 404);
  EXPECT_EQ(api.handle("/api/options", {{"torch", "1.9.0"}, {"torch", "2.0.0"}}).status, 400);
  EXPECT_EQ(api.handle("/api/options", {{"version", "1.9.0"}}).status, 400);
}

// /api/select returns exactly what the Selector returns for the same query, and
// its "text" is what `torchup select` prints (render::select_text).
TEST(ServeApi, SelectEqualsTheSelector) {
  const render::SelectQuery queries[] = {
      {"stable", "linux", "pip", "", "cu126", false},
      {"stable", "windows", "libtorch", "cpp", "cpu", false},
      {"nightly", "linux", "pip", "", "rocm7.2", false},
      {"1.9.0", "linux", "pip", "", "cu111", false},
      {"1.9.0", "windows", "pip", "", "cu102", false},
      {"1.9.0", "macos", "conda", "", "cpu", false},
      {"1.9.0", "linux", "pip", "", "cuda.x", true},  // the seed guide's selector entry
      {"1.9.0", "linux", "libtorch", "cpp", "cu111", false},
      {"2.5.1", "linux", "pip", "", "rocm6.2", false},
      {"stable", "linux", "source", "", "", false},
  };
  auto api = make_api();
  const auto& selector = *shared_selector();
  for (const auto& q : queries) {
    SCOPED_TRACE(q.torch + " " + q.os + " " + q.package + " " + q.platform);
    QueryParams params = {{"torch", q.torch}, {"os", q.os}};
    if (!q.package.empty()) params.push_back({"package", q.package});
    if (!q.language.empty()) params.push_back({"language", q.language});
    if (!q.platform.empty()) params.push_back({"platform", q.platform});
    if (q.as_published) params.push_back({"as_published", "1"});
    auto expected = selector.select(q);
    auto r = api.handle("/api/select", params);
    if (!expected) {
      ADD_FAILURE() << "selector refused: " << expected.error().message;
      continue;
    }
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = body_of(r);
    EXPECT_EQ(body["text"].get<std::string>(), render::select_text(*expected));
    auto json = nlohmann::json::parse(render::select_json(*expected).dump());
    body.erase("text");
    EXPECT_EQ(body, json);
  }
}

TEST(ServeApi, OptionsListEveryVersion) {
  auto api = make_api();
  auto r = api.handle("/api/options", {});
  ASSERT_EQ(r.status, 200);
  auto body = body_of(r);
  const auto& selector = *shared_selector();
  EXPECT_EQ(body["stable"], selector.stable_version());
  std::vector<std::string> ids;
  for (const auto& v : body["versions"]) ids.push_back(v["id"]);
  ASSERT_GE(ids.size(), 3u);
  EXPECT_EQ(ids[0], "stable");
  EXPECT_EQ(ids[1], "nightly");
  for (const auto& v : selector.versions()) {
    if (v == selector.stable_version()) continue;
    EXPECT_NE(std::find(ids.begin(), ids.end(), v), ids.end()) << v;
  }
  EXPECT_NE(std::find(ids.begin(), ids.end(), "1.9.0"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "1.0.0"), ids.end());
}

// Every (os, package, platform) the rows offer is a choice select answers; the
// rows are the same data, so the page never offers an unselectable button as fine.
TEST(ServeApi, EveryOfferedCombinationSelects) {
  auto api = make_api();
  int checked = 0;
  for (const char* torch : {"stable", "nightly", "2.5.1", "1.9.0", "1.4.0"}) {
    auto r = api.handle("/api/options", {{"torch", torch}});
    ASSERT_EQ(r.status, 200) << torch;
    auto rows = body_of(r);
    ASSERT_FALSE(rows["platforms"].empty()) << torch;
    for (const auto& [os, packages] : rows["offered"].items()) {
      for (const auto& [package, names] : packages.items()) {
        for (const auto& name : names) {
          auto s = api.handle("/api/select", {{"torch", torch}, {"os", os}, {"package", package},
                                              {"platform", name.get<std::string>()}});
          EXPECT_EQ(s.status, 200) << torch << " " << os << " " << package << " " << name << ": " << s.body;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 40);
  auto v19 = body_of(api.handle("/api/options", {{"torch", "1.9.0"}}));
  auto linux_pip = v19["offered"]["linux"]["pip"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(linux_pip.begin(), linux_pip.end(), "cu111"), linux_pip.end());
  auto mac_pip = v19["offered"]["macos"]["pip"].get<std::vector<std::string>>();
  EXPECT_EQ(mac_pip, std::vector<std::string>{"cpu"});  // macOS has no CUDA builds
}

TEST(ServeOptions, PlatformLabelsAndOrder) {
  EXPECT_EQ(platform_label("cu126"), "CUDA 12.6");
  EXPECT_EQ(platform_label("cu92"), "CUDA 9.2");
  EXPECT_EQ(platform_label("cu102"), "CUDA 10.2");
  EXPECT_EQ(platform_label("cu110"), "CUDA 11.0");
  EXPECT_EQ(platform_label("rocm4.0.1"), "ROCm 4.0.1");
  EXPECT_EQ(platform_label("cpu"), "CPU");
  EXPECT_EQ(platform_label("xpu"), "XPU");
  std::vector<std::string> names = {"cpu", "rocm6.2", "cu128", "cu92", "cu126", "rocm5.7", "xpu"};
  std::sort(names.begin(), names.end(), platform_before);
  EXPECT_EQ(names, (std::vector<std::string>{"cu92", "cu126", "cu128", "rocm5.7", "rocm6.2", "xpu", "cpu"}));
}

TEST(ServeApi, MachineAndPlanComeFromTheProviders) {
  std::atomic<int> calls{0};
  MachineSources sources;
  sources.machine = run_once([&]() -> Expected<nlohmann::json> {
    ++calls;
    return nlohmann::json{{"schema", "torchup.machine/1"}, {"gpus", nlohmann::json::array()}};
  });
  sources.plan = run_once([]() -> Expected<nlohmann::json> {
    return make_error(ErrorKind::kEnvironment, "`torchup plan --json` failed: no python");
  });
  auto api = make_api(std::move(sources));
  for (int i = 0; i < 3; ++i) {
    auto m = api.handle("/api/machine", {});
    EXPECT_EQ(m.status, 200);
    EXPECT_EQ(body_of(m)["schema"], "torchup.machine/1");
  }
  EXPECT_EQ(calls.load(), 1);  // detection runs once
  auto p = api.handle("/api/plan", {});
  EXPECT_EQ(p.status, 503);
  EXPECT_NE(body_of(p)["error"].get<std::string>().find("no python"), std::string::npos);
  auto none = make_api().handle("/api/machine", {});
  EXPECT_EQ(none.status, 503);
  EXPECT_TRUE(body_of(none).contains("error"));
}

}  // namespace
}  // namespace torchup::serve
