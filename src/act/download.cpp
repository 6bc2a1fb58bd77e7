// The download engine (see download.h): pieces, connections, sources and the partial's
// sidecar. Single-threaded: Transport::wait() calls back into the engine.
#include "act/download.h"

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "act/download_internal.h"
#include "host/interrupt.h"

namespace torchup::act {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kUnknown = std::numeric_limits<std::uint64_t>::max();

enum class RangeSupport { kNotYet, kYes, kNo };

struct Source {
  SourceReport report;
  RangeSupport ranges = RangeSupport::kNotYet;
  bool allowed = true;  // in this attempt's set
  bool dead = false;    // an HTTP error, too many drops, a different file
  int fails_in_row = 0;
  int conns_now = 0;
  int conns_ever = 0;
  std::uint64_t attempt_bytes = 0;
  std::uint64_t bytes = 0;       // for the rate: all attempts
  double busy_seconds = 0;       // of its finished connections
  Clock::time_point retry_at{};  // not asked again before this (after failures in a row)
};

struct Conn {
  std::size_t source = 0;
  std::uint64_t pos = 0;         // next byte to write
  std::uint64_t end = kUnknown;  // stop here (exclusive); may shrink (stolen from)
  bool ranged = true;
  Clock::time_point started;
  Clock::time_point last_byte;
};

enum class Outcome { kComplete, kInterrupted, kFailed };

class Engine final : public TransferEvents {
 public:
  Engine(const DownloadRequest& request, const DownloadOptions& options, Transport& transport,
         DownloadFiles& files, host::Clock& clock)
      : request_(request), options_(options), transport_(transport), files_(files), clock_(clock) {
    for (const auto& url : request.sources) {
      Source s;
      s.report.url = url;
      sources_.push_back(s);
    }
    size_ = request.size;
  }

  Expected<DownloadResult> run();

  bool on_head(int id, const TransferHead& head) override;
  bool on_body(int id, std::string_view bytes) override;
  void on_end(int id, const std::string& error) override;

 private:
  Status open_partial();
  void save_sidecar();
  Status check_space();
  Status set_size(std::uint64_t size, std::size_t source);
  Outcome run_attempt();
  void fill();
  int pick_source(bool need_ranges) const;
  bool start_conn(std::size_t source, std::uint64_t pos, std::uint64_t end, bool ranged);
  void finish_conn(int id, bool dropped, const std::string& why);
  void stop_all();
  void check_stalls();
  double rate(std::size_t source) const;
  bool complete() const { return size_ && received_.covers(0, *size_); }
  void progress();
  void restart_hash();
  void hash_arrived(std::uint64_t at, std::string_view bytes);
  Status hash_catch_up(std::uint64_t at_least);
  Expected<bool> cache_entry_good(const std::string& path, std::uint64_t size);

