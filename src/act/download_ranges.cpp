// ByteRanges (download_internal.h) and the cache's names (download.h).
#include <openssl/evp.h>

#include <algorithm>

#include "act/download.h"
#include "act/download_internal.h"

namespace torchup::act {

void ByteRanges::add(std::uint64_t first, std::uint64_t end) {
  if (first >= end) return;
  auto it = ranges_.upper_bound(first);
  if (it != ranges_.begin()) {
    auto prev = std::prev(it);
    if (prev->second >= first) {  // overlaps or touches the one before
      first = prev->first;
      end = std::max(end, prev->second);
      it = ranges_.erase(prev);
    }
  }
  while (it != ranges_.end() && it->first <= end) {
    end = std::max(end, it->second);
    it = ranges_.erase(it);
  }
  ranges_[first] = end;
}

bool ByteRanges::covers(std::uint64_t first, std::uint64_t end) const {
  if (first >= end) return true;
  auto it = ranges_.upper_bound(first);
  if (it == ranges_.begin()) return false;
  --it;
  return it->first <= first && it->second >= end;
}

std::uint64_t ByteRanges::covered() const {
  std::uint64_t n = 0;
  for (const auto& [a, b] : ranges_) n += b - a;
  return n;
}

std::uint64_t ByteRanges::first_missing() const {
  auto it = ranges_.find(0);
  return it == ranges_.end() ? 0 : it->second;
}

std::uint64_t ByteRanges::contiguous_end(std::uint64_t from) const {
  auto it = ranges_.upper_bound(from);
  if (it == ranges_.begin()) return from;
  --it;
  return it->second > from ? it->second : from;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> ByteRanges::first_gap(
    std::uint64_t size, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& claimed) const {
  ByteRanges all = *this;
  for (const auto& [a, b] : claimed) all.add(a, std::min(b, size));
  std::uint64_t pos = 0;
  for (const auto& [a, b] : all.ranges_) {
    if (a > pos) return std::make_pair(pos, std::min(a, size));
    pos = std::max(pos, b);
    if (pos >= size) return std::nullopt;
  }
  if (pos < size) return std::make_pair(pos, size);
  return std::nullopt;
}

namespace {

std::string hex(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return hex(digest, length);
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) { reset(); }

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(ctx_); }

void Sha256Stream::reset() {
  EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  at_ = 0;
}

void Sha256Stream::update(std::string_view bytes) {
  EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
  at_ += bytes.size();
}

std::string Sha256Stream::finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_, digest, &length);
  reset();
  return hex(digest, length);
}

Status sha256_continue(Sha256Stream& hash, WritableFile& file, std::uint64_t to) {
  while (hash.at() < to) {
    auto piece = file.read_at(
        hash.at(), static_cast<std::size_t>(std::min<std::uint64_t>(1u << 20, to - hash.at())));
    if (!piece) return piece.error();
    if (piece->empty())
      return make_error(ErrorKind::kEnvironment, "the downloaded file is shorter than expected");
    hash.update(*piece);
  }
  return Ok{};
}

Expected<std::string> sha256_of(WritableFile& file, std::uint64_t size) {
  Sha256Stream hash;
  if (auto read = sha256_continue(hash, file, size); !read) return read.error();
  return hash.finish();
}

std::optional<std::string> default_wheel_cache(const host::Host& host) {
  if (host.system.os_family == "windows") {
    auto local = host.env.get("LOCALAPPDATA");
    if (local && !local->empty()) return *local + "\\torchup\\wheels";
    return std::nullopt;
  }
  if (auto v = host.env.get("XDG_CACHE_HOME"); v && !v->empty()) return *v + "/torchup/wheels";
  if (auto v = host.env.get("HOME"); v && !v->empty()) return *v + "/.cache/torchup/wheels";
  return std::nullopt;
}

std::string cache_path(const std::string& cache_dir, const std::string& sha256) {
  return cache_dir + "/" + sha256;
}

std::string partial_path(const std::string& cache_dir, const std::optional<std::string>& sha256,
                         const std::string& first_url) {
  if (sha256) return cache_dir + "/" + *sha256 + ".part";
  return cache_dir + "/url-" + sha256_hex(first_url) + ".part";
}

}  // namespace torchup::act
