// The WinHTTP client (host/http_winhttp.cpp) against a cpp-httplib server on 127.0.0.1:
// the body, a connection that closes before Content-Length's bytes (an error, not a
// short success), the total deadline with a trickling server, max_bytes.
#include <gtest/gtest.h>
#include <httplib.h>
#include <windows.h>

#include <thread>

#include "host/http_winhttp.h"

namespace torchup::host {
namespace {

class LocalServer {
 public:
  LocalServer() {
    server_.Get("/body", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello, 世界", "text/plain");
    });
    // Promises 1000 bytes, sends 10, then drops the connection.
    server_.Get("/short", [](const httplib::Request&, httplib::Response& res) {
      res.set_content_provider(1000, "application/octet-stream",
                               [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 if (offset > 0) return false;  // abort: httplib closes the socket
                                 sink.write("0123456789", 10);
                                 return true;
                               });
    });
    // One byte every 100 ms for 5 s: never idle long enough for a per-read timeout.
    server_.Get("/trickle", [](const httplib::Request&, httplib::Response& res) {
      res.set_content_provider(50, "text/plain", [](std::size_t, std::size_t, httplib::DataSink& sink) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        sink.write("x", 1);
        return true;
      });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~LocalServer() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(WinHttp, GetsTheBody) {
  LocalServer server;
  auto http = make_winhttp_http();
  auto r = http->get(server.url("/body"), HttpOptions{});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello, 世界");
  EXPECT_GT(r->elapsed.count(), 0);
  auto missing = http->get(server.url("/nothing"), HttpOptions{});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(WinHttp, BodyShorterThanContentLengthIsAnError) {
  LocalServer server;
  auto http = make_winhttp_http();
  auto r = http->get(server.url("/short"), HttpOptions{});
  ASSERT_FALSE(r) << "got " << r->body.size() << " bytes as a success";
  EXPECT_NE(r.error().message.find("of 1000 bytes"), std::string::npos) << r.error().message;
}

// wine's ntdll exports wine_get_version; Windows' does not.
bool under_wine() {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

TEST(WinHttp, TotalDeadlineStopsATricklingServer) {
  LocalServer server;
  auto http = make_winhttp_http();
  HttpOptions options;
  options.timeout = std::chrono::milliseconds(700);
  auto r = http->get(server.url("/trickle"), options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;

  if (under_wine()) {
    // Measured under Debian's wine 8.0: WinHttpReadData returns only once the whole
    // trickled body is in, so the deadline is reported but cannot stop the transfer
    // early there; real Windows returns each chunk as it arrives.
    GTEST_SKIP() << "wine's WinHTTP delivers a trickled body in one read";
  }
  options.keep_partial_on_timeout = true;
  auto partial = http->get(server.url("/trickle"), options);
  ASSERT_TRUE(partial) << partial.error().message;
  EXPECT_TRUE(partial->timed_out);
  EXPECT_FALSE(partial->body.empty());
  EXPECT_LT(partial->body.size(), 50u);
}

TEST(WinHttp, MaxBytesTruncates) {
  LocalServer server;
  auto http = make_winhttp_http();
  HttpOptions options;
  options.max_bytes = 5;
  auto r = http->get(server.url("/body"), options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->body, "hello");
}

TEST(WinHttp, RefusesPlainHttpBeyondLoopback) {
  auto http = make_winhttp_http();
  auto r = http->get("http://example.com/", HttpOptions{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
}

}  // namespace
}  // namespace torchup::host