  const DownloadRequest& request_;
  const DownloadOptions& options_;
  Transport& transport_;
  DownloadFiles& files_;
  host::Clock& clock_;
  std::vector<Source> sources_;
  std::map<int, Conn> conns_;
  std::optional<std::uint64_t> size_;
  bool stream_finished_ = false;  // a stream of unknown length ended cleanly
  ByteRanges received_;
  std::unique_ptr<WritableFile> file_;
  std::string partial_;
  std::uint64_t since_sidecar_ = 0;
  std::optional<Error> fatal_;
  std::string last_error_;
  Sha256Stream hash_;  // bytes [0, hash_.at()) of the partial
  DownloadResult result_;
};

// Below this, a run written ahead of the hashed prefix waits to be read back in one go.
constexpr std::uint64_t kCatchUpPiece = 4u << 20;

void Engine::restart_hash() {
  hash_.reset();
  result_.hashed_on_arrival = result_.hashed_from_disk = 0;
}

void Engine::hash_arrived(std::uint64_t at, std::string_view bytes) {
  // Bytes written over the hashed prefix (a source that restarted from byte 0): the hash
  // would describe the old bytes, so it starts again from what is on disk.
  if (at < hash_.at()) restart_hash();
  if (at == hash_.at()) {
    hash_.update(bytes);
    result_.hashed_on_arrival += bytes.size();
  }
  if (auto caught = hash_catch_up(kCatchUpPiece); !caught) fatal_ = caught.error();
}

Status Engine::hash_catch_up(std::uint64_t at_least) {
  std::uint64_t from = hash_.at();
  std::uint64_t to = received_.contiguous_end(from);
  if (to <= from || to - from < at_least) return Ok{};
  if (auto read = sha256_continue(hash_, *file_, to); !read) return read;
  result_.hashed_from_disk += to - from;
  return Ok{};
}

// A cache entry is used when its bytes still have the sha256 it is named by.
Expected<bool> Engine::cache_entry_good(const std::string& path, std::uint64_t size) {
  auto file = files_.open_read(path);
  if (!file) return file.error();
  auto hash = sha256_of(**file, size);
  if (!hash) return hash.error();
  return *hash == *request_.sha256;
}

Status Engine::open_partial() {
  partial_ = partial_path(options_.cache_dir, request_.sha256, request_.sources.front());
  auto file = files_.open(partial_);
  if (!file) return file.error();
  file_ = std::move(*file);
  // What an earlier run received, as its sidecar says, within what the file holds.
  auto have = files_.file_size(partial_).value_or(0);
  auto text = files_.read_small(partial_ + ".json");
  if (text && have > 0) {
    auto j = json::parse(*text, nullptr, false);
    bool same = j.is_object() && j.value("schema", "") == "torchup.partial/1";
    if (same && j.contains("size") && j["size"].is_number_unsigned()) {
      auto recorded = j["size"].get<std::uint64_t>();
      if (size_ && *size_ != recorded) same = false;
      if (same) size_ = recorded;
    }
    if (same && j.contains("received") && j["received"].is_array()) {
      for (const auto& r : j["received"]) {
        if (!r.is_array() || r.size() != 2 || !r[0].is_number_unsigned() ||
            !r[1].is_number_unsigned())
          continue;
        auto a = r[0].get<std::uint64_t>();
        auto b = std::min(r[1].get<std::uint64_t>(), have);
        if (a < b && (!size_ || b <= *size_)) received_.add(a, b);
      }
    }
  }
  result_.resumed_from = received_.covered();
  if (result_.resumed_from == 0 && have > 0) {
    if (auto t = file_->truncate(0); !t) return t.error();
  }
  restart_hash();
  return hash_catch_up(1);  // the resumed prefix, read back once
}

void Engine::save_sidecar() {
  if (partial_.empty()) return;
  json j = {{"schema", "torchup.partial/1"}, {"sources", request_.sources}};
  j["size"] = size_ ? json(*size_) : json(nullptr);
  j["sha256"] = request_.sha256 ? json(*request_.sha256) : json(nullptr);
  json list = json::array();
  for (const auto& [a, b] : received_.list()) list.push_back({a, b});
  j["received"] = list;
  (void)files_.write_small(partial_ + ".json", j.dump());  // best effort: the data is on disk
  since_sidecar_ = 0;
}

Status Engine::check_space() {
  if (!size_) return Ok{};
  auto free = files_.free_space(options_.cache_dir);
  std::uint64_t need = *size_ - std::min(*size_, received_.covered());
  if (free && *free < need + options_.space_margin) {
    return make_error(ErrorKind::kEnvironment,
                      "not enough free space in " + options_.cache_dir + " to download " +
                          std::to_string(need) + " bytes (" + std::to_string(*free) +
                          " bytes free)",
                      "free some space there, or set XDG_CACHE_HOME to a disk with room");
  }
  return Ok{};
}

Status Engine::set_size(std::uint64_t size, std::size_t source) {
  if (size_) {
    if (*size_ == size) return Ok{};
    sources_[source].dead = true;
    return make_error(ErrorKind::kNetwork, sources_[source].report.url + " serves " +
                                               std::to_string(size) + " bytes, not the " +
                                               std::to_string(*size_) + " expected");
  }
  size_ = size;
  for (auto& [id, conn] : conns_) {
    if (conn.end == kUnknown) conn.end = size;
  }
  auto space = check_space();
  if (!space) fatal_ = space.error();
  return space;
}

double Engine::rate(std::size_t source) const {
  const auto& s = sources_[source];
  double busy = s.busy_seconds;
  auto now = clock_.now();
  for (const auto& [id, conn] : conns_) {
    if (conn.source == source) busy += std::chrono::duration<double>(now - conn.started).count();
  }
  return static_cast<double>(s.bytes) / std::max(busy, 0.05);
}

// Sources never tried first (the race), then the fastest; a slow or stalled source only
// when nothing better is left.
int Engine::pick_source(bool need_ranges) const {
  double best_rate = 0;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].allowed && !sources_[i].dead && !sources_[i].report.stalled)
      best_rate = std::max(best_rate, rate(i));
  }
  int best = -1;
  int best_tier = 0;
  double best_r = 0;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const auto& s = sources_[i];
    if (!s.allowed || s.dead || s.retry_at > clock_.now()) continue;
    if (need_ranges && s.ranges == RangeSupport::kNo) continue;
    if (s.ranges == RangeSupport::kNo && s.conns_now > 0) continue;  // one stream only
    double r = rate(i);
    int tier = s.report.stalled                              ? 3
               : s.conns_ever == 0                           ? 0
               : (s.bytes > (1u << 20) && r * 4 < best_rate) ? 2
                                                             : 1;
    bool better = best < 0 || tier < best_tier || (tier == best_tier && r > best_r) ||
                  (tier == best_tier && r == best_r &&
                   s.conns_now < sources_[static_cast<std::size_t>(best)].conns_now);
    if (better) {
      best = static_cast<int>(i);
      best_tier = tier;
      best_r = r;
    }
  }
  return best;
}

