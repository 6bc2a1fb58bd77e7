// The cache write is the one place torchup writes a file of its own: it goes to
// the user's cache directory (never a hard-coded system path), through a
// temporary file in the same directory and rename(2), so a reader never sees a
// half-written file and a failure never damages the previous cache.
#include "data/update.h"

#include <fmt/format.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "data/published.h"

namespace torchup::data {

namespace fs = std::filesystem;

namespace {

Status write_atomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      return make_error(ErrorKind::kEnvironment, "could not write " + tmp.string(),
                        "check that the cache directory is writable, or pass --cache-dir DIR");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return make_error(ErrorKind::kEnvironment,
                      "could not move " + tmp.string() + " into place: " + ec.message(),
                      "check that the cache directory is writable, or pass --cache-dir DIR");
  }
  return Ok{};
}

}  // namespace

std::string utc_iso8601(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Expected<UpdateResult> update_published_versions(host::HttpClient& http,
                                                 const UpdateOptions& options) {
  if (options.cache_dir.empty()) {
    return make_error(ErrorKind::kUsage, "no cache directory to write to",
                      "set HOME or TORCHUP_CACHE_DIR, or pass --cache-dir DIR");
  }
  host::HttpOptions http_options;
  http_options.timeout = options.timeout;
  http_options.allow_insecure = options.allow_insecure;
  http_options.proxy = options.proxy;
  auto response = http.get(options.url, http_options);
  if (!response) return response.error();
  if (response->status != 200) {
    return make_error(ErrorKind::kNetwork,
                      fmt::format("download of {} failed: HTTP {}; the cache was not changed",
                                  options.url, response->status),
                      "check the URL (--url), or try again later");
  }
  auto parsed = parse_published_versions(response->body);
  if (!parsed) {
    return make_error(ErrorKind::kParse,
                      fmt::format("the file downloaded from {} is not a usable {} ({}); the cache "
                                  "was not changed",
                                  options.url, kPublishedVersionsName, parsed.error().message),
                      "try again later; if it persists the site's format may have changed: "
                      "torchup keeps using its embedded copy");
  }

  std::error_code ec;
  fs::create_directories(options.cache_dir, ec);
  if (ec) {
    return make_error(
        ErrorKind::kEnvironment,
        "could not create the cache directory " + options.cache_dir + ": " + ec.message(),
        "pass --cache-dir DIR with a writable directory");
  }
  UpdateResult result;
  result.path = (fs::path(options.cache_dir) / kPublishedVersionsName).string();
  result.meta_path = result.path + ".meta.json";
  result.url = options.url;
  result.fetched_at = options.fetched_at;
  result.size = response->body.size();
  result.latest_stable = parsed->latest_stable;
  result.version_count = parsed->versions.size();

  nlohmann::json meta = {{"fetched_at", result.fetched_at},
                         {"url", result.url},
                         {"size", result.size},
                         {"latest_stable", result.latest_stable}};
  if (auto st = write_atomically(result.path, response->body); !st) return st.error();
  if (auto st = write_atomically(result.meta_path, meta.dump(2) + "\n"); !st) return st.error();
  return result;
}

}  // namespace torchup::data
