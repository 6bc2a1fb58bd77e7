// --mirror auto|NAME|URL: the mirrors.json parser (table of malformed fields), name and
// URL resolution, ordering from canned measurements, and the real thing: cpp-httplib
// servers on 127.0.0.1 (fast, slow, 404, dropping) probed concurrently through libcurl.
#include "act/mirrors.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "data/embedded.h"
#include "host/scripted.h"

namespace torchup::act {
namespace {

using nlohmann::json;

json good_list() {
  return json::parse(R"({
    "schema": "torchup.mirrors/1",
    "official": {"pytorch": "https://download.pytorch.org/whl/{variant}", "pypi": "https://pypi.org/simple"},
    "pytorch_mirrors": [
      {"name": "nju", "url": "https://mirrors.nju.edu.cn/pytorch/whl/{variant}", "style": "index", "source": "s1"},
      {"name": "aliyun", "url": "https://mirrors.aliyun.com/pytorch-wheels/{variant}/", "style": "find-links",
       "pypi": "https://mirrors.aliyun.com/pypi/simple/", "source": "s2"}
    ],
    "pypi_mirrors": [
      {"name": "tuna", "url": "https://pypi.tuna.tsinghua.edu.cn/simple", "source": "s3"}
    ]
  })");
}

MirrorList parsed(const json& doc) {
  auto list = parse_mirror_list(doc.dump());
  EXPECT_TRUE(list.has_value()) << list.error().message;
  return list.has_value() ? *list : MirrorList{};
}

std::vector<std::string> names(const std::vector<IndexSource>& order) {
  std::vector<std::string> out;
  for (const auto& s : order) out.push_back(s.name);
  return out;
}

const MirrorProbe* probe_named(const MirrorChoice& choice, const std::string& name) {
  for (const auto& p : choice.probes) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// ---- parsing ----

TEST(MirrorsParse, ShippedListParsesAndEveryEntryCitesASource) {
  auto text = data::embedded_file("mirrors.json");
  ASSERT_TRUE(text.has_value());
  auto list = parse_mirror_list(std::string(*text));
  ASSERT_TRUE(list.has_value()) << list.error().message;
  EXPECT_EQ(list->official_pytorch, "https://download.pytorch.org/whl/{variant}");
  EXPECT_EQ(list->official_pypi, "https://pypi.org/simple");
  ASSERT_GE(list->pytorch_mirrors.size(), 3u);
  ASSERT_GE(list->pypi_mirrors.size(), 5u);
  for (const auto* entries : {&list->pytorch_mirrors, &list->pypi_mirrors}) {
    for (const auto& e : *entries) {
      EXPECT_FALSE(e.source.empty()) << e.name;
      EXPECT_EQ(e.url.rfind("https://", 0), 0u) << e.name;
    }
  }
  // Aliyun's PyTorch tree is a flat directory (pain-points 3.11): find-links with its PyPI.
  auto aliyun = std::find_if(list->pytorch_mirrors.begin(), list->pytorch_mirrors.end(),
                             [](const MirrorEntry& e) { return e.name == "aliyun"; });
  ASSERT_NE(aliyun, list->pytorch_mirrors.end());
  EXPECT_EQ(aliyun->style, "find-links");
  EXPECT_EQ(aliyun->pypi, "https://mirrors.aliyun.com/pypi/simple/");
}

TEST(MirrorsParse, GoodListKeepsEveryField) {
  auto doc = good_list();
  doc["pytorch_mirrors"][0]["note"] = "a note";
  doc["pytorch_mirrors"][0]["lacks"] = json::array({"rocm"});
  auto list = parsed(doc);
  ASSERT_EQ(list.pytorch_mirrors.size(), 2u);
  EXPECT_EQ(list.pytorch_mirrors[0].name, "nju");
  EXPECT_EQ(list.pytorch_mirrors[0].style, "index");
  EXPECT_EQ(list.pytorch_mirrors[0].note, "a note");
  EXPECT_EQ(list.pytorch_mirrors[0].source, "s1");
  EXPECT_EQ(list.pytorch_mirrors[0].lacks, std::vector<std::string>{"rocm"});
  EXPECT_EQ(list.pytorch_mirrors[1].style, "find-links");
  ASSERT_EQ(list.pypi_mirrors.size(), 1u);
  EXPECT_EQ(list.pypi_mirrors[0].style, "index");  // the default
}

struct BadCase {
  std::string label;
  std::function<void(json&)> spoil;
  std::string expected;  // part of the error message
};

class MirrorsParseBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(MirrorsParseBad, ErrorNamesTheField) {
  auto doc = good_list();
  GetParam().spoil(doc);
  auto list = parse_mirror_list(doc.dump());
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, ErrorKind::kParse);
  EXPECT_NE(list.error().message.find(GetParam().expected), std::string::npos) << list.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MirrorsParseBad,
    ::testing::Values(
        BadCase{"TopLevelArray", [](json& d) { d = json::array(); }, "'(document)' must be an object"},
        BadCase{"SchemaMissing", [](json& d) { d.erase("schema"); }, "'schema' is missing"},
        BadCase{"SchemaWrong", [](json& d) { d["schema"] = "torchup.mirrors/9"; }, "'schema' is 'torchup.mirrors/9'"},
        BadCase{"OfficialMissing", [](json& d) { d.erase("official"); }, "'official' is missing"},
        BadCase{"OfficialNotObject", [](json& d) { d["official"] = 3; }, "'official' must be an object"},
        BadCase{"OfficialPytorchNumber", [](json& d) { d["official"]["pytorch"] = 1; }, "'pytorch' must be a string"},
        BadCase{"OfficialPypiNotHttp", [](json& d) { d["official"]["pypi"] = "ftp://x/simple"; },
                "'pypi' must be an http(s) URL"},
        BadCase{"ListMissing", [](json& d) { d.erase("pytorch_mirrors"); }, "'pytorch_mirrors' is missing"},
        BadCase{"ListNotArray", [](json& d) { d["pypi_mirrors"] = json::object(); }, "'pypi_mirrors' must be an array"},
        BadCase{"EntryNotObject", [](json& d) { d["pytorch_mirrors"][1] = "nju"; },
                "pytorch_mirrors[1]: field '(entry)' must be an object"},
        BadCase{"NameMissing", [](json& d) { d["pytorch_mirrors"][0].erase("name"); },
                "pytorch_mirrors[0]: field 'name' is missing"},
        BadCase{"NameEmpty", [](json& d) { d["pytorch_mirrors"][0]["name"] = ""; }, "'name' must not be empty"},
        BadCase{"NameOddCharacters", [](json& d) { d["pytorch_mirrors"][0]["name"] = "NJU mirror"; },
                "'name' must be lower-case"},
        BadCase{"UrlMissing", [](json& d) { d["pytorch_mirrors"][0].erase("url"); },
                "pytorch_mirrors[0] (nju): field 'url' is missing"},
        BadCase{"UrlNotString", [](json& d) { d["pytorch_mirrors"][0]["url"] = json::array(); },
                "'url' must be a string"},
        BadCase{"UrlNotHttp", [](json& d) { d["pytorch_mirrors"][0]["url"] = "file:///srv/whl"; },
                "'url' must be an http(s) URL"},
        BadCase{"StyleUnknown", [](json& d) { d["pytorch_mirrors"][0]["style"] = "proxy"; },
                "'style' must be 'index' or 'find-links', not 'proxy'"},
        BadCase{"StyleNotString", [](json& d) { d["pytorch_mirrors"][0]["style"] = true; }, "'style' must be a string"},
        BadCase{"PypiMirrorFindLinks", [](json& d) { d["pypi_mirrors"][0]["style"] = "find-links"; },
                "pypi_mirrors[0] (tuna): field 'style' must be 'index' for a PyPI mirror"},
        BadCase{"PairedPypiNotHttp", [](json& d) { d["pytorch_mirrors"][1]["pypi"] = "mirrors.aliyun.com"; },
                "(aliyun): field 'pypi' must be an http(s) URL"},
        BadCase{"NoteNotString", [](json& d) { d["pytorch_mirrors"][0]["note"] = 5; }, "'note' must be a string"},
        BadCase{"SourceMissing", [](json& d) { d["pypi_mirrors"][0].erase("source"); },
                "pypi_mirrors[0] (tuna): field 'source' is missing"},
        BadCase{"LacksNotArray", [](json& d) { d["pytorch_mirrors"][0]["lacks"] = "rocm"; },
                "'lacks' must be an array"},
        BadCase{"LacksHoldsNumber", [](json& d) { d["pytorch_mirrors"][0]["lacks"] = json::array({1}); },
                "'lacks' must contain only non-empty strings"},
        BadCase{"DuplicateName", [](json& d) { d["pypi_mirrors"][0]["name"] = "nju"; }, "'nju' is used twice"},
        BadCase{"ReservedName", [](json& d) { d["pytorch_mirrors"][0]["name"] = "auto"; },
                "'auto' is reserved"}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) { return param_info.param.label; });

TEST(MirrorsParse, NotJsonAndHugeTextAreErrorsNotCrashes) {
  for (std::string text : {std::string(""), std::string("{"), std::string("[[[["), std::string("\xff\xfe"),
                           std::string(2u << 20, ' ')}) {
    auto list = parse_mirror_list(text);
    ASSERT_FALSE(list.has_value());
    EXPECT_EQ(list.error().kind, ErrorKind::kParse);
  }
}

// ---- resolution without probing ----

TEST(MirrorsChoose, EmptyAndOfficialGiveTheOfficialIndexAlone) {
  host::CannedHttp http;
  auto list = parsed(good_list());
  for (std::string spec : {"", "official", " Official "}) {
    auto choice = choose_mirrors(http, list, spec, "cu126", false);
    ASSERT_TRUE(choice.has_value()) << choice.error().message;
    ASSERT_EQ(choice->order.size(), 1u);
    EXPECT_EQ(choice->order[0].name, "official");
    EXPECT_EQ(choice->order[0].index_url, "https://download.pytorch.org/whl/cu126");
    EXPECT_TRUE(choice->probes.empty());
  }
}

TEST(MirrorsChoose, NamedIndexMirrorThenOfficial) {
  host::CannedHttp http;
  auto choice = choose_mirrors(http, parsed(good_list()), "nju", "rocm7.2", false);
  ASSERT_TRUE(choice.has_value()) << choice.error().message;
  EXPECT_EQ(names(choice->order), (std::vector<std::string>{"nju", "official"}));
  EXPECT_EQ(choice->order[0].index_url, "https://mirrors.nju.edu.cn/pytorch/whl/rocm7.2");
  EXPECT_EQ(choice->order[0].find_links, "");
  EXPECT_EQ(choice->order[1].index_url, "https://download.pytorch.org/whl/rocm7.2");
}

TEST(MirrorsChoose, NamedFindLinksMirrorPairsWithItsPypi) {
  host::CannedHttp http;
  auto choice = choose_mirrors(http, parsed(good_list()), "aliyun", "cu126", false);
  ASSERT_TRUE(choice.has_value()) << choice.error().message;
  ASSERT_EQ(choice->order.size(), 2u);
  EXPECT_EQ(choice->order[0].index_url, "https://mirrors.aliyun.com/pypi/simple/");
  EXPECT_EQ(choice->order[0].find_links, "https://mirrors.aliyun.com/pytorch-wheels/cu126/");
  EXPECT_EQ(probe_url_for(choice->order[0]), "https://mirrors.aliyun.com/pytorch-wheels/cu126/");
  // Without a paired PyPI in the data, the official PyPI is the index.
  auto doc = good_list();
  doc["pytorch_mirrors"][1].erase("pypi");
  auto bare = choose_mirrors(http, parsed(doc), "aliyun", "cu126", false);
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->order[0].index_url, "https://pypi.org/simple");
}