bool Engine::start_conn(std::size_t source, std::uint64_t pos, std::uint64_t end, bool ranged) {
  TransferRequest request;
  request.url = sources_[source].report.url;
  request.offset = pos;
  if (end != kUnknown && end > 0) request.last = end - 1;
  request.ranged = ranged;
  auto id = transport_.start(request);
  if (!id) {
    sources_[source].dead = true;
    sources_[source].report.failures++;
    last_error_ = id.error().message;
    return false;
  }
  Conn conn;
  conn.source = source;
  conn.pos = pos;
  conn.end = end;
  conn.ranged = ranged;
  conn.started = conn.last_byte = clock_.now();
  conns_[*id] = conn;
  sources_[source].conns_now++;
  sources_[source].conns_ever++;
  return true;
}

void Engine::fill() {
  for (int guard = 0;
       guard < 4 * options_.connections && static_cast<int>(conns_.size()) < options_.connections;
       ++guard) {
    if (!size_) {
      if (!conns_.empty()) return;  // the first answer tells the size
      int s = pick_source(false);
      if (s < 0) return;
      auto first = received_.first_missing();
      bool ranged = sources_[static_cast<std::size_t>(s)].ranges != RangeSupport::kNo;
      start_conn(static_cast<std::size_t>(s), ranged ? first : 0, kUnknown, ranged);
      continue;
    }
    std::vector<std::pair<std::uint64_t, std::uint64_t>> claimed;
    for (const auto& [id, conn] : conns_) claimed.emplace_back(conn.pos, conn.end);
    auto gap = received_.first_gap(*size_, claimed);
    if (gap) {
      int s = pick_source(false);
      if (s < 0) return;
      auto& src = sources_[static_cast<std::size_t>(s)];
      if (src.ranges == RangeSupport::kNo) {
        start_conn(static_cast<std::size_t>(s), 0, *size_, false);
        continue;
      }
      std::uint64_t piece = std::max<std::uint64_t>(
          options_.min_piece, (*size_ + static_cast<std::uint64_t>(options_.connections) - 1) /
                                  static_cast<std::uint64_t>(options_.connections));
      start_conn(static_cast<std::size_t>(s), gap->first, std::min(gap->second, gap->first + piece),
                 true);
      continue;
    }
    // Nothing unclaimed: take half of the largest piece in flight.
    int victim = -1;
    std::uint64_t largest = 0;
    for (const auto& [id, conn] : conns_) {
      std::uint64_t left = conn.end - conn.pos;
      if (left > largest) {
        largest = left;
        victim = id;
      }
    }
    if (victim < 0 || largest < 2 * options_.min_piece) return;
    int s = pick_source(true);
    if (s < 0) return;
    auto& v = conns_[victim];
    std::uint64_t mid = v.pos + largest / 2;
    std::uint64_t old_end = v.end;
    v.end = mid;
    start_conn(static_cast<std::size_t>(s), mid, old_end, true);
  }
}

void Engine::finish_conn(int id, bool dropped, const std::string& why) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  auto& src = sources_[it->second.source];
  src.conns_now--;
  src.busy_seconds += std::chrono::duration<double>(clock_.now() - it->second.started).count();
  if (dropped) {
    src.report.failures++;
    if (++src.fails_in_row >= options_.max_failures) src.dead = true;
    if (src.fails_in_row >= 2) {
      auto delay = options_.retry_delay * (1 << std::min(src.fails_in_row - 2, 4));
      src.retry_at = clock_.now() + delay;
    }
    if (!why.empty()) last_error_ = src.report.url + ": " + why;
  }
  conns_.erase(it);
  save_sidecar();
}

