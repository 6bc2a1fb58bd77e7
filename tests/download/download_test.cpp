// torchup's downloader (act/download.h) against real parts: libcurl's multi interface
// and local servers on 127.0.0.1 (install/local_index.h with support/served_file.h)
// that limit the rate per connection, drop the link, stall, ignore ranges or serve
// other bytes. The disk is the real one (a temporary cache); only the free space and
// a filling disk are faked, through the DownloadFiles seam.
#include "act/download.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "act/download_internal.h"
#include "host/interrupt.h"
#include "install/local_index.h"
#include "support/temp_dir.h"

namespace torchup::act {
namespace {

using testing::LocalIndex;
using testing::LocalIndexOptions;
using testing::ServedFileOptions;
using testing::TempDir;

constexpr const char* kName = "torch-2.12.0-py3-none-any.whl";

// Bytes that do not compress and differ with the seed (xorshift64).
std::string file_bytes(std::size_t size, std::uint64_t seed) {
  std::string out(size, '\0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x >> 56);
  }
  return out;
}

// A LocalIndex serving `bytes` through serve_file; url() names the file itself.
class FileServer {
 public:
  FileServer(const std::string& bytes, ServedFileOptions served) : counters_(served.counters) {
    LocalIndexOptions options;
    options.file_mode = LocalIndexOptions::FileMode::kServed;
    options.served = std::move(served);
    index_ = std::make_unique<LocalIndex>(kName, bytes, sha256_hex(bytes), options);
  }
  ~FileServer() {
    counters_->stopping = true;  // stalled responses give up, so the server can stop
    index_.reset();
  }
  std::string url() const {
    std::string base = index_->url();
    return base.substr(0, base.size() - std::string("/simple").size()) + "/files/" + kName;
  }
  const testing::ServedFileCounters& counters() const { return *counters_; }

 private:
  std::shared_ptr<testing::ServedFileCounters> counters_;
  std::unique_ptr<LocalIndex> index_;
};

ServedFileOptions served(std::uint64_t rate = 0) {
  ServedFileOptions o;
  o.rate = rate;
  return o;
}

std::string read_all(const std::string& path) { return testing::read_binary(path); }

// The real disk, with the free space it reports and a limit on bytes written set by the test.
class FakeDisk final : public DownloadFiles {
 public:
  std::optional<std::uint64_t> free = std::nullopt;  // nullopt: the real answer
  std::uint64_t write_limit = 0;                     // 0: none; else ENOSPC after this many bytes

  std::optional<std::uint64_t> file_size(const std::string& p) const override {
    return real_->file_size(p);
  }
  std::optional<std::string> read_small(const std::string& p) const override {
    return real_->read_small(p);
  }
  Status write_small(const std::string& p, const std::string& t) override {
    return real_->write_small(p, t);
  }
  Status make_dirs(const std::string& p) override { return real_->make_dirs(p); }
  Expected<std::unique_ptr<WritableFile>> open(const std::string& p) override {
    auto file = real_->open(p);
    if (!file || write_limit == 0) return file;
    return std::unique_ptr<WritableFile>(std::make_unique<Filling>(std::move(*file), write_limit));
  }
  Status rename(const std::string& a, const std::string& b) override { return real_->rename(a, b); }
  void remove(const std::string& p) override { real_->remove(p); }
  std::optional<std::uint64_t> free_space(const std::string& dir) const override {
    return free ? free : real_->free_space(dir);
  }

 private:
  class Filling final : public WritableFile {
   public:
    Filling(std::unique_ptr<WritableFile> inner, std::uint64_t limit)
        : inner_(std::move(inner)), left_(limit) {}
    Status write_at(std::uint64_t offset, std::string_view bytes) override {
      if (bytes.size() > left_) {
        return make_error(ErrorKind::kEnvironment,
                          std::string("could not write: ") + std::strerror(ENOSPC));
      }
      left_ -= bytes.size();
      return inner_->write_at(offset, bytes);
    }
    Expected<std::string> read_at(std::uint64_t o, std::size_t n) override {
      return inner_->read_at(o, n);
    }
    Status truncate(std::uint64_t n) override { return inner_->truncate(n); }

