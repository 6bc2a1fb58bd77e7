// Environment variables and HTTP (libcurl, loaded on the first request: curl_api.h).
#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "host/curl_api.h"
#include "host/host.h"
#include "util/strings.h"

namespace torchup::host {
namespace {

class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> get(const std::string& name) const override {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  }
};

class MapEnvironment final : public Environment {
 public:
  explicit MapEnvironment(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  std::optional<std::string> get(const std::string& name) const override {
    auto it = vars_.find(name);
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> vars_;
};

// True for http://127.0.0.1[:port]/..., http://localhost[:port]/..., http://[::1][:port]/...
// The host must end where the authority ends ("127.0.0.1.evil.com" is not loopback).
bool is_loopback_http(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return false;
  std::string_view rest(url);
  rest.remove_prefix(kScheme.size());
  for (std::string_view host : {"127.0.0.1", "localhost", "[::1]"}) {
    if (!rest.starts_with(host)) continue;
    auto after = rest.substr(host.size());
    if (after.empty() || after.front() == ':' || after.front() == '/') return true;
  }
  return false;
}

struct Sink {
  std::string* body;
  std::size_t max_bytes;  // 0: no cap
  bool truncated = false;
};

// Keeps at most max_bytes; returning less than it was given makes libcurl abort the
// transfer (CURLE_WRITE_ERROR), which get() reports as a truncated result.
std::size_t write_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  std::size_t given = size * n;
  if (sink->max_bytes == 0) {
    sink->body->append(data, given);
    return given;
  }
  std::size_t room = sink->max_bytes - std::min(sink->max_bytes, sink->body->size());
  if (given < room) {
    sink->body->append(data, given);
    return given;
  }
  sink->body->append(data, room);
  sink->truncated = true;
  return given == 0 ? 1 : 0;  // anything but `given` stops the transfer
}

class CurlHttp final : public HttpClient {
 public:
  explicit CurlHttp(std::string library) : library_(std::move(library)) {}
  ~CurlHttp() override {
    if (api_) api_->global_cleanup();
  }

  Expected<HttpResponse> get(const std::string& url, const HttpOptions& options) override {
    // Only HTTPS leaves the machine unless the user explicitly allows plain HTTP
    // (DESIGN §8); plain HTTP to loopback is allowed for local test servers.
    if (!url.starts_with("https://") && !options.allow_insecure && !is_loopback_http(url)) {
      return make_error(ErrorKind::kUsage, "refusing non-HTTPS URL " + url,
                        "use an https:// URL, or pass --allow-insecure");
    }
    // The first request loads libcurl and initialises it (and its TLS library), once,
    // even when mirror probes call get() from several threads at once.
    std::call_once(loaded_, [this] {
      auto api = load_curl_api(library_);
      if (!api) {
        load_error_ = api.error();
        return;
      }
      if (api->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        load_error_ = make_error(ErrorKind::kEnvironment, "could not initialise libcurl (" + library_ + ")");
        return;
      }
      api_ = *api;
    });
    if (!api_) return *load_error_;
    const CurlApi& c = *api_;
    CURL* curl = c.easy_init();
    if (!curl) return make_error(ErrorKind::kEnvironment, "could not initialise libcurl");
    HttpResponse response;
    c.easy_setopt(curl, CURLOPT_URL, url.c_str());
    c.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    c.easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    // A redirect must not downgrade an https:// download to plain http (or any other scheme).
    bool https_only = url.starts_with("https://") && !options.allow_insecure;
    c.easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, https_only ? "https" : "http,https");
    c.easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    c.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    Sink sink{&response.body, options.max_bytes};
    // Through a variadic function libcurl expects exactly this pointer type.
    curl_write_callback writer = write_body;
    c.easy_setopt(curl, CURLOPT_WRITEFUNCTION, writer);
    c.easy_setopt(curl, CURLOPT_WRITEDATA, static_cast<void*>(&sink));
    c.easy_setopt(curl, CURLOPT_USERAGENT, "torchup/" TORCHUP_VERSION);
    c.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    char detail[CURL_ERROR_SIZE] = {};  // libcurl's own sentence ("CONNECT tunnel failed, response 403")
    c.easy_setopt(curl, CURLOPT_ERRORBUFFER, static_cast<char*>(detail));
    if (!options.proxy.empty()) c.easy_setopt(curl, CURLOPT_PROXY, options.proxy.c_str());
    if (!options.ca_file.empty()) c.easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
    CURLcode rc = c.easy_perform(curl);
    long status = 0;
    c.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t total_us = 0;
    if (c.easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total_us) == CURLE_OK && total_us > 0) {
      response.elapsed = std::chrono::microseconds(total_us);
    }
    c.easy_cleanup(curl);
    if (rc == CURLE_WRITE_ERROR && sink.truncated) {
      rc = CURLE_OK;  // our own stop at max_bytes
      response.truncated = true;
    } else if (rc == CURLE_OPERATION_TIMEDOUT && options.keep_partial_on_timeout && !response.body.empty()) {
      rc = CURLE_OK;
      response.timed_out = true;
    }
    if (rc != CURLE_OK) {
      return make_error(ErrorKind::kNetwork,
                        "download of " + url + " failed: " +
                            (detail[0] != '\0' ? str::sanitize(detail) : std::string(c.easy_strerror(rc))),
                        "check the network connection or proxy settings (HTTPS_PROXY)");
    }
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  std::string library_;
  std::once_flag loaded_;
  std::optional<CurlApi> api_;
  std::optional<Error> load_error_;
};

}  // namespace

std::unique_ptr<Environment> make_process_environment() {
  return std::make_unique<ProcessEnvironment>();
}
std::unique_ptr<Environment> make_map_environment(std::map<std::string, std::string> vars) {
  return std::make_unique<MapEnvironment>(std::move(vars));
}
std::unique_ptr<HttpClient> make_curl_http() { return make_curl_http(kCurlLibrary); }
std::unique_ptr<HttpClient> make_curl_http(std::string library) {
  return std::make_unique<CurlHttp>(std::move(library));
}

}  // namespace torchup::host