bool Engine::on_head(int id, const TransferHead& head) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return false;
  auto& conn = it->second;
  auto& src = sources_[conn.source];
  if (head.status == 206) {
    if (!head.range_first || *head.range_first != conn.pos) {
      finish_conn(id, true, "answered with another range than asked");
      return false;
    }
    src.ranges = RangeSupport::kYes;
    src.report.ranges = true;
    if (head.total_size && !set_size(*head.total_size, conn.source)) {
      finish_conn(id, true, "");
      return false;
    }
    return true;
  }
  if (head.status == 200) {
    // The whole file from byte 0: the server ignored the Range header (or none was sent).
    if (conn.ranged) src.ranges = RangeSupport::kNo;
    if (conn.pos != 0) {
      finish_conn(id, false, "");  // not a failure: asked again as one stream
      return false;
    }
    conn.ranged = false;
    if (head.content_length && !set_size(*head.content_length, conn.source)) {
      finish_conn(id, true, "");
      return false;
    }
    conn.end = size_ ? *size_ : kUnknown;  // one stream: the rest of the file is its piece
    return true;
  }
  // 4xx other than "timeout" and "too many requests" will not change by asking again.
  if (head.status >= 400 && head.status < 500 && head.status != 408 && head.status != 429)
    src.dead = true;
  finish_conn(id, true, "HTTP " + std::to_string(head.status));
  return false;
}

bool Engine::on_body(int id, std::string_view bytes) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return false;
  auto& conn = it->second;
  auto& src = sources_[conn.source];
  src.bytes += bytes.size();
  src.attempt_bytes += bytes.size();
  src.report.bytes += bytes.size();
  result_.received += bytes.size();
  conn.last_byte = clock_.now();
  std::uint64_t n = std::min<std::uint64_t>(bytes.size(), conn.end - conn.pos);
  if (n > 0) {
    auto wrote = file_->write_at(conn.pos, bytes.substr(0, static_cast<std::size_t>(n)));
    if (!wrote) {
      fatal_ = wrote.error();
      finish_conn(id, false, "");
      return false;
    }
    received_.add(conn.pos, conn.pos + n);
    hash_arrived(conn.pos, bytes.substr(0, static_cast<std::size_t>(n)));
    conn.pos += n;
    since_sidecar_ += n;
    src.fails_in_row = 0;
  }
  if (conn.end != kUnknown && conn.pos >= conn.end) {
    finish_conn(id, false, "");
    return false;
  }
  if (since_sidecar_ >= options_.sidecar_every) save_sidecar();
  return true;
}

void Engine::on_end(int id, const std::string& error) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  auto& conn = it->second;
  if (!error.empty()) {
    finish_conn(id, true, error);
  } else if (conn.end == kUnknown) {
    // A stream of unknown length ended cleanly: that was the whole file.
    stream_finished_ = true;
    std::uint64_t size = conn.pos;
    finish_conn(id, false, "");
    (void)set_size(size, 0);
  } else if (conn.pos < conn.end) {
    finish_conn(id, true,
                "the connection closed " + std::to_string(conn.end - conn.pos) + " bytes early");
  } else {
    finish_conn(id, false, "");
  }
}

void Engine::stop_all() {
  std::vector<int> ids;
  for (const auto& [id, conn] : conns_) ids.push_back(id);
  for (int id : ids) {
    transport_.stop(id);
    finish_conn(id, false, "");
  }
}

void Engine::check_stalls() {
  auto now = clock_.now();
  std::vector<int> stalled;
  for (const auto& [id, conn] : conns_) {
    if (now - conn.last_byte >= options_.stall_timeout) stalled.push_back(id);
  }
  for (int id : stalled) {
    auto& src = sources_[conns_[id].source];
    src.report.stalled = true;
    last_error_ =
        src.report.url + ": no data for " +
        std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(options_.stall_timeout).count()) +
        " s";
    transport_.stop(id);
    finish_conn(id, true, "");
  }
}

void Engine::progress() {
  if (!options_.on_progress) return;
  DownloadProgress p;
  p.done = received_.covered();
  p.total = size_;
  p.received = result_.received;
  std::uint64_t most = 0;
  for (const auto& s : sources_) {
    if (s.attempt_bytes > most) {
      most = s.attempt_bytes;
      p.source = s.report.url;
    }
  }
  options_.on_progress(p);
}

