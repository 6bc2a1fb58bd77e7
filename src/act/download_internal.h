// Pieces of the downloader shared by its files and its tests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "act/download.h"

struct evp_md_ctx_st;

namespace torchup::act {

// A set of byte ranges [first, end), merged as they are added.
class ByteRanges {
 public:
  void add(std::uint64_t first, std::uint64_t end);
  bool covers(std::uint64_t first, std::uint64_t end) const;
  std::uint64_t covered() const;        // bytes in the set
  std::uint64_t first_missing() const;  // the first byte from 0 not in the set
  // The end of the run of bytes in the set that starts at or covers `from` (`from` when
  // `from` is not in the set).
  std::uint64_t contiguous_end(std::uint64_t from) const;
  // The first range below `size` in neither this set nor `claimed` (pairs [first, end)).
  std::optional<std::pair<std::uint64_t, std::uint64_t>> first_gap(
      std::uint64_t size,
      const std::vector<std::pair<std::uint64_t, std::uint64_t>>& claimed) const;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> list() const {
    return {ranges_.begin(), ranges_.end()};
  }

 private:
  std::map<std::uint64_t, std::uint64_t> ranges_;  // first -> end, disjoint, not touching
};

// A sha256 fed in file order as the bytes arrive (OpenSSL EVP): `at()` is the first
// byte not hashed yet.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void reset();
  void update(std::string_view bytes);
  std::uint64_t at() const { return at_; }
  std::string finish();  // lower-case hex; the stream starts again at byte 0

 private:
  evp_md_ctx_st* ctx_;
  std::uint64_t at_ = 0;
};

// Feeds `hash` the bytes of `file` from hash.at() up to `to`, read in 1 MiB pieces.
Status sha256_continue(Sha256Stream& hash, WritableFile& file, std::uint64_t to);

}  // namespace torchup::act