   private:
    std::unique_ptr<WritableFile> inner_;
    std::uint64_t left_;
  };
  std::unique_ptr<DownloadFiles> real_ = make_download_files();
};

struct Rig {
  TempDir dir;
  FakeDisk disk;
  std::unique_ptr<Transport> transport;
  DownloadOptions options;

  Rig() {
    auto made = make_curl_transport(TransportOptions{});
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    if (made) transport = std::move(*made);
    options.cache_dir = dir.str() + "/wheels";
    options.connections = 4;
    options.min_piece = 256 * 1024;
    options.stall_timeout = std::chrono::seconds(2);
    options.sidecar_every = 256 * 1024;
    options.retry_delay = std::chrono::milliseconds(10);
  }
  Expected<DownloadResult> get(const DownloadRequest& request) {
    return download(request, options, *transport, disk, host::steady_clock());
  }
};

double sent_per_byte(std::uint64_t sent, std::size_t size) {
  return static_cast<double>(sent) / static_cast<double>(size);
}

TEST(DownloadRanges, MergesAndFindsGaps) {
  ByteRanges r;
  r.add(10, 20);
  r.add(30, 40);
  r.add(20, 25);  // touches the first
  EXPECT_EQ(r.list(), (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{10, 25}, {30, 40}}));
  EXPECT_EQ(r.covered(), 25u);
  EXPECT_TRUE(r.covers(12, 25));
  EXPECT_FALSE(r.covers(12, 26));
  EXPECT_EQ(r.first_missing(), 0u);
  auto gap = r.first_gap(50, {});
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->first, 0u);
  EXPECT_EQ(gap->second, 10u);
  gap = r.first_gap(50, {{0, 10}, {25, 28}});
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->first, 28u);
  EXPECT_EQ(gap->second, 30u);
  gap = r.first_gap(50, {{0, 10}, {25, 30}, {40, 60}});
  EXPECT_FALSE(gap);
  r.add(0, 100);
  EXPECT_EQ(r.list().size(), 1u);
  EXPECT_EQ(r.first_missing(), 100u);
}

TEST(DownloadCache, WheelCacheFollowsXdgThenHomeThenLocalAppData) {
  auto fs = host::make_rooted_fs("/");
  auto runner = host::make_refusing_runner("test");
  auto http = host::make_curl_http();
  auto xdg = host::make_map_environment({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}});
  host::Host a{*fs, *runner, *xdg, *http, {}};
  a.system.os_family = "linux";
  EXPECT_EQ(default_wheel_cache(a), "/x/torchup/wheels");
  auto home = host::make_map_environment({{"HOME", "/h"}});
  host::Host b{*fs, *runner, *home, *http, {}};
  b.system.os_family = "linux";
  EXPECT_EQ(default_wheel_cache(b), "/h/.cache/torchup/wheels");
  auto win = host::make_map_environment(
      {{"LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local"}, {"HOME", "/h"}});
  host::Host c{*fs, *runner, *win, *http, {}};
  c.system.os_family = "windows";
  EXPECT_EQ(default_wheel_cache(c), "C:\\Users\\u\\AppData\\Local\\torchup\\wheels");
  EXPECT_EQ(partial_path("/c", std::string("ab"), "u"), "/c/ab.part");
  EXPECT_EQ(partial_path("/c", std::nullopt, "u"), "/c/url-" + sha256_hex("u") + ".part");
}

TEST(DownloadTransport, AMissingLibcurlIsAnErrorNamingIt) {
  auto made = make_curl_transport(TransportOptions{}, "libcurl-torchup-missing.so.4");
  ASSERT_FALSE(made.has_value());
  EXPECT_NE(made.error().message.find("libcurl-torchup-missing.so.4"), std::string::npos)
      << made.error().message;
}

