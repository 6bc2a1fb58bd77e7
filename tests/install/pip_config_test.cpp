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
#include <mutex>
#include <thread>

#include "act/install.h"
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
  auto s = read_pip_settings(h, "/py");
  EXPECT_FALSE(s.read);
  EXPECT_EQ(s.unread_reason, "`/py -m pip config list` failed (exit 1)");
  auto missing = read_pip_settings(h, "/other");
  EXPECT_FALSE(missing.read);
  EXPECT_FALSE(missing.unread_reason.empty());
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
  auto s = read_pip_settings(owned->host(), "/usr/bin/python3",
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

}  // namespace
}  // namespace torchup::act
