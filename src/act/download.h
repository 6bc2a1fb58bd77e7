// torchup's own downloader (issue 13): one file, from one or more sources (mirrors of
// the same bytes), into a content-addressed cache.
//
// - Several range requests per file when the server allows ranges (one stream when it
//   does not); a connection that finishes early takes half of the largest piece still
//   in flight (work stealing), so the fastest connections do most of the work.
// - A drop (an error, or a body shorter than asked for) keeps what arrived; the rest is
//   asked for again from the next byte. What was received is kept in a small JSON
//   sidecar next to the partial file, so a later run (after Ctrl-C) resumes too.
// - Mirrors are raced: every source gets a connection first, new work goes to the
//   fastest measured source, a source that stalls (no byte for `stall_timeout`) is left.
// - The sha256 is computed while the file is written (OpenSSL EVP): bytes that arrive at
//   the first byte not hashed yet are hashed from the network's buffer; a run of bytes
//   another connection wrote ahead is read back (from the page cache) once the hashed
//   prefix reaches it, so a finished file needs no second pass. A wrong hash discards
//   the file and the sources are tried again one at a time.
// - A file already in the cache is hashed again before it is used; a damaged entry is
//   removed and downloaded again.
// - The free space is checked before the first byte.
//
// The logic here is portable; the network is a Transport (download_curl.cpp: libcurl's
// multi interface) and the disk is DownloadFiles (download_files_posix.cpp), so tests
// and a Windows port hand in their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/host.h"
#include "util/expected.h"

namespace torchup::act {

// ---- the network seam ----

struct TransferRequest {
  std::string url;
  std::uint64_t offset = 0;           // first byte wanted
  std::optional<std::uint64_t> last;  // last byte wanted (inclusive); nullopt: to the end
  bool ranged = true;                 // send a Range header (false: a plain GET from byte 0)
};

// What the response's status line and headers said.
struct TransferHead {
  int status = 0;
  std::optional<std::uint64_t> content_length;
  std::optional<std::uint64_t> range_first;  // Content-Range: bytes FIRST-LAST/TOTAL
  std::optional<std::uint64_t> total_size;   // TOTAL of Content-Range
  bool accept_ranges = false;                // Accept-Ranges: bytes
};

// Called by Transport::wait() for transfers it drives. Returning false from on_head or
// on_body stops that transfer; then no on_end follows for it.
class TransferEvents {
 public:
  virtual ~TransferEvents() = default;
  virtual bool on_head(int id, const TransferHead& head) = 0;
  virtual bool on_body(int id, std::string_view bytes) = 0;
  // The transfer ended by itself: `error` empty when the transport saw no error (the
  // body may still be short: the engine compares it with what was asked for).
  virtual void on_end(int id, const std::string& error) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts a transfer; returns its id (> 0), or an error when it cannot start at all.
  virtual Expected<int> start(const TransferRequest& request) = 0;
  // Stops a transfer; no event follows for it. Not to be called from inside an event.
  virtual void stop(int id) = 0;
  // Drives the transfers for at most `most` (returns earlier when events arrived).
  virtual void wait(std::chrono::milliseconds most, TransferEvents& events) = 0;
};

struct TransportOptions {
  bool allow_insecure = false;  // allow http:// (otherwise https://, or loopback for tests)
  std::string proxy;            // as HttpOptions::proxy
  std::string ca_file;          // as HttpOptions::ca_file
  std::chrono::milliseconds connect_timeout{10000};
};

// libcurl's multi interface, loaded at run time (host/curl_api.h); `library` for tests.
Expected<std::unique_ptr<Transport>> make_curl_transport(
    const TransportOptions& options, const std::string& library = "libcurl.so.4");

// ---- the disk seam ----

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status write_at(std::uint64_t offset, std::string_view bytes) = 0;
  // Up to `size` bytes at `offset` (fewer at the end of the file).
  virtual Expected<std::string> read_at(std::uint64_t offset, std::size_t size) = 0;
  virtual Status truncate(std::uint64_t size) = 0;
};

// The file system as the downloader writes it (Host has a reader only).
class DownloadFiles {
 public:
  virtual ~DownloadFiles() = default;
  virtual std::optional<std::uint64_t> file_size(
      const std::string& path) const = 0;  // nullopt: missing
  virtual std::optional<std::string> read_small(const std::string& path) const = 0;  // a sidecar
  // Replaces `path` with `text` (a temporary file, then rename).
  virtual Status write_small(const std::string& path, const std::string& text) = 0;
  virtual Status make_dirs(const std::string& path) = 0;
  // Opens (creating when missing) for reading and writing; existing bytes are kept.
  virtual Expected<std::unique_ptr<WritableFile>> open(const std::string& path) = 0;
  // Opens an existing file for reading only (its write_at and truncate fail): the cache's
  // entries and a bundle's files, which may be on a read-only disk.
  virtual Expected<std::unique_ptr<WritableFile>> open_read(const std::string& path) {
    return open(path);
  }
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual void remove(const std::string& path) = 0;
  // Bytes free for this user in the file system holding `dir`; nullopt: unknown.
  virtual std::optional<std::uint64_t> free_space(const std::string& dir) const = 0;
  // A second name for the file `from` (a hard link); an error where the file system
  // cannot (then the caller copies).
  virtual Status link(const std::string& from, const std::string& to) {
    return make_error(ErrorKind::kEnvironment, "cannot link " + from + " to " + to);
  }
};

