// pip's configuration (act/pip_config.h): `pip config list` parsed the way pip
// applies it, real pip's output, the notes the user sees, torchup's own HTTP going
// through pip's proxy, and the installed-build check that catches a torch taken from
// one of pip's extra indexes.
#include "act/pip_config.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "act/install.h"
#include "util/strings.h"
#include "host/scripted.h"
#include "support/temp_dir.h"

namespace torchup::act {
namespace {

using torchup::testing::TempDir;

TEST(PythonRepr, ReadsWhatReprWrites) {
  EXPECT_EQ(parse_python_repr("'http://proxy:3128'"), "http://proxy:3128");
  EXPECT_EQ(parse_python_repr("\"https://a.example/it's\""), "https://a.example/it's");
  EXPECT_EQ(parse_python_repr("'a\\\\b\\'c\\nd\\te'"), "a\\b'c\nd\te");
  EXPECT_EQ(parse_python_repr("'\\x41\\u00e9\\U0001F600'"), "A\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(parse_python_repr("''"), "");
}

TEST(PythonRepr, RefusesWhatIsNotOneLiteral) {
  for (const char* bad : {"", "'", "abc", "'abc", "'a'b'", "'a\\'", "'\\q'", "'\\x4'", "'\\xZZ'", "'\\uD800'",
                          "'\\U00110000'", "\"a'", "'a\""}) {
    EXPECT_FALSE(parse_python_repr(bad).has_value()) << bad;
  }
}

// What pip 23.2.1 printed on this project's development machine for
// PIP_CONFIG_FILE=pipc.conf PIP_PROXY=http://envproxy:1 PIP_NO_INDEX=1 pip config list,
// with pipc.conf holding [global] index-url / a two-line extra-index-url and
// [install] proxy / cert.
constexpr const char* kRealList =
    ":env:.cert='/etc/ssl/certs/ca-certificates.crt'\n"
    ":env:.config-file='/tmp/pipc.conf'\n"
    ":env:.default-timeout='180'\n"
    ":env:.disable-pip-version-check='1'\n"
    ":env:.find-links='/opt/wheels'\n"
    ":env:.no-index='1'\n"
    ":env:.proxy='http://envproxy:1'\n"
    "global.cert='/etc/ssl/certs/ca-certificates.crt'\n"
    "global.extra-index-url=\"\\nhttps://download.pytorch.org/whl/cpu\\nhttps://a.example/it's\"\n"
    "global.index-url='https://pypi.tuna.tsinghua.edu.cn/simple'\n"
    "install.cert='/etc/ssl/corp.pem'\n"
    "install.proxy='http://user:pw@10.0.0.1:3128'\n";

TEST(PipConfigList, TheEnvironmentWinsOverInstallWhichWinsOverGlobal) {
  auto s = parse_pip_config_list(kRealList);
  EXPECT_TRUE(s.read);
  EXPECT_EQ(s.skipped_lines, 0u);
  ASSERT_TRUE(s.proxy);
  EXPECT_EQ(s.proxy->value, "http://envproxy:1");
  EXPECT_EQ(s.proxy->origin, "PIP_PROXY");
  ASSERT_TRUE(s.cert);
  EXPECT_EQ(s.cert->value, "/etc/ssl/certs/ca-certificates.crt");
  ASSERT_TRUE(s.index_url);
  EXPECT_EQ(s.index_url->value, "https://pypi.tuna.tsinghua.edu.cn/simple");
  EXPECT_EQ(s.index_url->origin, "pip config global.index-url");
  ASSERT_EQ(s.extra_index_urls.size(), 2u);
  EXPECT_EQ(s.extra_index_urls[0].value, "https://download.pytorch.org/whl/cpu");
  EXPECT_EQ(s.extra_index_urls[1].value, "https://a.example/it's");
  ASSERT_EQ(s.find_links.size(), 1u);
  EXPECT_EQ(s.find_links[0].origin, "PIP_FIND_LINKS");
  ASSERT_TRUE(s.no_index);
  EXPECT_EQ(s.no_index->origin, "PIP_NO_INDEX");

  auto without_env = parse_pip_config_list(
      "global.proxy='http://g:1'\ninstall.proxy='http://i:2'\ndownload.proxy='http://d:3'\n"
      "global.no-index='false'\n");
  ASSERT_TRUE(without_env.proxy);
  EXPECT_EQ(without_env.proxy->value, "http://i:2");  // [install] beats [global]; [download] is not read
  EXPECT_EQ(without_env.proxy->origin, "pip config install.proxy");
  EXPECT_FALSE(without_env.no_index);
}

TEST(PipConfigList, EmptyValuesDoNotOverrideAndGarbageIsCounted) {
  auto s = parse_pip_config_list(
      "global.extra-index-url='https://x.example/simple'\n"
      ":env:.extra-index-url=''\n"  // pip skips empty settings
      "no dot or equals\n"
      "global.proxy=unquoted\n"
      ".proxy='x'\n"
      "global.index_url='https://u.example/simple'\n"  // underscores are pip's dashes
      "\n");
  ASSERT_EQ(s.extra_index_urls.size(), 1u);
  EXPECT_EQ(s.extra_index_urls[0].value, "https://x.example/simple");
  EXPECT_FALSE(s.proxy);
  EXPECT_EQ(s.skipped_lines, 3u);
  ASSERT_TRUE(s.index_url);
  EXPECT_EQ(s.index_url->value, "https://u.example/simple");
}

TEST(PipConfigList, CredentialsAreNeverShown) {
  EXPECT_EQ(redact_credentials("http://user:secret@proxy:3128"), "http://***@proxy:3128");
  EXPECT_EQ(redact_credentials("user:secret@proxy:3128"), "***@proxy:3128");
  EXPECT_EQ(redact_credentials("https://tok@host/simple/a@b"), "https://***@host/simple/a@b");
  EXPECT_EQ(redact_credentials("https://host/simple"), "https://host/simple");
  auto s = parse_pip_config_list(kRealList);
  std::string all;
  for (const auto& n : pip_settings_notes(s, true)) all += n + "\n";
  all += to_json(parse_pip_config_list("install.proxy='http://user:pw@10.0.0.1:3128'\n")).dump();
  EXPECT_EQ(all.find("pw@"), std::string::npos) << all;
  EXPECT_NE(all.find("http://***@10.0.0.1:3128"), std::string::npos) << all;
}

TEST(PipConfigNotes, SayWhatChangesThisInstall) {
  auto s = parse_pip_config_list(kRealList);
  auto notes = pip_settings_notes(s, true, {"https://download.pytorch.org/whl/cpu"});
  ASSERT_EQ(notes.size(), 4u);
  EXPECT_EQ(notes[0],
            "pip's proxy http://envproxy:1 (PIP_PROXY) and certificates /etc/ssl/certs/ca-certificates.crt "
            "(PIP_CERT): torchup's own index checks use them too");
  EXPECT_EQ(notes[1],
            "pip's index-url https://pypi.tuna.tsinghua.edu.cn/simple (pip config global.index-url) is replaced by "
            "torchup's --index-url for this install");
  // The install's own index is no news; the other extra index and the find-links are.
  EXPECT_EQ(notes[2],
            "pip also looks in https://a.example/it's (pip config global.extra-index-url), /opt/wheels "
            "(PIP_FIND_LINKS): a torch from there can take the place of the planned build; torchup checks the "
            "installed build afterwards");
  EXPECT_NE(notes[3].find("pip's no-index (PIP_NO_INDEX) makes pip ignore every index"), std::string::npos);

  auto default_index = pip_settings_notes(parse_pip_config_list("global.index-url='https://m.example/simple'\n"), false);
  ASSERT_EQ(default_index.size(), 1u);
  EXPECT_EQ(default_index[0], "pip installs from https://m.example/simple (pip config global.index-url), not PyPI: "
                              "the plan's packages must be there");
  EXPECT_TRUE(pip_settings_notes(PipSettings{}, true).empty());  // pip not asked: nothing to say
}

// uv's own variables: extra indexes (named or not), find-links (commas), and the index
// torchup's --index-url replaces; uv consults the extras first, and the notes say so.
TEST(UvSettings, ExtraIndexesFromUvsOwnVariables) {
  auto env = host::make_map_environment({{"UV_EXTRA_INDEX_URL", "https://download.pytorch.org/whl/cpu"},
                                         {"UV_INDEX", "corp=https://pypi.corp.example/simple  https://x.example/s"},
                                         {"UV_FIND_LINKS", "/opt/wheels,https://f.example/links"},
                                         {"UV_INDEX_URL", "https://m.example/simple"},
                                         {"PIP_EXTRA_INDEX_URL", "https://ignored.example/simple"}});
  auto s = read_uv_settings(*env);
  ASSERT_EQ(s.extra_index_urls.size(), 3u);
  EXPECT_EQ(s.extra_index_urls[0].value, "https://download.pytorch.org/whl/cpu");
  EXPECT_EQ(s.extra_index_urls[0].origin, "UV_EXTRA_INDEX_URL");
  EXPECT_EQ(s.extra_index_urls[1].value, "https://pypi.corp.example/simple");
  EXPECT_EQ(s.extra_index_urls[1].origin, "UV_INDEX");
  ASSERT_EQ(s.find_links.size(), 2u);
  EXPECT_EQ(s.find_links[1].value, "https://f.example/links");
  ASSERT_TRUE(s.index_url);
  EXPECT_EQ(s.index_url->origin, "UV_INDEX_URL");
  auto notes = pip_settings_notes(s, true, {}, "uv");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0], "uv's index-url https://m.example/simple (UV_INDEX_URL) is replaced by torchup's --index-url "
                      "for this install");
  EXPECT_TRUE(notes[1].starts_with("uv also looks in https://download.pytorch.org/whl/cpu (UV_EXTRA_INDEX_URL), "))
      << notes[1];
  EXPECT_NE(notes[1].find(", before torchup's --index-url: uv takes torch from the first index that has it"),
            std::string::npos)
      << notes[1];
  EXPECT_TRUE(pip_settings_notes(read_uv_settings(*host::make_map_environment({})), true, {}, "uv").empty());
}

TEST(PipConfigRead, AFailingOrMissingPipIsNotAnError) {
  host::ScriptedRunner runner;
  runner.add_output({"/py", "-m", "pip", "config", "list"}, "", 1);
  auto fs = host::make_rooted_fs("/");
  auto env = host::make_map_environment({});
  auto http = host::make_curl_http();
  host::Host h{*fs, runner, *env, *http, {}, true};
  auto s = ask_pip_config_list(h, "/py");
  EXPECT_FALSE(s.read);
  EXPECT_EQ(s.unread_reason, "`/py -m pip config list` failed (exit 1)");
  auto missing = ask_pip_config_list(h, "/other");
  EXPECT_FALSE(missing.read);
  EXPECT_FALSE(missing.unread_reason.empty());
}

// The native reading of an interpreter whose sys.prefix its files do not tell asks the
// interpreter; one that cannot be run is not an error either.
TEST(PipConfigRead, AnInterpreterThatCannotBeAskedIsNotAnError) {
  host::ScriptedRunner runner;
  runner.add_output({"/py", "-c", "import sys; print(sys.prefix)"}, "", 1);
  TempDir root;
  auto fs = host::make_rooted_fs(root.str());
  auto env = host::make_map_environment({});
  auto http = host::make_curl_http();
  host::Host h{*fs, runner, *env, *http, {}, true};
  auto s = read_pip_settings(h, "/py");
  EXPECT_FALSE(s.read);
  EXPECT_EQ(s.unread_reason, "`/py -c 'import sys; print(sys.prefix)'` failed (exit 1)");
  // Asked, it answers: the site file under that prefix is read.
  runner.add_output({"/py", "-c", "import sys; print(sys.prefix)"}, "/opt/py\n", 0);
  root.write("opt/py/pip.conf", "[install]\nproxy = http://site:1\n");
  auto asked = read_pip_settings(h, "/py");
  ASSERT_TRUE(asked.read) << asked.unread_reason;
  ASSERT_TRUE(asked.proxy);
  EXPECT_EQ(asked.proxy->value, "http://site:1");
  EXPECT_EQ(asked.proxy->origin, "pip config install.proxy");
}

// Real pip (Debian's python3-pip) reading a pip.conf the test writes.
TEST(PipConfigRead, RealPipReadsTheConfigFile) {
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  TempDir dir;
  dir.write("pip.conf",
            "[global]\n"
            "index-url = https://mirror.example/simple\n"
            "extra-index-url =\n"
            "    https://download.pytorch.org/whl/cu126\n"
            "    https://extra.example/simple\n"
            "[install]\n"
            "proxy = http://someone:secret@127.0.0.1:3128\n");
  auto owned = host::OwnedHost::live();
  auto s = ask_pip_config_list(owned->host(), "/usr/bin/python3",
                             {{"PIP_CONFIG_FILE", dir.str() + "/pip.conf"}, {"PIP_PROXY", ""}, {"PIP_CERT", ""},
                              {"PIP_INDEX_URL", ""}, {"PIP_EXTRA_INDEX_URL", ""}, {"PIP_FIND_LINKS", ""},
                              {"PIP_NO_INDEX", ""}});
  ASSERT_TRUE(s.read) << s.unread_reason;
  EXPECT_EQ(s.skipped_lines, 0u);
  ASSERT_TRUE(s.proxy);
  EXPECT_EQ(s.proxy->value, "http://someone:secret@127.0.0.1:3128");
  EXPECT_EQ(s.proxy->origin, "pip config install.proxy");
  ASSERT_TRUE(s.index_url);
  EXPECT_EQ(s.index_url->value, "https://mirror.example/simple");
  ASSERT_EQ(s.extra_index_urls.size(), 2u);
  EXPECT_EQ(s.extra_index_urls[1].value, "https://extra.example/simple");
  EXPECT_EQ(pip_http_defaults(s).proxy, "http://someone:secret@127.0.0.1:3128");
}

class RecordingHttp final : public host::HttpClient {
 public:
  Expected<host::HttpResponse> get(const std::string&, const host::HttpOptions& options) override {
    seen.push_back(options);
    return host::HttpResponse{200, "", false, false, {}};
  }
  std::vector<host::HttpOptions> seen;
};

TEST(PipConfigHttp, DefaultsApplyUnlessTheRequestSetsItsOwn) {
  RecordingHttp inner;
  DefaultedHttp http(inner, pip_http_defaults(parse_pip_config_list(
                                "install.proxy='http://p:1'\nglobal.cert='/etc/corp.pem'\n")));
  host::HttpOptions plain;
  plain.max_bytes = 7;
  ASSERT_TRUE(http.get("https://a.example/", plain).has_value());
  host::HttpOptions own;
  own.proxy = "http://mine:2";
  ASSERT_TRUE(http.get("https://a.example/", own).has_value());
  ASSERT_EQ(inner.seen.size(), 2u);
  EXPECT_EQ(inner.seen[0].proxy, "http://p:1");
  EXPECT_EQ(inner.seen[0].ca_file, "/etc/corp.pem");
  EXPECT_EQ(inner.seen[0].max_bytes, 7u);
  EXPECT_EQ(inner.seen[1].proxy, "http://mine:2");
}

// A proxy on 127.0.0.1 that records each request line and answers 200 with a body
// naming what it was asked (a plain HTTP proxy gets absolute URIs; https goes by CONNECT,
// which it refuses with 403).
class RecordingProxy {
 public:
  RecordingProxy() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RecordingProxy() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 private:
  void serve() {
    while (!stopping_) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
        ssize_t n = ::read(c, buf, sizeof(buf));
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      const std::string line = request.substr(0, request.find("\r\n"));
      {
        std::lock_guard<std::mutex> lock(mutex_);
        lines_.push_back(line);
      }
      const std::string body = "proxied: " + line + "\n";
      const std::string reply =
          line.starts_with("CONNECT ")
              ? std::string("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\n\r\n" + body;
      [[maybe_unused]] auto written = ::write(c, reply.data(), reply.size());
      ::close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

// libcurl really goes through the proxy pip would use: a host that cannot resolve
// (.invalid, RFC 6761) answers through it, and https asks it for a tunnel.
TEST(PipConfigHttp, CurlGoesThroughPipsProxy) {
  RecordingProxy proxy;
  ASSERT_GT(proxy.port(), 0);
  auto curl = host::make_curl_http();
  DefaultedHttp http(*curl, pip_http_defaults(parse_pip_config_list(
                                "install.proxy='127.0.0.1:" + std::to_string(proxy.port()) + "'\n")));
  host::HttpOptions options;
  options.allow_insecure = true;
  options.timeout = std::chrono::seconds(20);
  auto got = http.get("http://torchup-proxy-test.invalid/simple/torch/", options);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, "proxied: GET http://torchup-proxy-test.invalid/simple/torch/ HTTP/1.1\n");

  auto tunnel = http.get("https://torchup-proxy-test.invalid/simple/torch/", options);
  EXPECT_FALSE(tunnel.has_value());  // the proxy refused the tunnel
  auto lines = proxy.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "CONNECT torchup-proxy-test.invalid:443 HTTP/1.1");
}

// `torchup install --mirror auto` on a machine whose pip.conf names a proxy: every
// probe of the built-in mirrors goes to that proxy (here one on 127.0.0.1 that refuses
// tunnels, so the run is offline), and the dry run says which pip settings it adopted
// and which change the install, without the proxy's password.
TEST(PipConfigCli, MirrorProbesGoThroughPipsProxyAndTheUserHearsWhichSettings) {
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  RecordingProxy proxy;
  ASSERT_GT(proxy.port(), 0);
  TempDir dir;
  const std::string proxy_url = "http://someone:secret@127.0.0.1:" + std::to_string(proxy.port());
  dir.write("pip.conf", "[global]\nextra-index-url = https://extra.example/simple\n[install]\nproxy = " + proxy_url +
                            "\n");
  host::RunOptions options;
  options.timeout = std::chrono::seconds(120);
  options.env = {{"NO_COLOR", "1"},          {"PIP_CONFIG_FILE", dir.str() + "/pip.conf"},
                 {"PIP_PROXY", ""},          {"PIP_CERT", ""},
                 {"PIP_INDEX_URL", ""},      {"PIP_EXTRA_INDEX_URL", ""},
                 {"PIP_FIND_LINKS", ""},     {"PIP_NO_INDEX", ""}};
  auto r = host::make_process_runner()->run({TORCHUP_BINARY, "install", "--platform", "cpu", "--python",
                                             "/usr/bin/python3", "--mirror", "auto", "--dry-run"},
                                            options);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("  pip config: pip's proxy http://***@127.0.0.1:" + std::to_string(proxy.port()) +
                       " (pip config install.proxy)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  pip config: pip also looks in https://extra.example/simple (pip config "
                       "global.extra-index-url)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ((r.out + r.err).find("secret"), std::string::npos) << r.out << r.err;
  auto lines = proxy.lines();
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  EXPECT_NE(all.find("CONNECT download.pytorch.org:443 HTTP/1.1"), std::string::npos) << all;
  EXPECT_GE(lines.size(), 2u) << "the mirrors were not probed through the proxy\n" << all;
  for (const auto& line : lines) EXPECT_TRUE(line.starts_with("CONNECT ")) << line;
}

TEST(InstalledBuild, MatchesThePlansVersionAndVariant) {
  model::Plan cpu;
  cpu.torch = "2.12.0";
  cpu.platform = "cpu";
  cpu.index_url = "https://download.pytorch.org/whl/cpu";
  EXPECT_FALSE(installed_build_mismatch(cpu, "2.12.0+cpu"));
  EXPECT_FALSE(installed_build_mismatch(cpu, "2.12.0"));  // macOS wheels carry no local version
  EXPECT_EQ(installed_build_mismatch(cpu, "2.12.0+cu126"), "torch 2.12.0+cu126, not the planned 2.12.0+cpu");
  EXPECT_EQ(installed_build_mismatch(cpu, "2.11.0+cpu"), "torch 2.11.0+cpu, not the planned 2.12.0+cpu");
  EXPECT_FALSE(installed_build_mismatch(cpu, ""));  // nothing to judge

  model::Plan pypi;  // the plan installs from pip's default index: PyPI's torch has no local version
  pypi.torch = "2.12.0";
  pypi.platform = "cu128";
  EXPECT_FALSE(installed_build_mismatch(pypi, "2.12.0"));
  EXPECT_EQ(installed_build_mismatch(pypi, "2.12.0+cpu"),
            "torch 2.12.0+cpu, not the planned 2.12.0 from pip's default index");

  model::Plan mirror = cpu;  // a mirror of the wheel index: the variant is the plan's platform
  mirror.index_url = "https://mirror.example/pytorch-wheels/cu126";
  mirror.platform = "cu126";
  EXPECT_FALSE(installed_build_mismatch(mirror, "2.12.0+cu126"));
  EXPECT_TRUE(installed_build_mismatch(mirror, "2.12.0+cu128"));

  model::Plan bare;  // neither index nor platform (library use): only the release is judged
  bare.torch = "2.12.0";
  EXPECT_FALSE(installed_build_mismatch(bare, "2.12.0+cu126"));
  EXPECT_TRUE(installed_build_mismatch(bare, "2.11.0"));

  model::Plan nightly = cpu;
  nightly.torch = "nightly";
  EXPECT_FALSE(installed_build_mismatch(nightly, "2.13.0.dev20261128+cpu"));
  model::Plan nightly_index = cpu;
  nightly_index.index_url = "https://download.pytorch.org/whl/nightly/cpu";
  EXPECT_FALSE(installed_build_mismatch(nightly_index, "2.13.0.dev20261128+cpu"));
}

// ---- pip's configuration read natively (read_pip_config) ----

using Sections = std::vector<std::pair<std::string, std::map<std::string, std::string>>>;

TEST(PipIni, ReadsWhatConfigparserReads) {
  auto ini = parse_pip_ini(
      "# a comment\r\n"
      "[DEFAULT]\n"
      "timeout = 60\n"
      "[global]   ; the rest of a header line is ignored\n"
      "Index-URL: https://a.example/simple # not a comment\n"
      "extra-index-url =\n"
      "    https://b.example/simple\n"
      "\n"
      "    ; a comment inside a value\n"
      "    https://c.example/simple\n"
      "\n"
      "timeout = 5\n"
      "[Install]\n"
      "proxy=http://p:1=x\n"
      "empty =\n");
  ASSERT_TRUE(ini.error.empty()) << ini.error;
  Sections want{{"global",
                 {{"index-url", "https://a.example/simple # not a comment"},
                  {"extra-index-url", "\nhttps://b.example/simple\n\nhttps://c.example/simple"},
                  {"timeout", "5"}}},
                {"Install", {{"proxy", "http://p:1=x"}, {"empty", ""}, {"timeout", "60"}}}};
  EXPECT_EQ(ini.sections, want);
}

TEST(PipIni, FailsWherePipStops) {
  for (const char* bad : {"index-url = x\n", "[global]\nnot an option\n", "[global]\na = 1\n[global]\nb = 2\n",
                          "[global]\na = 1\nA = 2\n", "[global]\n= 1\n"}) {
    auto ini = parse_pip_ini(bad);
    EXPECT_FALSE(ini.error.empty()) << bad;
    EXPECT_TRUE(ini.sections.empty()) << bad;
  }
  EXPECT_EQ(parse_pip_ini("index-url = x\n").error, "line 1: file contains no section headers");
}

std::map<std::string, std::string> plain(const PipConfigRead& read) {
  std::map<std::string, std::string> out;
  for (const auto& [key, v] : read.values) out[key] = v.value;
  return out;
}

// Every kind of file pip reads, in a fixture root: the files in pip's order, the
// later winning per key, then the environment.
TEST(PipConfigNative, FilesInPipsOrderThenTheEnvironment) {
  TempDir root;
  root.write("etc/xdg/pip/pip.conf", "[global]\nindex-url = https://xdg.example/simple\ncert = /xdg.pem\n");
  root.write("etc/pip.conf", "[global]\nindex-url = https://etc.example/simple\nproxy = http://etc:1\n");
  root.write("home/u/.pip/pip.conf", "[global]\nproxy = http://legacy:1\nfind-links = /legacy\n");
  root.write("home/u/.config/pip/pip.conf", "[global]\nproxy = http://user:1\n");
  root.write("venv/pip.conf", "[install]\nindex-url = https://site.example/simple\n");
  auto fs = host::make_rooted_fs(root.str());
  auto env = host::make_map_environment({{"HOME", "/home/u/"}, {"PIP_CERT", "/env.pem"}, {"PIP_NO_INDEX", ""}});
  auto read = read_pip_config(*fs, *env, "/venv");
  ASSERT_TRUE(read.error.empty()) << read.error;
  EXPECT_EQ(read.files, (std::vector<std::string>{"/etc/xdg/pip/pip.conf", "/etc/pip.conf", "/home/u/.pip/pip.conf",
                                                  "/home/u/.config/pip/pip.conf", "/venv/pip.conf"}));
  EXPECT_EQ(plain(read), (std::map<std::string, std::string>{{"global.index-url", "https://etc.example/simple"},
                                                             {"global.cert", "/xdg.pem"},
                                                             {"global.proxy", "http://user:1"},
                                                             {"global.find-links", "/legacy"},
                                                             {"install.index-url", "https://site.example/simple"},
                                                             {":env:.cert", "/env.pem"},
                                                             {":env:.no-index", ""}}));
  EXPECT_EQ(read.values.at("global.proxy").file, "/home/u/.config/pip/pip.conf");
  std::map<std::string, std::string> values = plain(read);
  auto s = interpret_pip_config(values);
  ASSERT_TRUE(s.index_url && s.proxy && s.cert);
  EXPECT_EQ(s.index_url->value, "https://site.example/simple");  // [install] beats [global]
  EXPECT_EQ(s.index_url->origin, "pip config install.index-url");
  EXPECT_EQ(s.cert->origin, "PIP_CERT");
  EXPECT_FALSE(s.no_index);  // empty: skipped

  // XDG directories of the user's choosing; the later global directory wins.
  root.write("x1/pip/pip.conf", "[global]\nindex-url = https://x1.example/simple\n");
  root.write("x2/pip/pip.conf", "[global]\nindex-url = https://x2.example/simple\n");
  root.write("cfg/pip/pip.conf", "[global]\nproxy = http://cfg:1\n");
  auto xdg = host::make_map_environment({{"HOME", "/home/u"}, {"XDG_CONFIG_DIRS", "/x1:/x2:/missing"},
                                         {"XDG_CONFIG_HOME", "/cfg"}});
  read = read_pip_config(*fs, *xdg, "/venv");
  EXPECT_EQ(read.files, (std::vector<std::string>{"/x1/pip/pip.conf", "/x2/pip/pip.conf", "/etc/pip.conf",
                                                  "/home/u/.pip/pip.conf", "/cfg/pip/pip.conf", "/venv/pip.conf"}));
  EXPECT_EQ(read.values.at("global.index-url").value, "https://etc.example/simple");
  EXPECT_EQ(read.values.at("global.proxy").value, "http://cfg:1");
}

TEST(PipConfigNative, PipConfigFileRules) {
  TempDir root;
  root.write("home/u/.config/pip/pip.conf", "[global]\nindex-url = https://user.example/simple\n");
  root.write("cfg.conf", "[global]\nproxy = http://cfg:1\n");
  root.write("venv/pip.conf", "[global]\nproxy = http://site:1\n");
  auto fs = host::make_rooted_fs(root.str());
  // os.devnull: no file at all, the environment still counts.
  auto devnull = host::make_map_environment({{"HOME", "/home/u"}, {"PIP_CONFIG_FILE", "/dev/null"}});
  auto read = read_pip_config(*fs, *devnull, "/venv");
  EXPECT_TRUE(read.files.empty());
  EXPECT_EQ(plain(read), (std::map<std::string, std::string>{{":env:.config-file", "/dev/null"}}));
  // A file that exists: the user's files are skipped, and it beats the site file.
  auto existing = host::make_map_environment({{"HOME", "/home/u"}, {"PIP_CONFIG_FILE", "/cfg.conf"}});
  read = read_pip_config(*fs, *existing, "/venv");
  EXPECT_EQ(read.files, (std::vector<std::string>{"/venv/pip.conf", "/cfg.conf"}));
  EXPECT_EQ(read.values.at("global.proxy").value, "http://cfg:1");
  EXPECT_EQ(read.values.count("global.index-url"), 0u);
  // A file that does not exist: the user's files are read.
  auto missing = host::make_map_environment({{"HOME", "/home/u"}, {"PIP_CONFIG_FILE", "/nope.conf"}});
  read = read_pip_config(*fs, *missing, "/venv");
  EXPECT_EQ(read.values.at("global.index-url").value, "https://user.example/simple");
  EXPECT_EQ(read.values.at("global.proxy").value, "http://site:1");
  // A file pip cannot parse stops pip; the reading says which.
  root.write("venv/pip.conf", "proxy = http://site:1\n");
  auto runner = host::make_refusing_runner("nothing runs");
  auto http = host::make_curl_http();
  host::Host h{*fs, *runner, *missing, *http, {}, true};
  auto s = read_pip_settings_at_prefix(h, "/venv");
  EXPECT_FALSE(s.read);
  EXPECT_EQ(s.unread_reason,
            "pip cannot read its configuration file /venv/pip.conf (line 1: file contains no section headers)");
}

void make_link(const TempDir& root, const std::string& rel, const std::string& target) {
  std::filesystem::create_directories((root.path() / rel).parent_path());
  std::filesystem::create_symlink(target, root.path() / rel);
}

void make_program(const TempDir& root, const std::string& rel) {
  root.write(rel, "\x7f" "ELF");
  std::filesystem::permissions(root.path() / rel, std::filesystem::perms::owner_all);
}

TEST(PipConfigNative, SysPrefixFromTheInterpretersFiles) {
  TempDir root;
  make_program(root, "usr/bin/python3.11");
  make_link(root, "usr/bin/python3", "python3.11");
  root.write("usr/lib/python3.11/os.py", "");
  root.write("venv/pyvenv.cfg", "home = /usr/bin\n");
  make_link(root, "venv/bin/python", "/usr/bin/python3");
  make_program(root, "opt/wrapper/bin/python3");  // a shim script: no standard library near it
  auto fs = host::make_rooted_fs(root.str());
  auto env = host::make_map_environment({});
  EXPECT_EQ(sys_prefix_from_files(*fs, *env, "/usr/bin/python3"), "/usr");
  EXPECT_EQ(sys_prefix_from_files(*fs, *env, "/venv/bin/python"), "/venv");
  EXPECT_EQ(sys_prefix_from_files(*fs, *env, "/opt/wrapper/bin/python3"), std::nullopt);
  EXPECT_EQ(sys_prefix_from_files(*fs, *env, "python3"), std::nullopt);
  auto home = host::make_map_environment({{"PYTHONHOME", "/elsewhere"}});
  EXPECT_EQ(sys_prefix_from_files(*fs, *home, "/usr/bin/python3"), std::nullopt);

  // The native reading runs nothing when the files tell.
  root.write("venv/pip.conf", "[global]\nextra-index-url = https://site.example/simple\n");
  host::ScriptedRunner runner;
  auto http = host::make_curl_http();
  host::Host h{*fs, runner, *env, *http, {}, true};
  auto s = read_pip_settings(h, "/venv/bin/python", {{"PIP_EXTRA_INDEX_URL", ""}});
  ASSERT_TRUE(s.read) << s.unread_reason;
  ASSERT_EQ(s.extra_index_urls.size(), 1u);
  EXPECT_EQ(s.extra_index_urls[0].value, "https://site.example/simple");
  EXPECT_TRUE(runner.calls().empty());
}

// The native reading against real pip (Debian's python3-pip), over a table of
// configurations: pip runs under `env -i` with exactly the variables of the row (this
// machine's own PIP_* and HOME stay out), the native reading sees the same ones.
struct PipCase {
  const char* name;
  std::vector<std::pair<std::string, std::string>> files;  // path under the row's dir -> text
  std::map<std::string, std::string> env;                   // "{dir}" is the row's dir
  bool in_venv = false;
};

// `pip config list` lines as a dictionary, for the names torchup interprets.
std::map<std::string, std::string> listed(const std::string& output) {
  static const std::vector<std::string> kNames{"proxy", "cert", "index-url", "extra-index-url", "find-links",
                                               "no-index", "break-system-packages", "config-file"};
  std::map<std::string, std::string> out;
  for (auto line : str::lines(output)) {
    auto eq = line.find('='), dot = line.find('.');
    if (eq == std::string_view::npos || dot == std::string_view::npos || dot > eq) continue;
    std::string name(line.substr(dot + 1, eq - dot - 1));
    if (std::find(kNames.begin(), kNames.end(), name) == kNames.end()) continue;
    if (auto v = parse_python_repr(line.substr(eq + 1))) out[std::string(line.substr(0, eq))] = *v;
  }
  return out;
}

std::string setting_text(const std::optional<PipSetting>& s) { return s ? s->value + " (" + s->origin + ")" : "-"; }
std::string settings_text(const PipSettings& s) {
  std::string out = "read=" + std::to_string(s.read) + " proxy=" + setting_text(s.proxy) +
                    " cert=" + setting_text(s.cert) + " index=" + setting_text(s.index_url) +
                    " no-index=" + setting_text(s.no_index) + " bsp=" + setting_text(s.break_system_packages);
  for (const auto& e : s.extra_index_urls) out += " extra=" + setting_text(e);
  for (const auto& f : s.find_links) out += " links=" + setting_text(f);
  return out;
}

TEST(PipConfigNative, AgreesWithRealPip) {
  if (!std::filesystem::exists("/usr/bin/python3") || !std::filesystem::exists("/usr/bin/env")) {
    GTEST_SKIP() << "no /usr/bin/python3";
  }
  const std::vector<PipCase> cases{
      {"user files: the XDG one beats the legacy one, [install] beats [global]",
       {{"home/.pip/pip.conf", "[global]\nindex-url = https://legacy.example/simple\nproxy = http://legacy:1\n"},
        {"home/.config/pip/pip.conf",
         "[global]\nindex-url = https://user.example/simple\n[install]\nproxy = http://user:1\n"
         "[download]\nproxy = http://download:1\n"}},
       {{"HOME", "{dir}/home"}}},
      {"XDG directories: the later global directory wins, the user's beats both",
       {{"x1/pip/pip.conf", "[global]\nindex-url = https://x1.example/simple\nextra-index-url = https://e1.example/s\n"},
        {"x2/pip/pip.conf", "[global]\nindex-url = https://x2.example/simple\n"},
        {"cfg/pip/pip.conf", "[install]\nfind-links =\n    /wheels/a\n\n    /wheels/b\n"}},
       {{"HOME", "{dir}/home"}, {"XDG_CONFIG_DIRS", "{dir}/x1:{dir}/x2"}, {"XDG_CONFIG_HOME", "{dir}/cfg"}}},
      {"the environment beats the files; empty values are skipped",
       {{"home/.config/pip/pip.conf",
         "[global]\nindex-url = https://file.example/simple\ncert = /file.pem\n[install]\nindex-url =\n"}},
       {{"HOME", "{dir}/home"},
        {"PIP_INDEX_URL", ""},
        {"PIP_PROXY", "http://env:1"},
        {"PIP_NO_INDEX", "yes"},
        {"PIP_EXTRA_INDEX_URL", "https://u1.example/s https://u2.example/s"}}},
      {"PIP_CONFIG_FILE=/dev/null: no file is read",
       {{"home/.config/pip/pip.conf", "[global]\nindex-url = https://user.example/simple\n"}},
       {{"HOME", "{dir}/home"}, {"PIP_CONFIG_FILE", "/dev/null"}, {"PIP_CERT", "/env.pem"}}},
      {"PIP_CONFIG_FILE that exists: the user's files are skipped, it beats the site file",
       {{"home/.config/pip/pip.conf", "[global]\nextra-index-url = https://user.example/simple\n"},
        {"cfg.conf", "[install]\nproxy = http://cfg:1\nindex-url = https://cfg.example/simple\n"},
        {"venv/pip.conf", "[global]\nindex-url = https://site.example/simple\nproxy = http://site:1\n"}},
       {{"HOME", "{dir}/home"}, {"PIP_CONFIG_FILE", "{dir}/cfg.conf"}},
       true},
      {"PIP_CONFIG_FILE that does not exist: the user's files are read",
       {{"home/.config/pip/pip.conf", "[global]\nextra-index-url = https://user.example/simple\n"}},
       {{"HOME", "{dir}/home"}, {"PIP_CONFIG_FILE", "{dir}/missing.conf"}}},
      {"a venv's own pip.conf beats the user's; [DEFAULT], ':' and comments",
       {{"home/.config/pip/pip.conf", "[global]\nindex-url = https://user.example/simple\nno-index = true\n"},
        {"venv/pip.conf",
         "# site\n[DEFAULT]\nbreak-system-packages = true\n[global]\nindex-url: https://site.example/simple\n"
         "; off\nno-index = off\n[install]\n"}},
       {{"HOME", "{dir}/home"}},
       true},
      {"a file pip cannot read",
       {{"home/.config/pip/pip.conf", "index-url = https://user.example/simple\n"}},
       {{"HOME", "{dir}/home"}}},
  };
  TempDir base;
  // A venv that runs Debian's pip (system site packages) without installing one.
  auto runner = host::make_process_runner();
  host::RunOptions slow;
  slow.timeout = std::chrono::seconds(60);
  auto made = runner->run({"/usr/bin/python3", "-m", "venv", "--without-pip", "--system-site-packages",
                           base.str() + "/venv-template"},
                          slow);
  ASSERT_TRUE(made.ok()) << made.err;
  int row = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string dir = base.str() + "/case" + std::to_string(row++);
    std::filesystem::create_directories(dir + "/home");
    std::string python = "/usr/bin/python3";
    if (c.in_venv) {
      made = runner->run({"/usr/bin/python3", "-m", "venv", "--without-pip", "--system-site-packages", dir + "/venv"},
                         slow);
      ASSERT_TRUE(made.ok()) << made.err;
      python = dir + "/venv/bin/python";
    }
    auto fill = [&](std::string text) {
      for (auto at = text.find("{dir}"); at != std::string::npos; at = text.find("{dir}")) text.replace(at, 5, dir);
      return text;
    };
    for (const auto& [rel, text] : c.files) {
      std::filesystem::create_directories(std::filesystem::path(dir + "/" + rel).parent_path());
      std::ofstream(dir + "/" + rel) << text;
    }
    std::map<std::string, std::string> vars;
    std::vector<std::string> argv{"/usr/bin/env", "-i"};
    for (const auto& [k, v] : c.env) {
      vars[k] = fill(v);
      argv.push_back(k + "=" + vars[k]);
    }
    argv.push_back(python);
    argv.insert(argv.end(), {"-m", "pip", "config", "list"});
    auto real = runner->run(argv, slow);
    ASSERT_TRUE(real.started) << real.start_error;

    auto fs = host::make_rooted_fs("/");
    auto env = host::make_map_environment(vars);
    auto http = host::make_curl_http();
    host::Host h{*fs, *runner, *env, *http, {}, true};
    auto native = read_pip_settings(h, python);
    if (real.exit_code != 0) {  // pip stops at a file it cannot read; so does the reading
      EXPECT_FALSE(native.read) << real.err;
      EXPECT_NE(native.unread_reason.find(dir + "/home/.config/pip/pip.conf"), std::string::npos)
          << native.unread_reason;
      continue;
    }
    EXPECT_TRUE(native.read) << native.unread_reason;
    auto prefix = sys_prefix_from_files(*fs, *env, python);
    ASSERT_TRUE(prefix);
    EXPECT_EQ(plain(read_pip_config(*fs, *env, *prefix)), listed(real.out)) << real.out;
    EXPECT_EQ(settings_text(native), settings_text(parse_pip_config_list(real.out))) << real.out;
  }
}

}  // namespace
}  // namespace torchup::act