TEST(MirrorsChoose, PypiMirrorIsRefusedForAPytorchVariantAndUsedForPypiPlans) {
  host::CannedHttp http;
  auto list = parsed(good_list());
  auto refused = choose_mirrors(http, list, "tuna", "cu126", false);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, ErrorKind::kUsage);
  EXPECT_NE(refused.error().message.find("PyPI mirror"), std::string::npos) << refused.error().message;
  auto pypi = choose_mirrors(http, list, "tuna", "", false);
  ASSERT_TRUE(pypi.has_value()) << pypi.error().message;
  EXPECT_EQ(names(pypi->order), (std::vector<std::string>{"tuna", "official"}));
  EXPECT_EQ(pypi->order[1].index_url, "https://pypi.org/simple");
}

TEST(MirrorsChoose, UnknownNameListsTheKnownOnes) {
  host::CannedHttp http;
  auto choice = choose_mirrors(http, parsed(good_list()), "tsinghua", "cu126", false);
  ASSERT_FALSE(choice.has_value());
  EXPECT_EQ(choice.error().kind, ErrorKind::kUsage);
  EXPECT_NE(choice.error().message.find("unknown mirror 'tsinghua'"), std::string::npos);
  EXPECT_NE(choice.error().hint.find("nju, aliyun"), std::string::npos) << choice.error().hint;
}