// POSIX: pwrite, statvfs, rename(2) (download_files_posix.cpp).
std::unique_ptr<DownloadFiles> make_download_files();

// ---- the cache ----

// $XDG_CACHE_HOME/torchup/wheels, else $HOME/.cache/torchup/wheels; on Windows
// (system.os_family "windows") %LOCALAPPDATA%\torchup\wheels. nullopt: none can be formed.
std::optional<std::string> default_wheel_cache(const host::Host& host);

// Where a file with this sha256 lives in `cache_dir` ("<dir>/<sha256>"), and its partial
// ("<sha256>.part", or "url-<sha256 of the first URL>.part" when no hash is known).
std::string cache_path(const std::string& cache_dir, const std::string& sha256);
std::string partial_path(const std::string& cache_dir, const std::optional<std::string>& sha256,
                         const std::string& first_url);

// ---- one download ----

struct DownloadRequest {
  std::vector<std::string> sources;   // URLs of the same file, in order of preference
  std::optional<std::uint64_t> size;  // expected size, when the index says
  std::optional<std::string> sha256;  // expected hash (lower-case hex), when the index says
};

struct DownloadProgress {
  std::uint64_t done = 0;              // bytes of the file on disk
  std::optional<std::uint64_t> total;  // the file's size, once known
  std::uint64_t received = 0;          // bytes received from the network this run
  std::string source;                  // the source that delivered the most bytes lately
};

struct DownloadOptions {
  std::string cache_dir;
  int connections = 8;                             // per file, across all sources
  std::uint64_t min_piece = 1u << 20;              // never split a piece below this
  std::chrono::milliseconds stall_timeout{15000};  // no byte for this long: the connection is left
  int max_failures = 8;                            // per source, in a row, without progress
  // After the second failure in a row a source waits before it is asked again: this,
  // doubled for each further failure (at most 16 times this).
  std::chrono::milliseconds retry_delay{250};
  std::uint64_t sidecar_every = 8u << 20;  // write the sidecar after this many new bytes
  std::uint64_t space_margin = 16u << 20;  // keep this much free beyond the file
  // Asked often; true stops the download and keeps the partial file (default: Ctrl-C's flag).
  std::function<bool()> should_stop;
  std::function<void(const DownloadProgress&)> on_progress;  // after each batch of events
};

struct SourceReport {
  std::string url;
  std::uint64_t bytes = 0;  // received from it this run
  int failures = 0;         // drops and HTTP errors
  bool stalled = false;     // it stopped sending and was left
  bool wrong_hash = false;  // a file made only of its bytes had the wrong sha256
  bool ranges = false;      // it answered a range request with 206
};

struct DownloadResult {
  std::string path;    // the cached file (when complete)
  std::string sha256;  // of the file
  std::uint64_t size = 0;
  bool from_cache = false;  // it was there already (and its sha256 checked): nothing was downloaded
  bool cache_damaged =
      false;  // a cache entry under this sha256 had other bytes: removed, downloaded again
  bool interrupted = false;        // should_stop said stop; the partial file is kept
  std::uint64_t resumed_from = 0;  // bytes of an earlier partial that were kept
  std::uint64_t received = 0;      // bytes received from the network this run
  // How the sha256 was fed: straight from the network's buffers, or read back from the
  // partial (a resumed prefix, runs other connections wrote ahead of the hashed prefix).
  std::uint64_t hashed_on_arrival = 0;
  std::uint64_t hashed_from_disk = 0;
  std::vector<SourceReport> sources;
};

// Downloads `request` into options.cache_dir. Errors: kUsage (no source), kEnvironment
// (disk: no space, cannot write), kNetwork (every source failed or gave a wrong hash).
Expected<DownloadResult> download(const DownloadRequest& request, const DownloadOptions& options,
                                  Transport& transport, DownloadFiles& files, host::Clock& clock);

// The sha256 (lower-case hex) of `size` bytes of `file`, read in 1 MiB pieces (OpenSSL EVP).
Expected<std::string> sha256_of(WritableFile& file, std::uint64_t size);
std::string sha256_hex(std::string_view bytes);

}  // namespace torchup::act