Outcome Engine::run_attempt() {
  auto should_stop =
      options_.should_stop ? options_.should_stop : [] { return host::interrupt_signal() != 0; };
  while (true) {
    if (fatal_) {
      stop_all();
      return Outcome::kFailed;
    }
    if (should_stop()) {
      stop_all();
      save_sidecar();
      return Outcome::kInterrupted;
    }
    if (complete() || (stream_finished_ && size_)) {
      stop_all();
      return Outcome::kComplete;
    }
    fill();
    if (conns_.empty()) {
      // Nothing running: wait for a source that is only resting after failures, or give up.
      std::optional<Clock::time_point> next;
      for (const auto& s : sources_) {
        if (s.allowed && !s.dead && s.retry_at > clock_.now() && (!next || s.retry_at < *next))
          next = s.retry_at;
      }
      if (!next) return Outcome::kFailed;
      auto rest = std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.now());
      clock_.sleep_for(
          std::clamp(rest, std::chrono::milliseconds(1), std::chrono::milliseconds(100)));
      continue;
    }
    transport_.wait(std::chrono::milliseconds(100), *this);
    check_stalls();
    progress();
  }
}

Expected<DownloadResult> Engine::run() {
  if (request_.sha256) {
    std::string final_path = cache_path(options_.cache_dir, *request_.sha256);
    auto have = files_.file_size(final_path);
    if (have && (!request_.size || *have == *request_.size)) {
      auto good = cache_entry_good(final_path, *have);
      if (!good) return good.error();
      if (*good) {
        result_.path = final_path;
        result_.sha256 = *request_.sha256;
        result_.size = *have;
        result_.from_cache = true;
        return result_;
      }
      files_.remove(final_path);
      result_.cache_damaged = true;
    }
  }
  if (auto made = files_.make_dirs(options_.cache_dir); !made) return made.error();
  if (auto opened = open_partial(); !opened) return opened.error();
  if (auto space = check_space(); !space) return space.error();

  // Attempts: every source together; after a wrong hash, each source alone.
  std::vector<std::vector<std::size_t>> queue;
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < sources_.size(); ++i) all.push_back(i);
  queue.push_back(all);
  for (std::size_t next = 0; next < queue.size(); ++next) {
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      sources_[i].allowed =
          std::find(queue[next].begin(), queue[next].end(), i) != queue[next].end() &&
          !sources_[i].report.wrong_hash;
      sources_[i].attempt_bytes = 0;
    }
    auto outcome = run_attempt();
    if (fatal_) {
      save_sidecar();
      return *fatal_;
    }
    if (outcome == Outcome::kInterrupted) {
      result_.interrupted = true;
      result_.path = partial_;
      break;
    }
    if (outcome == Outcome::kFailed) continue;
    if (auto caught = hash_catch_up(1); !caught) return caught.error();
    auto hash = hash_.finish();
    if (!request_.sha256 || hash == *request_.sha256) {
      file_.reset();
      std::string final_path = cache_path(options_.cache_dir, hash);
      if (auto moved = files_.rename(partial_, final_path); !moved) return moved.error();
      files_.remove(partial_ + ".json");
      result_.path = final_path;
      result_.sha256 = hash;
      result_.size = *size_;
      break;
    }
    // A wrong hash: the bytes are discarded. A source that alone made the file is wrong;
    // when several did, each is tried alone.
    std::vector<std::size_t> contributors;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (sources_[i].allowed && sources_[i].attempt_bytes > 0) contributors.push_back(i);
    }
    if (contributors.size() == 1) sources_[contributors.front()].report.wrong_hash = true;
    last_error_ = "the file's sha256 is " + hash + ", not the expected " + *request_.sha256;
    if (auto t = file_->truncate(0); !t) return t.error();
    received_ = ByteRanges();
    restart_hash();
    stream_finished_ = false;
    size_ = request_.size;
    files_.remove(partial_ + ".json");
    if (next == 0) {
      for (std::size_t i = 0; i < sources_.size(); ++i) {
        if (!sources_[i].report.wrong_hash) queue.push_back({i});
      }
    }
  }
  for (const auto& s : sources_) result_.sources.push_back(s.report);
  if (result_.path.empty()) {
    if (received_.covered() == 0) {  // nothing worth resuming: leave no empty partial behind
      file_.reset();
      files_.remove(partial_);
      files_.remove(partial_ + ".json");
    } else {
      save_sidecar();
    }
    return make_error(ErrorKind::kNetwork,
                      "could not download " + request_.sources.front() +
                          (last_error_.empty() ? std::string() : ": " + last_error_),
                      "check the network connection or choose another mirror (--mirror)");
  }
  return result_;
}

}  // namespace

Expected<DownloadResult> download(const DownloadRequest& request, const DownloadOptions& options,
                                  Transport& transport, DownloadFiles& files, host::Clock& clock) {
  if (request.sources.empty())
    return make_error(ErrorKind::kUsage, "nothing to download: no source URL");
  if (options.cache_dir.empty())
    return make_error(ErrorKind::kEnvironment, "no cache directory to download into");
  Engine engine(request, options, transport, files, clock);
  return engine.run();
}

}  // namespace torchup::act