TEST(MirrorsChoose, UrlIsUsedThenOfficialWithVariantSubstituted) {
  host::CannedHttp http;
  auto choice = choose_mirrors(http, parsed(good_list()), "https://example.org/whl/{variant}", "cu130", false);
  ASSERT_TRUE(choice.has_value()) << choice.error().message;
  EXPECT_EQ(names(choice->order), (std::vector<std::string>{"url", "official"}));
  EXPECT_EQ(choice->order[0].index_url, "https://example.org/whl/cu130");
  // The official URL itself is not listed twice.
  auto same = choose_mirrors(http, parsed(good_list()), "https://download.pytorch.org/whl/cu130", "cu130", false);
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(names(same->order), (std::vector<std::string>{"official"}));
}

TEST(MirrorsChoose, PlainHttpUrlNeedsAllowInsecureExceptLoopback) {
  host::CannedHttp http;
  auto list = parsed(good_list());
  auto refused = choose_mirrors(http, list, "http://mirror.example/whl/cpu", "cpu", false);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, ErrorKind::kUsage);
  EXPECT_NE(refused.error().message.find("plain http"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(choose_mirrors(http, list, "http://mirror.example/whl/cpu", "cpu", true).has_value());
  EXPECT_TRUE(choose_mirrors(http, list, "http://127.0.0.1:8080/simple", "cpu", false).has_value());
  EXPECT_FALSE(choose_mirrors(http, list, "http://127.0.0.1.evil.example/simple", "cpu", false).has_value());
  EXPECT_FALSE(choose_mirrors(http, list, "ftp://mirror.example/whl", "cpu", true).has_value());
}

TEST(MirrorsChoose, BadVariantIsAUsageError) {
  host::CannedHttp http;
  auto choice = choose_mirrors(http, parsed(good_list()), "nju", "cu126/../../x", false);
  ASSERT_FALSE(choice.has_value());
  EXPECT_EQ(choice.error().kind, ErrorKind::kUsage);
}

TEST(MirrorsChoose, MirrorMarkedAsLackingTheVariantIsRefusedAndNotProbed) {
  auto doc = good_list();
  doc["pytorch_mirrors"][0]["lacks"] = json::array({"rocm"});
  auto list = parsed(doc);
  host::CannedHttp http;
  auto named = choose_mirrors(http, list, "nju", "rocm7.2", false);
  ASSERT_FALSE(named.has_value());
  EXPECT_NE(named.error().message.find("does not carry rocm7.2"), std::string::npos) << named.error().message;
  EXPECT_TRUE(choose_mirrors(http, list, "nju", "cu126", false).has_value());
  auto automatic = choose_mirrors(http, list, "auto", "rocm7.2", false);
  ASSERT_TRUE(automatic.has_value());
  EXPECT_EQ(probe_named(*automatic, "nju"), nullptr);
}

// ---- auto with canned measurements (deterministic ordering) ----

host::HttpResponse page(std::size_t bytes, std::chrono::milliseconds elapsed, int status = 200) {
  std::string body = "<html><body>";
  while (body.size() < bytes) body += "<a href=\"torch-2.12.0-cp311-cp311-linux_x86_64.whl\">torch</a><br/>\n";
  body.resize(bytes);
  host::HttpResponse r;
  r.status = status;
  r.body = body;
  r.elapsed = elapsed;
  return r;
}

MirrorList four_mirrors() {
  auto doc = good_list();
  doc["pytorch_mirrors"] = json::array();
  for (std::string name : {"a", "b", "c", "d"}) {
    doc["pytorch_mirrors"].push_back({{"name", name}, {"url", "https://" + name + ".example/whl/{variant}"},
                                      {"style", "index"}, {"source", "test"}});
  }
  return parsed(doc);
}

TEST(MirrorsAuto, FasterMirrorsFirstFailedDroppedSlowerThanOfficialUnusedOfficialLast) {
  host::CannedHttp http;
  using std::chrono::milliseconds;
  http.add("https://a.example/whl/cu126/torch/", page(400000, milliseconds(100)));   // 4 MB/s
  http.add("https://b.example/whl/cu126/torch/", page(400000, milliseconds(200)));   // 2 MB/s
  http.add("https://c.example/whl/cu126/torch/", page(100, milliseconds(5), 404));
  http.add("https://d.example/whl/cu126/torch/", page(400000, milliseconds(4000)));  // 0.1 MB/s
  http.add("https://download.pytorch.org/whl/cu126/torch/", page(400000, milliseconds(400)));  // 1 MB/s
  auto choice = choose_mirrors(http, four_mirrors(), "auto", "cu126", false);
  ASSERT_TRUE(choice.has_value()) << choice.error().message;
  EXPECT_EQ(names(choice->order), (std::vector<std::string>{"a", "b", "official"}));
  EXPECT_EQ(choice->order[0].index_url, "https://a.example/whl/cu126");
  ASSERT_EQ(choice->probes.size(), 5u);
  ASSERT_NE(probe_named(*choice, "c"), nullptr);
  EXPECT_FALSE(probe_named(*choice, "c")->bytes_per_second.has_value());
  EXPECT_EQ(probe_named(*choice, "c")->error, "HTTP 404");
  EXPECT_DOUBLE_EQ(probe_named(*choice, "a")->bytes_per_second.value_or(0), 4e6);
  ASSERT_FALSE(choice->notes.empty());
  EXPECT_EQ(choice->notes[0],
            "a: 4.0 MB/s; b: 2.0 MB/s; c: failed (HTTP 404); d: 100 kB/s; official: 1.0 MB/s"
            " -> trying a, then b, official last");
  EXPECT_NE(std::find(choice->notes.begin(), choice->notes.end(), "d: slower than the official index, not used"),
            choice->notes.end());
}

TEST(MirrorsAuto, OfficialFastestIsUsedAlone) {
  host::CannedHttp http;
  using std::chrono::milliseconds;
  for (std::string name : {"a", "b", "c", "d"}) {
    http.add("https://" + name + ".example/whl/cpu/torch/", page(100000, milliseconds(500)));
  }
  http.add("https://download.pytorch.org/whl/cpu/torch/", page(100000, milliseconds(50)));
  auto choice = choose_mirrors(http, four_mirrors(), "auto", "cpu", false);
  ASSERT_TRUE(choice.has_value());
  EXPECT_EQ(names(choice->order), (std::vector<std::string>{"official"}));
  EXPECT_NE(choice->notes[0].find("the official index is the fastest; using it alone"), std::string::npos)
      << choice->notes[0];
}

TEST(MirrorsAuto, OfficialUnreachableKeepsEveryWorkingMirrorAndOfficialStillLast) {
  host::CannedHttp http;  // no canned official page: the probe fails like a blocked host
  using std::chrono::milliseconds;
  http.add("https://a.example/whl/cpu/torch/", page(100000, milliseconds(500)));
  http.add("https://b.example/whl/cpu/torch/", page(100000, milliseconds(100)));
  http.add("https://c.example/whl/cpu/torch/", page(100000, milliseconds(10)));
  auto choice = choose_mirrors(http, four_mirrors(), "auto", "cpu", false);
  ASSERT_TRUE(choice.has_value());
  EXPECT_EQ(names(choice->order), (std::vector<std::string>{"c", "b", "a", "official"}));
  EXPECT_FALSE(probe_named(*choice, "official")->bytes_per_second.has_value());
  EXPECT_FALSE(probe_named(*choice, "d")->bytes_per_second.has_value());
}

TEST(MirrorsAuto, PageThatDoesNotMentionTorchIsAFailedProbe) {
  host::CannedHttp http;
  host::HttpResponse portal;
  portal.status = 200;
  portal.body = "<html>Please log in to the hotel wifi</html>";
  portal.elapsed = std::chrono::milliseconds(1);
  http.add("https://a.example/whl/cpu/torch/", portal);
  http.add("https://download.pytorch.org/whl/cpu/torch/", page(1000, std::chrono::milliseconds(10)));
  auto choice = choose_mirrors(http, four_mirrors(), "auto", "cpu", false);
  ASSERT_TRUE(choice.has_value());
  EXPECT_EQ(names(choice->order), (std::vector<std::string>{"official"}));
  EXPECT_EQ(probe_named(*choice, "a")->error, "the page does not list torch wheels");
}

TEST(MirrorsAuto, ProbeStopsAtMaxBytes) {
  host::CannedHttp http;
  http.add("https://download.pytorch.org/whl/cpu/torch/", page(100000, std::chrono::milliseconds(10)));
  MirrorProbeOptions options;
  options.max_bytes = 4096;
  auto choice = choose_mirrors(http, four_mirrors(), "auto", "cpu", false, options);
  ASSERT_TRUE(choice.has_value());
  const auto* official = probe_named(*choice, "official");
  ASSERT_NE(official, nullptr);
  EXPECT_EQ(official->bytes, 4096u);
  EXPECT_TRUE(official->stopped_at_max);
}

TEST(MirrorsAuto, PypiPlanProbesPypiMirrors) {
  host::CannedHttp http;
  http.add("https://pypi.tuna.tsinghua.edu.cn/simple/torch/", page(100000, std::chrono::milliseconds(10)));
  http.add("https://pypi.org/simple/torch/", page(100000, std::chrono::milliseconds(100)));
  auto choice = choose_mirrors(http, parsed(good_list()), "auto", "", false);
  ASSERT_TRUE(choice.has_value());
  EXPECT_EQ(names(choice->order), (std::vector<std::string>{"tuna", "official"}));
  EXPECT_EQ(choice->probes.size(), 2u);  // nju and aliyun carry the PyTorch index, not PyPI
}

// ---- the real thing: local servers, libcurl, concurrent probes ----

std::string torch_page(std::size_t bytes) {
  std::string body = "<!DOCTYPE html><html><head><title>Links for torch</title></head><body>\n";
  for (int i = 0; body.size() < bytes; ++i) {
    std::string name = "torch-2." + std::to_string(i % 13) + ".0%2Bcu126-cp3" + std::to_string(8 + i % 6) +
                       "-cp3" + std::to_string(8 + i % 6) + "-manylinux_2_28_x86_64.whl";
    body += "<a href=\"/whl/cu126/" + name + "#sha256=" + std::string(64, "0123456789abcdef"[i % 16]) + "\">" +
            name + "</a><br/>\n";
  }
  return body;
}

// Counts requests in flight across all servers (to see that probes overlap).
struct InFlight {
  std::atomic<int> now{0};
  std::atomic<int> most{0};
  void enter() {
    int n = ++now;
    int seen = most.load();
    while (n > seen && !most.compare_exchange_weak(seen, n)) {
    }
  }
  void leave() { --now; }
};

enum class Behaviour { kFast, kPaced, kNotFound, kDrop };

class MirrorServer {
 public:
  // kPaced sends 4 KB chunks with `pause` before each.
  MirrorServer(Behaviour behaviour, InFlight& in_flight, std::chrono::milliseconds pause = {})
      : page_(torch_page(256 * 1024)) {
    server_.Get("/whl/cu126/torch/", [=, this, &in_flight](const httplib::Request&, httplib::Response& res) {
      switch (behaviour) {
        case Behaviour::kFast:
          res.set_content(page_, "text/html");
          return;
        case Behaviour::kNotFound:
          res.status = 404;
          res.set_content("Not Found", "text/plain");
          return;
        case Behaviour::kDrop:  // promises 256 KB, sends 1 KB, closes the connection
          res.set_content_provider(page_.size(), "text/html",
                                   [this](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                     if (offset > 0) return false;
                                     sink.write(page_.data(), 1024);
                                     return true;
                                   });
          return;
        case Behaviour::kPaced:
          in_flight.enter();
          res.set_chunked_content_provider(
              "text/html",
              [this, pause, &in_flight](std::size_t offset, httplib::DataSink& sink) {
                if (stopping_ || offset >= page_.size()) {
                  in_flight.leave();
                  if (!stopping_) sink.done();
                  return !stopping_;
                }
                std::this_thread::sleep_for(pause);
                std::size_t n = std::min<std::size_t>(4096, page_.size() - offset);
                if (!sink.write(page_.data() + offset, n)) {
                  in_flight.leave();
                  return false;
                }
                return true;
              },
              [](bool) {});
          return;
      }
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~MirrorServer() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }
  std::string index() const { return "http://127.0.0.1:" + std::to_string(port_) + "/whl/{variant}"; }

 private:
  std::string page_;
  std::atomic<bool> stopping_{false};
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

MirrorList local_list(const std::vector<std::pair<std::string, const MirrorServer*>>& mirrors,
                      const MirrorServer& official) {
  MirrorList list;
  list.official_pytorch = official.index();
  list.official_pypi = "http://127.0.0.1:9/simple";
  for (const auto& [name, server] : mirrors) {
    list.pytorch_mirrors.push_back({name, server->index(), "index", "", "", "test server", {}});
  }
  return list;
}

TEST(MirrorsAutoLocal, FastMirrorFirstBrokenOnesDroppedOfficialLast) {
  InFlight in_flight;
  MirrorServer fast(Behaviour::kFast, in_flight);
  MirrorServer slow(Behaviour::kPaced, in_flight, std::chrono::milliseconds(200));  // <= ~24 kB/s
  MirrorServer missing(Behaviour::kNotFound, in_flight);
  MirrorServer dropping(Behaviour::kDrop, in_flight);
  MirrorServer official(Behaviour::kPaced, in_flight, std::chrono::milliseconds(20));  // <= ~200 kB/s
  auto list = local_list({{"slow", &slow}, {"missing", &missing}, {"fast", &fast}, {"dropping", &dropping}}, official);
  auto http = host::make_curl_http();
  MirrorProbeOptions options;
  options.per_mirror_timeout = std::chrono::milliseconds(1200);
  options.max_bytes = 128 * 1024;
  auto choice = choose_mirrors(*http, list, "auto", "cu126", false, options);
  ASSERT_TRUE(choice.has_value()) << choice.error().message;
  std::string notes;
  for (const auto& n : choice->notes) notes += n + "\n";
  EXPECT_EQ(names(choice->order), (std::vector<std::string>{"fast", "official"})) << notes;
  EXPECT_EQ(choice->order[0].index_url, list.pytorch_mirrors[2].url.substr(0, list.pytorch_mirrors[2].url.size() - 9) +
                                            "cu126");

  const auto* f = probe_named(*choice, "fast");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->bytes_per_second.has_value()) << f->error;
  EXPECT_EQ(f->bytes, 128u * 1024u);  // curl stopped at max_bytes
  EXPECT_TRUE(f->stopped_at_max);
  const auto* s = probe_named(*choice, "slow");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->bytes_per_second.has_value()) << s->error;  // a partial download is a measurement
  EXPECT_TRUE(s->timed_out);
  EXPECT_GT(s->bytes, 0u);
  EXPECT_LT(s->bytes, 128u * 1024u);
  EXPECT_EQ(probe_named(*choice, "missing")->error, "HTTP 404");
  EXPECT_FALSE(probe_named(*choice, "dropping")->bytes_per_second.has_value());
  EXPECT_FALSE(probe_named(*choice, "dropping")->error.empty());
  EXPECT_TRUE(probe_named(*choice, "official")->bytes_per_second.has_value());
  EXPECT_NE(notes.find("missing: failed (HTTP 404)"), std::string::npos) << notes;
  EXPECT_NE(notes.find("-> trying fast first, official last"), std::string::npos) << notes;
  EXPECT_NE(notes.find("slow: slower than the official index, not used"), std::string::npos) << notes;
  EXPECT_GE(in_flight.most.load(), 2) << "the slow mirror and the official index were not probed concurrently";
}

TEST(MirrorsAutoLocal, OfficialDownFastBeforeSlowOfficialStillLast) {
  InFlight in_flight;
  MirrorServer fast(Behaviour::kFast, in_flight);
  MirrorServer slow(Behaviour::kPaced, in_flight, std::chrono::milliseconds(200));
  MirrorServer official(Behaviour::kDrop, in_flight);
  auto list = local_list({{"slow", &slow}, {"fast", &fast}}, official);
  auto http = host::make_curl_http();
  MirrorProbeOptions options;
  options.per_mirror_timeout = std::chrono::milliseconds(1000);
  options.max_bytes = 128 * 1024;
  auto choice = choose_mirrors(*http, list, "auto", "cu126", false, options);
  ASSERT_TRUE(choice.has_value()) << choice.error().message;
  EXPECT_EQ(names(choice->order), (std::vector<std::string>{"fast", "slow", "official"})) << choice->notes[0];
  EXPECT_NE(choice->notes[0].find("official: failed ("), std::string::npos) << choice->notes[0];
  EXPECT_NE(choice->notes[0].find("-> trying fast, then slow, official last"), std::string::npos) << choice->notes[0];
}

}  // namespace
}  // namespace torchup::act
