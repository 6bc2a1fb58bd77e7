// cpp-httplib is included here only (it is a large header): the rest of torchup
// sees serve::Server.
#include "serve/server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "serve/web_assets.h"

namespace torchup::serve {

struct Server::Impl {
  explicit Impl(Api a) : api(std::move(a)) {}
  Api api;
  httplib::Server http;
  std::thread thread;
  int port = 0;
  std::atomic<bool> finished{false};  // the accept loop returned (stopped or failed)
};

namespace {

void send(httplib::Response& res, const ApiResponse& answer) {
  res.status = answer.status;
  res.set_content(answer.body, answer.content_type.c_str());
}

void add_security_headers(httplib::Server& http) {
  // The page uses only its own files: no framing by other sites, no outside fetches.
  http.set_default_headers({
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"},
  });
}

void route(Server::Impl& impl) {
  auto& http = impl.http;
  add_security_headers(http);
  // httplib's default also sets SO_REUSEPORT, which lets a second process bind the
  // very same port and take our connections; SO_REUSEADDR alone only allows a quick
  // restart after TIME_WAIT.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    // Winsock declares the value as const char*, POSIX as const void*: one cast fits both.
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof yes);
  });
  http.set_pre_routing_handler([&impl](const httplib::Request& req, httplib::Response& res) {
    if (!host_allowed(req.get_header_value("Host"), impl.port)) {
      send(res, json_error(403, "this server answers only to http://127.0.0.1:" + std::to_string(impl.port) + "/",
                           "open the page through localhost; other host names are refused (DNS rebinding)"));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      send(res, json_error(405, "only GET is served; nothing here changes the machine"));
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.Get(R"(/api/.*)", [&impl](const httplib::Request& req, httplib::Response& res) {
    QueryParams params(req.params.begin(), req.params.end());
    send(res, impl.api.handle(req.path, params));
  });
  http.Get(R"(/.*)", [](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.path == "/" ? "index.html" : req.path.substr(1);
    auto bytes = web_asset(name);
    if (!bytes) {
      send(res, json_error(404, "no such page", "open /"));
      return;
    }
    res.set_content(std::string(*bytes), std::string(mime_type_for(name)).c_str());
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send(res, json_error(500, "internal error"));
  });
}

}  // namespace

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

Expected<std::unique_ptr<Server>> Server::start(Api api, int port) {
  if (port < 0 || port > 65535) {
    return make_error(ErrorKind::kUsage, "port " + std::to_string(port) + " is out of range", "use 0..65535 (0 picks a free one)");
  }
  auto impl = std::make_unique<Impl>(std::move(api));
  route(*impl);
  bool bound = false;
  if (port == 0) {
    impl->port = impl->http.bind_to_any_port(kLoopbackAddress);
    bound = impl->port > 0;
  } else {
    impl->port = port;
    bound = impl->http.bind_to_port(kLoopbackAddress, port);
  }
  if (!bound) {
    return make_error(ErrorKind::kEnvironment, "cannot listen on 127.0.0.1:" + std::to_string(port),
                      "the port may be in use; try --port 0 to pick a free one");
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    raw->http.listen_after_bind();
    raw->finished = true;
  });
  // Return only once the accept loop runs, so stop() cannot race with its start.
  while (!impl->http.is_running() && !impl->finished) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (impl->finished) {
    impl->thread.join();
    return make_error(ErrorKind::kEnvironment, "the server on 127.0.0.1:" + std::to_string(impl->port) + " stopped at once");
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Server::port() const { return impl_->port; }

std::string Server::url() const { return "http://127.0.0.1:" + std::to_string(impl_->port) + "/"; }

void Server::stop() {
  if (!impl_) return;
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace torchup::serve
