// The downloader's Transport over libcurl's multi interface: every transfer of a file
// is driven by the one thread that calls wait() (curl_multi_perform + curl_multi_poll).
// libcurl is loaded at run time (host/curl_api.h).
#include <algorithm>
#include <map>
#include <memory>

#include "act/download.h"
#include "host/curl_api.h"
#include "util/strings.h"

namespace torchup::act {
namespace {

bool is_loopback_http(const std::string& url) {
  for (std::string_view prefix : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (!url.starts_with(prefix)) continue;
    auto after = std::string_view(url).substr(prefix.size());
    if (after.empty() || after.front() == ':' || after.front() == '/') return true;
  }
  return false;
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t n = 0;
  bool any = false;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
    any = true;
  }
  if (!any) return std::nullopt;
  return n;
}

struct Transfer {
  int id = 0;
  CURL* easy = nullptr;
  TransferHead head;
  bool head_sent = false;
  bool stopped = false;  // an event returned false
  std::string range;     // kept alive for CURLOPT_RANGE
  char error[CURL_ERROR_SIZE] = {};
  TransferEvents* events = nullptr;
  const host::CurlApi* api = nullptr;
};

class CurlTransport final : public Transport {
 public:
  CurlTransport(host::CurlApi api, TransportOptions options) : c_(api), options_(std::move(options)) {
    multi_ = c_.multi_init();
  }
  ~CurlTransport() override {
    for (auto& [id, t] : transfers_) {
      c_.multi_remove_handle(multi_, t->easy);
      c_.easy_cleanup(t->easy);
    }
    if (multi_) c_.multi_cleanup(multi_);
  }

  bool ok() const { return multi_ != nullptr; }

  Expected<int> start(const TransferRequest& request) override {
    if (!request.url.starts_with("https://") && !options_.allow_insecure && !is_loopback_http(request.url)) {
      return make_error(ErrorKind::kUsage, "refusing non-HTTPS URL " + request.url,
                        "use an https:// URL, or pass --allow-insecure");
    }
    auto t = std::make_unique<Transfer>();
    t->id = ++next_id_;
    t->api = &c_;
    t->easy = c_.easy_init();
    if (!t->easy) return make_error(ErrorKind::kEnvironment, "could not initialise libcurl");
    CURL* e = t->easy;
    c_.easy_setopt(e, CURLOPT_URL, request.url.c_str());
    c_.easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    c_.easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    bool https_only = request.url.starts_with("https://") && !options_.allow_insecure;
    c_.easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, https_only ? "https" : "http,https");
    c_.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    c_.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    // One TCP connection per transfer: libcurl's multi handle would otherwise multiplex
    // the range requests to one host over a single HTTP/2 connection (CURLMOPT_PIPELINING
    // defaults to CURLPIPE_MULTIPLEX since libcurl 7.62.0), and a per-connection rate
    // limit (the case parallel ranges are for) would apply to all of them together.
    c_.easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    c_.easy_setopt(e, CURLOPT_USERAGENT, "torchup/" TORCHUP_VERSION);
    c_.easy_setopt(e, CURLOPT_ERRORBUFFER, static_cast<char*>(t->error));
    if (!options_.proxy.empty()) c_.easy_setopt(e, CURLOPT_PROXY, options_.proxy.c_str());
    if (!options_.ca_file.empty()) c_.easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (request.ranged) {
      t->range = std::to_string(request.offset) + "-" + (request.last ? std::to_string(*request.last) : "");
      c_.easy_setopt(e, CURLOPT_RANGE, t->range.c_str());
    }
    // Through a variadic function libcurl expects exactly these pointer types.
    curl_write_callback writer = on_write;
    curl_write_callback header = on_header;
    c_.easy_setopt(e, CURLOPT_WRITEFUNCTION, writer);
    c_.easy_setopt(e, CURLOPT_WRITEDATA, static_cast<void*>(t.get()));
    c_.easy_setopt(e, CURLOPT_HEADERFUNCTION, header);
    c_.easy_setopt(e, CURLOPT_HEADERDATA, static_cast<void*>(t.get()));
    c_.easy_setopt(e, CURLOPT_PRIVATE, static_cast<void*>(t.get()));
    if (c_.multi_add_handle(multi_, e) != CURLM_OK) {
      c_.easy_cleanup(e);
      return make_error(ErrorKind::kEnvironment, "libcurl refused another transfer");
    }
    int id = t->id;
    transfers_[id] = std::move(t);
    return id;
  }

