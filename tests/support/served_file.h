// One file served by a cpp-httplib server on 127.0.0.1 the way a slow or broken link
// serves it: a rate limit per connection, a link that drops every N bytes sent, a
// connection that stalls after N bytes, a server that ignores Range headers. Used by
// LocalIndex (install/local_index.h, FileMode::kServed) for the download tests and the
// download benchmark.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace torchup::testing {

struct ServedFileCounters {
  std::atomic<std::uint64_t> bytes_sent{0};  // body bytes written to sockets
  std::atomic<int> requests{0};
  std::atomic<int> range_requests{0};
  std::atomic<int> drops{0};
  std::atomic<bool> stopping{false};  // set before the server stops: stalled senders give up
};

struct ServedFileOptions {
  bool ranges = true;              // false: Range headers are ignored (200, the whole file)
  std::uint64_t rate = 0;          // bytes per second per connection; 0: as fast as it goes
  std::uint64_t drop_every = 0;    // the link drops each time this many more bytes were sent (all connections)
  std::uint64_t stall_after = 0;   // a response sends this many bytes, then nothing (until stopping)
  std::shared_ptr<ServedFileCounters> counters = std::make_shared<ServedFileCounters>();
};

// Adds GET `pattern` (a cpp-httplib regular expression) serving `bytes` to `server`.
inline void serve_file(httplib::Server& server, const std::string& pattern, std::shared_ptr<const std::string> bytes,
                       ServedFileOptions options) {
  server.Get(pattern, [bytes, options](const httplib::Request& req, httplib::Response& res) {
    auto counters = options.counters;
    ++counters->requests;
    if (!req.ranges.empty()) ++counters->range_requests;
    if (!options.ranges) {
      // cpp-httplib applies the request's ranges after the handler; a server without
      // range support is one that never saw them.
      const_cast<httplib::Request&>(req).ranges.clear();
    } else {
      res.set_header("Accept-Ranges", "bytes");
    }
    auto started = std::chrono::steady_clock::now();
    auto sent_here = std::make_shared<std::uint64_t>(0);
    res.set_content_provider(
        bytes->size(), "application/octet-stream",
        [bytes, options, counters, started, sent_here](std::size_t offset, std::size_t length,
                                                        httplib::DataSink& sink) {
          if (options.stall_after > 0 && *sent_here >= options.stall_after) {
            while (!counters->stopping) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return false;
          }
          std::size_t n = std::min<std::size_t>(length, 64 * 1024);
          if (options.stall_after > 0) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, options.stall_after - *sent_here));
          bool drop = false;
          if (options.drop_every > 0) {
            std::uint64_t before = counters->bytes_sent.load();
            std::uint64_t next_drop = (before / options.drop_every + 1) * options.drop_every;
            if (before + n >= next_drop) {
              n = static_cast<std::size_t>(next_drop - before);
              drop = true;
            }
          }
          if (options.rate > 0) {  // this connection may have sent rate * elapsed bytes by now
            auto due = started + std::chrono::microseconds((*sent_here + n) * 1000000 / options.rate);
            std::this_thread::sleep_until(due);
          }
          if (counters->stopping) return false;
          if (n > 0 && !sink.write(bytes->data() + offset, n)) return false;
          *sent_here += n;
          counters->bytes_sent += n;
          if (drop) {
            ++counters->drops;
            return false;  // the connection closes: the body is shorter than its Content-Length
          }
          return true;
        });
  });
}

}  // namespace torchup::testing
