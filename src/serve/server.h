// The HTTP side of `torchup serve`: cpp-httplib bound to 127.0.0.1 only, serving
// the embedded page (web/) and the JSON API (serve/api.h). Every request's Host
// header must name localhost / 127.0.0.1 / [::1] with our port, else 403, so a
// web page elsewhere cannot read the API through DNS rebinding. Only GET and HEAD
// exist; nothing changes the machine.
//
// Designed for tests: start(api, 0) binds a free port and serves from a
// background thread; stop() ends it; the destructor stops it too. Signals are
// the caller's business (cmd_serve waits for SIGINT/SIGTERM, then stops).
#pragma once

#include <memory>
#include <string>

#include "serve/api.h"
#include "util/expected.h"

namespace torchup::serve {

inline constexpr const char* kLoopbackAddress = "127.0.0.1";

class Server {
 public:
  // Binds 127.0.0.1:`port` (0: any free port) and starts serving in the
  // background; returns once requests can be answered. kEnvironment when the
  // port cannot be bound (in use, no permission).
  static Expected<std::unique_ptr<Server>> start(Api api, int port);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;
  std::string url() const;  // "http://127.0.0.1:PORT/"
  // Stops accepting and waits for the serving thread. Idempotent.
  void stop();

  struct Impl;  // the httplib server and its thread (server.cpp only)

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace torchup::serve