  void stop(int id) override {
    auto it = transfers_.find(id);
    if (it == transfers_.end()) return;
    c_.multi_remove_handle(multi_, it->second->easy);
    c_.easy_cleanup(it->second->easy);
    transfers_.erase(it);
  }

  void wait(std::chrono::milliseconds most, TransferEvents& events) override {
    for (auto& [id, t] : transfers_) t->events = &events;
    int running = 0;
    c_.multi_perform(multi_, &running);
    collect(events);
    if (transfers_.empty()) return;
    int ready = 0;
    c_.multi_poll(multi_, nullptr, 0, static_cast<int>(most.count()), &ready);
    c_.multi_perform(multi_, &running);
    collect(events);
  }

 private:
  // Finished transfers: an event for each that the engine did not stop itself.
  void collect(TransferEvents& events) {
    int left = 0;
    while (CURLMsg* msg = c_.multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      void* user = nullptr;
      c_.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &user);
      auto* t = static_cast<Transfer*>(user);
      CURLcode rc = msg->data.result;
      int id = t->id;
      bool stopped = t->stopped;
      std::string error;
      if (rc != CURLE_OK) error = t->error[0] != '\0' ? str::sanitize(t->error) : c_.easy_strerror(rc);
      // A response without a body still has a head; a transfer that failed before any
      // byte arrived has none (the error says why).
      if (!stopped && !t->head_sent && rc == CURLE_OK) {
        t->head_sent = true;
        finish_head(*t);
        if (!events.on_head(id, t->head)) stopped = true;
      }
      stop(id);
      if (!stopped) events.on_end(id, error);
    }
  }

  static void finish_head(Transfer& t) {
    long status = 0;
    t.api->easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    t.head.status = static_cast<int>(status);
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
      t->head = TransferHead{};  // a new response (after a redirect or a 100 Continue)
      return size * n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    std::string name = str::to_lower(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (name == "content-length") {
      t->head.content_length = parse_number(value);
    } else if (name == "accept-ranges") {
      t->head.accept_ranges = str::icontains(value, "bytes");
    } else if (name == "content-range" && value.starts_with("bytes ")) {
      value.remove_prefix(6);
      t->head.range_first = parse_number(value);
      auto slash = value.find('/');
      if (slash != std::string_view::npos) t->head.total_size = parse_number(value.substr(slash + 1));
    }
    return size * n;
  }

  static std::size_t on_write(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t given = size * n;
    if (t->stopped || !t->events) return 0;
    if (!t->head_sent) {
      t->head_sent = true;
      finish_head(*t);
      if (!t->events->on_head(t->id, t->head)) {
        t->stopped = true;
        return 0;
      }
    }
    if (!t->events->on_body(t->id, std::string_view(data, given))) {
      t->stopped = true;
      return 0;
    }
    return given;
  }

  host::CurlApi c_;
  TransportOptions options_;
  CURLM* multi_ = nullptr;
  int next_id_ = 0;
  std::map<int, std::unique_ptr<Transfer>> transfers_;
};

}  // namespace

Expected<std::unique_ptr<Transport>> make_curl_transport(const TransportOptions& options, const std::string& library) {
  auto api = host::load_curl_api(library);
  if (!api) return api.error();
  if (api->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return make_error(ErrorKind::kEnvironment, "could not initialise libcurl (" + library + ")");
  }
  auto transport = std::make_unique<CurlTransport>(*api, options);
  if (!transport->ok()) return make_error(ErrorKind::kEnvironment, "could not initialise libcurl's multi interface");
  return std::unique_ptr<Transport>(std::move(transport));
}

}  // namespace torchup::act