TEST(DownloadLocal, RangesInParallelThenTheCacheSendsNothing) {
  std::string bytes = file_bytes(6 << 20, 1);
  FileServer server(bytes, served(8 << 20));
  Rig s;
  ASSERT_TRUE(s.transport);
  DownloadRequest request{{server.url()}, bytes.size(), sha256_hex(bytes)};
  auto got = s.get(request);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_FALSE(got->from_cache);
  EXPECT_EQ(got->path, cache_path(s.options.cache_dir, sha256_hex(bytes)));
  EXPECT_EQ(read_all(got->path), bytes);
  EXPECT_GE(server.counters().range_requests.load(), 4) << "several range requests per file";
  EXPECT_LE(sent_per_byte(server.counters().bytes_sent, bytes.size()), 1.05);
  ASSERT_EQ(got->sources.size(), 1u);
  EXPECT_TRUE(got->sources[0].ranges);
  EXPECT_FALSE(std::filesystem::exists(got->path + ".part"));
  EXPECT_FALSE(
      std::filesystem::exists(s.options.cache_dir + "/" + sha256_hex(bytes) + ".part.json"));

  auto sent = server.counters().bytes_sent.load();
  int requests = server.counters().requests.load();
  auto again = s.get(request);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_TRUE(again->from_cache);
  EXPECT_EQ(again->received, 0u);
  EXPECT_EQ(server.counters().bytes_sent.load(), sent)
      << "a second request for the same sha downloads nothing";
  EXPECT_EQ(server.counters().requests.load(), requests);
}

TEST(DownloadLocal, ResumesAfterDropsWithoutSendingBytesTwice) {
  std::string bytes = file_bytes(8 << 20, 2);
  ServedFileOptions o = served(8 << 20);
  o.drop_every = 1536 * 1024;  // the link drops every 1.5 MB sent
  FileServer server(bytes, o);
  Rig s;
  ASSERT_TRUE(s.transport);
  auto got = s.get({{server.url()}, bytes.size(), sha256_hex(bytes)});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(read_all(got->path), bytes);
  EXPECT_GE(server.counters().drops.load(), 4) << "the link dropped";
  EXPECT_GE(got->sources[0].failures, 4)
      << "each drop is seen as one (a short body is never success)";
  EXPECT_LE(sent_per_byte(server.counters().bytes_sent, bytes.size()), 1.05);
}

TEST(DownloadLocal, OneStreamFromAServerWithoutRangesAndUnknownSizeAndHash) {
  std::string bytes = file_bytes(3 << 20, 3);
  ServedFileOptions o = served(16 << 20);
  o.ranges = false;
  FileServer server(bytes, o);
  Rig s;
  ASSERT_TRUE(s.transport);
  auto got = s.get({{server.url()}, std::nullopt, std::nullopt});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->sha256, sha256_hex(bytes)) << "computed of the file";
  EXPECT_EQ(got->size, bytes.size());
  EXPECT_EQ(read_all(got->path), bytes);
  EXPECT_FALSE(got->sources[0].ranges);
  EXPECT_LE(server.counters().requests.load(), 2)
      << "no more than the first ranged try and one stream";
  EXPECT_LE(sent_per_byte(server.counters().bytes_sent, bytes.size()), 1.05);
}

TEST(DownloadLocal, AMirrorThatStallsMidFileIsLeftAndTheOtherFinishes) {
  std::string bytes = file_bytes(6 << 20, 4);
  ServedFileOptions stalling = served(4 << 20);
  stalling.stall_after = 300 * 1024;
  FileServer bad(bytes, stalling);
  FileServer good(bytes, served(4 << 20));
  Rig s;
  ASSERT_TRUE(s.transport);
  auto got = s.get({{bad.url(), good.url()}, bytes.size(), sha256_hex(bytes)});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(read_all(got->path), bytes);
  ASSERT_EQ(got->sources.size(), 2u);
  EXPECT_TRUE(got->sources[0].stalled);
  EXPECT_GT(got->sources[0].bytes, 0u) << "the race started on the stalling mirror too";
  EXPECT_FALSE(got->sources[1].stalled);
  EXPECT_GT(got->sources[1].bytes, bytes.size() / 2);
}

