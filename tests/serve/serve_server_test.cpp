// The real server, started in-process on port 0: it answers on 127.0.0.1, refuses
// foreign Host headers (DNS rebinding), is not reachable on the machine's other
// addresses, serves the embedded page, answers malformed queries with 400 JSON,
// and stops. Requests are written by hand over a socket so the Host header is
// exactly what the test says.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "render/select_output.h"
#include "select/select_fixture.h"
#include "serve/server.h"

namespace torchup::serve {
namespace {

struct RawResponse {
  bool connected = false;
  int status = 0;
  std::string head;
  std::string body;
};

// One HTTP/1.1 request to ip:port with the given Host header (and method).
RawResponse raw_request(const std::string& ip, int port, const std::string& path, const std::string& host,
                        const std::string& method = "GET") {
  RawResponse out;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return out;
  }
  out.connected = true;
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
  if (method == "POST") request += "Content-Length: 0\r\n";
  request += "\r\n";
  if (::send(fd, request.data(), request.size(), 0) < 0) {
    ::close(fd);
    return out;
  }
  std::string all;
  char buffer[8192];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) all.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  auto split = all.find("\r\n\r\n");
  out.head = all.substr(0, split);
  out.body = split == std::string::npos ? "" : all.substr(split + 4);
  if (all.size() > 12) out.status = std::atoi(all.substr(9, 3).c_str());
  return out;
}

class ServeServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto selector = std::make_shared<const render::Selector>(torchup::testing::embedded_selector());
    MachineSources sources;
    sources.machine = []() -> Expected<nlohmann::json> { return nlohmann::json{{"schema", "torchup.machine/1"}}; };
    auto started = Server::start(Api(selector, std::move(sources)), 0);
    ASSERT_TRUE(started) << started.error().message;
    server_ = std::move(*started);
    port_ = server_->port();
    host_ = "127.0.0.1:" + std::to_string(port_);
  }
  RawResponse get(const std::string& path) { return raw_request("127.0.0.1", port_, path, host_); }

  std::unique_ptr<Server> server_;
  int port_ = 0;
  std::string host_;
};

TEST_F(ServeServer, PicksAFreePortAndServesThePage) {
  EXPECT_GT(port_, 0);
  EXPECT_EQ(server_->url(), "http://127.0.0.1:" + std::to_string(port_) + "/");
  auto page = get("/");
  ASSERT_TRUE(page.connected);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.head.find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("Start Locally"), std::string::npos);
  EXPECT_NE(page.head.find("Content-Security-Policy"), std::string::npos);
  // No CDN, no outside fonts: the page names no other origin.
  EXPECT_EQ(page.body.find("https://"), std::string::npos);
  for (const char* asset : {"/app.js", "/app.css", "/i18n.js"}) {
    auto r = get(asset);
    EXPECT_EQ(r.status, 200) << asset;
    EXPECT_FALSE(r.body.empty()) << asset;
  }
  EXPECT_EQ(get("/missing.html").status, 404);
  EXPECT_EQ(get("/../../etc/passwd").status, 404);
}

TEST_F(ServeServer, RefusesForeignHostHeaders) {
  const std::vector<std::string> foreign = {"evil.example", "evil.example:" + std::to_string(port_), "localhost:1",
                                            "127.0.0.1.nip.io:" + std::to_string(port_), ""};
  for (const auto& host : foreign) {
    for (const char* path : {"/", "/api/options", "/api/machine"}) {
      auto r = raw_request("127.0.0.1", port_, path, host);
      ASSERT_TRUE(r.connected);
      EXPECT_EQ(r.status, 403) << "Host: " << host << " " << path;
      EXPECT_EQ(r.body.find("Start Locally"), std::string::npos);
      EXPECT_EQ(r.body.find("torchup.machine"), std::string::npos);
    }
  }
  const std::vector<std::string> ours = {"localhost:" + std::to_string(port_), "[::1]:" + std::to_string(port_), host_};
  for (const auto& host : ours) {
    EXPECT_EQ(raw_request("127.0.0.1", port_, "/api/options", host).status, 200) << host;
  }
}

TEST_F(ServeServer, NothingButGet) {
  auto r = raw_request("127.0.0.1", port_, "/api/options", host_, "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(raw_request("127.0.0.1", port_, "/api/select", host_, "DELETE").status, 405);
}

TEST_F(ServeServer, MalformedQueriesGet400Json) {
  for (const char* path : {"/api/select", "/api/select?os=beos&platform=cpu", "/api/select?os=linux&platform=%3Cscript%3E",
                           "/api/select?os=linux&os=windows&platform=cpu", "/api/select?os=linux&platform=cpu&x=%ff%00",
                           "/api/options?torch=%00", "/api/select?os=linux&platform"}) {
    auto r = get(path);
    EXPECT_EQ(r.status, 400) << path;
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << path << ": " << r.body;
    EXPECT_FALSE(body.value("error", "").empty()) << path;
  }
  EXPECT_EQ(get("/api/options").status, 200);  // still alive
}

TEST_F(ServeServer, SelectOverHttpEqualsTheSelector) {
  const auto& selector = torchup::testing::embedded_selector();
  auto expected = selector.select({"1.9.0", "linux", "pip", "", "cu111", false});
  ASSERT_TRUE(expected);
  auto r = get("/api/select?torch=1.9.0&os=linux&package=pip&platform=cu111");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["text"].get<std::string>(), render::select_text(*expected));
  EXPECT_EQ(body["command"].get<std::string>(), *expected->command);
}

// The server listens on 127.0.0.1 only: the same port on any other address of
// this machine must refuse the connection.
TEST_F(ServeServer, NotReachableOnOtherAddresses) {
  ifaddrs* list = nullptr;
  ASSERT_EQ(::getifaddrs(&list), 0);
  std::vector<std::string> addresses;
  for (auto* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK)) continue;
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
    addresses.emplace_back(text);
  }
  ::freeifaddrs(list);
  if (addresses.empty()) GTEST_SKIP() << "this machine has no non-loopback IPv4 address to try";
  for (const auto& ip : addresses) {
    auto r = raw_request(ip, port_, "/api/options", ip + ":" + std::to_string(port_));
    EXPECT_FALSE(r.connected) << "reachable on " << ip;
  }
  // ...while loopback answers (so the refusal above is not a dead server).
  EXPECT_EQ(get("/api/options").status, 200);
  std::cout << "[ serve ] refused on " << addresses.size() << " non-loopback address(es), e.g. " << addresses[0] << "\n";
}

TEST_F(ServeServer, StopsAndReleasesThePort) {
  server_->stop();
  EXPECT_FALSE(raw_request("127.0.0.1", port_, "/", host_).connected);
  server_->stop();  // idempotent
}

TEST(ServeServerStart, BusyPortIsAnErrorNotACrash) {
  auto selector = std::make_shared<const render::Selector>(torchup::testing::embedded_selector());
  auto first = Server::start(Api(selector, {}), 0);
  ASSERT_TRUE(first);
  auto second = Server::start(Api(selector, {}), (*first)->port());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find(std::to_string((*first)->port())), std::string::npos);
  EXPECT_FALSE(Server::start(Api(selector, {}), 70000));
}

}  // namespace
}  // namespace torchup::serve
