// A host that tells what it reads and runs (`torchup --verbose`): every file read,
// directory listed, program run and HTTP request of the wrapped host is described
// in one line to a sink, then passed through unchanged.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "host/host.h"

namespace torchup::host {

class TracingHost {
 public:
  using Sink = std::function<void(std::string_view line)>;
  TracingHost(Host& inner, Sink sink);
  ~TracingHost();
  TracingHost(const TracingHost&) = delete;
  TracingHost& operator=(const TracingHost&) = delete;
  Host& host() { return *host_; }

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
  std::unique_ptr<Host> host_;
};

}  // namespace torchup::host