TEST(DownloadLocal, AWrongHashIsDiscardedAndTheNextSourceTried) {
  std::string bytes = file_bytes(2 << 20, 5);
  std::string other = file_bytes(2 << 20, 6);  // same size, other bytes
  FileServer bad(other, served(8 << 20));
  FileServer good(bytes, served(8 << 20));
  Rig s;
  ASSERT_TRUE(s.transport);
  auto got = s.get({{bad.url(), good.url()}, bytes.size(), sha256_hex(bytes)});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(read_all(got->path), bytes);
  EXPECT_TRUE(got->sources[0].wrong_hash);
  EXPECT_FALSE(got->sources[1].wrong_hash);

  // Only the wrong source: an error naming the hash, and nothing in the cache under that name.
  Rig t;
  auto bad_only = t.get({{bad.url()}, bytes.size(), sha256_hex(bytes)});
  ASSERT_FALSE(bad_only.has_value());
  EXPECT_EQ(bad_only.error().kind, ErrorKind::kNetwork);
  EXPECT_NE(bad_only.error().message.find("sha256"), std::string::npos) << bad_only.error().message;
  EXPECT_FALSE(std::filesystem::exists(cache_path(t.options.cache_dir, sha256_hex(bytes))));
  EXPECT_FALSE(std::filesystem::exists(cache_path(t.options.cache_dir, sha256_hex(other))));
  EXPECT_FALSE(
      std::filesystem::exists(partial_path(t.options.cache_dir, sha256_hex(bytes), bad.url())))
      << "the wrong bytes are not kept for a resume";
}

TEST(DownloadLocal, TooLittleFreeSpaceIsAClearErrorBeforeAnyByte) {
  std::string bytes = file_bytes(1 << 20, 7);
  FileServer server(bytes, served());
  Rig s;
  ASSERT_TRUE(s.transport);
  s.disk.free = 4096;
  auto got = s.get({{server.url()}, bytes.size(), sha256_hex(bytes)});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(got.error().message.find("not enough free space in " + s.options.cache_dir),
            std::string::npos)
      << got.error().message;
  EXPECT_EQ(server.counters().requests.load(), 0) << "checked before the download starts";

  // Size unknown until the first answer: the check comes before any byte is written.
  auto unknown = s.get({{server.url()}, std::nullopt, std::nullopt});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("not enough free space"), std::string::npos)
      << unknown.error().message;
  EXPECT_EQ(
      std::filesystem::file_size(partial_path(s.options.cache_dir, std::nullopt, server.url())),
      0u);
}

TEST(DownloadLocal, ADiskThatFillsUpStopsWithTheReasonAndKeepsThePartial) {
  std::string bytes = file_bytes(4 << 20, 8);
  FileServer server(bytes, served(8 << 20));
  Rig s;
  ASSERT_TRUE(s.transport);
  s.disk.write_limit = 1 << 20;
  auto got = s.get({{server.url()}, bytes.size(), sha256_hex(bytes)});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(got.error().message.find(std::strerror(ENOSPC)), std::string::npos)
      << got.error().message;
  EXPECT_FALSE(std::filesystem::exists(cache_path(s.options.cache_dir, sha256_hex(bytes))));
  EXPECT_TRUE(std::filesystem::exists(
      partial_path(s.options.cache_dir, sha256_hex(bytes), server.url()) + ".json"));
}

TEST(DownloadLocal, CtrlCKeepsThePartialAndTheNextRunResumesIt) {
  std::string bytes = file_bytes(8 << 20, 9);
  FileServer server(bytes, served(4 << 20));
  Rig s;
  ASSERT_TRUE(s.transport);
  DownloadRequest request{{server.url()}, bytes.size(), sha256_hex(bytes)};
  s.options.on_progress = [&](const DownloadProgress& p) {
    if (p.done >= bytes.size() / 2) host::request_interrupt(SIGINT);  // as the Ctrl-C handler does
  };
  auto first = s.get(request);
  host::clear_interrupt();
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_TRUE(first->interrupted);
  EXPECT_EQ(first->path, partial_path(s.options.cache_dir, sha256_hex(bytes), server.url()));
  EXPECT_TRUE(std::filesystem::exists(first->path + ".json"));
  EXPECT_FALSE(std::filesystem::exists(cache_path(s.options.cache_dir, sha256_hex(bytes))));

  s.options.on_progress = nullptr;
  auto second = s.get(request);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_FALSE(second->interrupted);
  EXPECT_GE(second->resumed_from, bytes.size() / 2);
  EXPECT_LE(second->received, bytes.size() - second->resumed_from + (1u << 20));
  EXPECT_EQ(read_all(second->path), bytes);
  EXPECT_EQ(second->hashed_on_arrival + second->hashed_from_disk, bytes.size())
      << "each byte hashed once";
  EXPECT_GE(second->hashed_from_disk, second->resumed_from) << "the kept prefix is read back";
  // Counted where the bytes arrive: what the server had queued in the socket when the
  // first run stopped was never received, so it cannot have been received twice.
  EXPECT_LE(sent_per_byte(first->received + second->received, bytes.size()), 1.05)
      << "both runs together";
}

TEST(DownloadLocal, TheHashIsFedWhileWritingAndADamagedCacheEntryIsDownloadedAgain) {
  std::string bytes = file_bytes(6 << 20, 11);
  ServedFileOptions o = served(16 << 20);
  o.ranges = false;  // one stream: every byte arrives in file order
  FileServer server(bytes, o);
  Rig s;
  ASSERT_TRUE(s.transport);
  DownloadRequest request{{server.url()}, bytes.size(), sha256_hex(bytes)};
  auto got = s.get(request);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->hashed_on_arrival, bytes.size()) << "hashed from the network's buffers";
  EXPECT_EQ(got->hashed_from_disk, 0u) << "no second pass over the finished file";

  // A cache entry whose bytes changed is hashed again, removed and downloaded again.
  {
    std::string damaged = bytes;
    damaged[damaged.size() / 2] ^= 1;
    std::ofstream(got->path, std::ios::binary | std::ios::trunc) << damaged;
  }
  auto sent = server.counters().bytes_sent.load();
  auto again = s.get(request);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_FALSE(again->from_cache);
  EXPECT_TRUE(again->cache_damaged);
  EXPECT_EQ(read_all(again->path), bytes);
  EXPECT_GE(server.counters().bytes_sent.load() - sent, bytes.size());
  auto third = s.get(request);
  ASSERT_TRUE(third.has_value());
  EXPECT_TRUE(third->from_cache);
  EXPECT_FALSE(third->cache_damaged);
}

TEST(DownloadLocal, RangesInParallelAreHashedWithoutASecondPass) {
  std::string bytes = file_bytes(8 << 20, 12);
  FileServer server(bytes, served(4 << 20));
  Rig s;
  ASSERT_TRUE(s.transport);
  auto got = s.get({{server.url()}, bytes.size(), sha256_hex(bytes)});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->sha256, sha256_hex(bytes));
  // Each byte is hashed once: from the buffer when it arrives at the hashed prefix, else
  // read back once when the prefix reaches it.
  EXPECT_EQ(got->hashed_on_arrival + got->hashed_from_disk, bytes.size());
  EXPECT_GT(got->hashed_on_arrival, 0u);
}

TEST(DownloadLocal, EveryDeadSourceIsAnErrorNamingTheFile) {
  Rig s;
  ASSERT_TRUE(s.transport);
  auto got = s.get({{"http://127.0.0.1:9/files/x.whl"}, std::nullopt, std::nullopt});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, ErrorKind::kNetwork);
  EXPECT_NE(got.error().message.find("could not download http://127.0.0.1:9/files/x.whl"),
            std::string::npos)
      << got.error().message;
  auto refused = s.get({{"http://example.com/x.whl"}, std::nullopt, std::nullopt});
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("refusing non-HTTPS URL"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace torchup::act

namespace torchup::act {
namespace {

// The Transport seam scripted: no sockets and a clock that moves only when the engine
// waits, so a stall of 15 s takes no time.
class ManualClock final : public host::Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  void sleep_for(std::chrono::milliseconds d) override { now_ += d; }

 private:
  std::chrono::steady_clock::time_point now_{};
};

class ScriptedTransport final : public Transport {
 public:
  struct Source {
    std::string bytes;
    bool stalls = false;  // answers, then sends nothing
  };
  ScriptedTransport(std::map<std::string, Source> sources, ManualClock& clock)
      : sources_(std::move(sources)), clock_(clock) {}

  Expected<int> start(const TransferRequest& request) override {
    if (!sources_.count(request.url)) return make_error(ErrorKind::kNetwork, "no such source");
    active_[++next_] = {request, request.offset, false};
    ++started_[request.url];
    return next_;
  }
  void stop(int id) override { active_.erase(id); }
  void wait(std::chrono::milliseconds most, TransferEvents& events) override {
    clock_.sleep_for(most);
    std::vector<int> ids;
    for (const auto& [id, t] : active_) ids.push_back(id);
    for (int id : ids) {
      auto& t = active_[id];
      const auto& source = sources_[t.request.url];
      std::uint64_t size = source.bytes.size();
      std::uint64_t end = t.request.last ? *t.request.last + 1 : size;
      if (!t.head_sent) {
        t.head_sent = true;
        TransferHead head{206, end - t.request.offset, t.request.offset, size, true};
        if (!events.on_head(id, head)) {
          active_.erase(id);
          continue;
        }
      }
      if (source.stalls) continue;
      std::uint64_t n = std::min<std::uint64_t>(64 * 1024, end - t.pos);
      if (!events.on_body(id, std::string_view(source.bytes).substr(t.pos, n))) {
        active_.erase(id);
        continue;
      }
      t.pos += n;
      if (t.pos >= end) {
        active_.erase(id);
        events.on_end(id, "");
      }
    }
  }
  int started(const std::string& url) const { return started_.count(url) ? started_.at(url) : 0; }

 private:
  struct Active {
    TransferRequest request;
    std::uint64_t pos = 0;
    bool head_sent = false;
  };
  std::map<std::string, Source> sources_;
  ManualClock& clock_;
  std::map<int, Active> active_;
  std::map<std::string, int> started_;
  int next_ = 0;
};

TEST(DownloadScripted, AStalledMirrorIsLeftAfterTheStallTimeoutOfTheClock) {
  std::string bytes = file_bytes(2 << 20, 10);
  ManualClock clock;
  ScriptedTransport transport({{"https://stuck.example/x.whl", {bytes, true}},
                               {"https://ok.example/x.whl", {bytes, false}}},
                              clock);
  TempDir dir;
  auto files = make_download_files();
  DownloadOptions options;
  options.cache_dir = dir.str() + "/wheels";
  options.connections = 2;
  options.min_piece = 64 * 1024;
  options.stall_timeout = std::chrono::seconds(15);
  auto got = download({{"https://stuck.example/x.whl", "https://ok.example/x.whl"},
                       bytes.size(),
                       sha256_hex(bytes)},
                      options, transport, *files, clock);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(read_all(got->path), bytes);
  EXPECT_TRUE(got->sources[0].stalled);
  EXPECT_EQ(got->sources[0].bytes, 0u);
  EXPECT_GE(got->sources[1].bytes, bytes.size()) << "every byte from the mirror that sends";
  EXPECT_EQ(transport.started("https://stuck.example/x.whl"), 1)
      << "a stalled mirror is not asked again";
  EXPECT_GE(clock.now().time_since_epoch(), std::chrono::seconds(15))
      << "left only after the stall timeout";
}

}  // namespace
}  // namespace torchup::act
