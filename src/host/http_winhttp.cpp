// HttpClient on Windows through WinHTTP (http_winhttp.h).
//
// Two WinHTTP behaviours handled here (measured under wine 8, ../shared/research/
// windows-port.md; WinHttpSetTimeouts, Microsoft Learn): its receive timeout is per
// read, so a server trickling bytes never times out: a watchdog thread closes the
// request handle at the total deadline (closing a handle cancels its pending calls).
// And a connection dropped mid-body ends the reads as if the body were complete: the
// bytes received are compared with Content-Length.
#include "host/wide_windows.h"  // <windows.h> first: <winhttp.h> builds on it

#include <winhttp.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "host/http_winhttp.h"
#include "util/strings.h"

namespace torchup::host {
namespace {

using Clock = std::chrono::steady_clock;

// True for http://127.0.0.1[:port]/..., http://localhost[:port]/..., http://[::1][:port]/...
// (the same rule as the Linux client, env_http.cpp).
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

// "[scheme://][user:pass@]host:port" -> "host:port" (WinHTTP's named-proxy form).
std::wstring proxy_server(std::string proxy) {
  if (auto scheme = proxy.find("://"); scheme != std::string::npos) proxy.erase(0, scheme + 3);
  if (auto at = proxy.rfind('@'); at != std::string::npos) proxy.erase(0, at + 1);
  while (!proxy.empty() && proxy.back() == '/') proxy.pop_back();
  return win::widen(proxy);
}

struct InternetHandle {
  HINTERNET h = nullptr;
  ~InternetHandle() {
    if (h) ::WinHttpCloseHandle(h);
  }
};

Error network_error(const std::string& url, const std::string& why) {
  return make_error(ErrorKind::kNetwork, "download of " + url + " failed: " + str::sanitize(why),
                    "check the network connection or proxy settings (HTTPS_PROXY)");
}

std::string winhttp_error(DWORD code) {
  switch (code) {
    case ERROR_WINHTTP_TIMEOUT: return "the operation timed out";
    case ERROR_WINHTTP_CANNOT_CONNECT: return "could not connect to the server";
    case ERROR_WINHTTP_CONNECTION_ERROR: return "the connection was reset";
    case ERROR_WINHTTP_NAME_NOT_RESOLVED: return "the server name could not be resolved";
    case ERROR_WINHTTP_SECURE_FAILURE: return "the TLS handshake or certificate check failed";
    case ERROR_WINHTTP_INVALID_SERVER_RESPONSE: return "the server's response was not HTTP";
    case ERROR_WINHTTP_OPERATION_CANCELLED: return "the transfer was cancelled";
    default: return "WinHTTP error " + std::to_string(code);
  }
}

class WinHttp final : public HttpClient {
 public:
  Expected<HttpResponse> get(const std::string& url, const HttpOptions& options) override {
    // Only HTTPS leaves the machine unless the user explicitly allows plain HTTP (DESIGN §8).
    if (!url.starts_with("https://") && !options.allow_insecure && !is_loopback_http(url)) {
      return make_error(ErrorKind::kUsage, "refusing non-HTTPS URL " + url,
                        "use an https:// URL, or pass --allow-insecure");
    }
    const auto started = Clock::now();
    const auto deadline = started + options.timeout;
    std::wstring wide_url = win::widen(url);
    URL_COMPONENTS parts{};
    parts.dwStructSize = sizeof parts;
    parts.dwHostNameLength = static_cast<DWORD>(-1);
    parts.dwUrlPathLength = static_cast<DWORD>(-1);
    parts.dwExtraInfoLength = static_cast<DWORD>(-1);
    if (!::WinHttpCrackUrl(wide_url.c_str(), 0, 0, &parts)) return network_error(url, "not a URL");
    std::wstring host(parts.lpszHostName, parts.dwHostNameLength);
    std::wstring path(parts.lpszUrlPath, parts.dwUrlPathLength);
    path.append(parts.lpszExtraInfo, parts.dwExtraInfoLength);
    if (path.empty()) path = L"/";
    const bool secure = parts.nScheme == INTERNET_SCHEME_HTTPS;

    std::wstring agent = win::widen("torchup/" TORCHUP_VERSION);
    std::wstring proxy = options.proxy.empty() ? std::wstring() : proxy_server(options.proxy);
    InternetHandle session{::WinHttpOpen(agent.c_str(),
                                         proxy.empty() ? WINHTTP_ACCESS_TYPE_DEFAULT_PROXY : WINHTTP_ACCESS_TYPE_NAMED_PROXY,
                                         proxy.empty() ? WINHTTP_NO_PROXY_NAME : proxy.c_str(),
                                         proxy.empty() ? WINHTTP_NO_PROXY_BYPASS : L"<local>", 0)};
    if (!session.h) return network_error(url, winhttp_error(::GetLastError()));
    int ms = static_cast<int>(std::min<long long>(options.timeout.count(), 0x7fffffff));
    ::WinHttpSetTimeouts(session.h, ms, std::min(ms, 10000), ms, ms);
    InternetHandle connection{::WinHttpConnect(session.h, host.c_str(), parts.nPort, 0)};
    if (!connection.h) return network_error(url, winhttp_error(::GetLastError()));
    HINTERNET request = ::WinHttpOpenRequest(connection.h, L"GET", path.c_str(), nullptr, WINHTTP_NO_REFERER,
                                             WINHTTP_DEFAULT_ACCEPT_TYPES, secure ? WINHTTP_FLAG_SECURE : 0);
    if (!request) return network_error(url, winhttp_error(::GetLastError()));
    // A redirect never downgrades an https:// download (WinHTTP's default policy, set explicitly).
    DWORD policy = WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP;
    ::WinHttpSetOption(request, WINHTTP_OPTION_REDIRECT_POLICY, &policy, sizeof policy);
    DWORD max_redirects = 5;
    ::WinHttpSetOption(request, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &max_redirects, sizeof max_redirects);

    // The watchdog: closes the request at the deadline, which makes the blocked call fail.
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    bool expired = false;
    std::thread watchdog([&] {
      std::unique_lock lock(mutex);
      if (!finished.wait_until(lock, deadline, [&] { return done; })) {
        expired = true;
        ::WinHttpCloseHandle(request);
      }
    });
    auto stop_watchdog = [&] {
      {
        std::lock_guard lock(mutex);
        done = true;
      }
      finished.notify_one();
      watchdog.join();
      if (!expired) ::WinHttpCloseHandle(request);
    };

    HttpResponse response;
    DWORD failure = 0;
    bool truncated = false;
    bool late = false;
    std::optional<unsigned long long> content_length;
    if (!::WinHttpSendRequest(request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0) ||
        !::WinHttpReceiveResponse(request, nullptr)) {
      failure = ::GetLastError();
    } else {
      DWORD status = 0, size = sizeof status;
      ::WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                            &status, &size, WINHTTP_NO_HEADER_INDEX);
      response.status = static_cast<int>(status);
      wchar_t length_text[32] = {};
      DWORD length_size = sizeof length_text;
      if (::WinHttpQueryHeaders(request, WINHTTP_QUERY_CONTENT_LENGTH, WINHTTP_HEADER_NAME_BY_INDEX, length_text,
                                &length_size, WINHTTP_NO_HEADER_INDEX)) {
        content_length = std::wcstoull(length_text, nullptr, 10);
      }
      char buffer[65536];
      for (;;) {
        DWORD got = 0;
        DWORD want = sizeof buffer;
        if (options.max_bytes > 0) {
          std::size_t room = options.max_bytes - std::min(options.max_bytes, response.body.size());
          if (room == 0) {
            truncated = true;
            break;
          }
          want = static_cast<DWORD>(std::min<std::size_t>(want, room));
        }
        if (!::WinHttpReadData(request, buffer, want, &got)) {
          failure = ::GetLastError();
          break;
        }
        if (got == 0) break;  // end of the body (or of the connection: checked below)
        response.body.append(buffer, got);
        // Under wine a close from the watchdog does not cut a read short: the deadline
        // is also checked between reads (each returns as soon as bytes arrive).
        if (Clock::now() >= deadline) {
          late = true;
          break;
        }
      }
    }
    stop_watchdog();
    response.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
    if (truncated) {
      response.truncated = true;
      return response;
    }
    if (expired || late || failure == ERROR_WINHTTP_TIMEOUT) {
      if (options.keep_partial_on_timeout && !response.body.empty()) {
        response.timed_out = true;
        return response;
      }
      return network_error(url, "timed out after " + std::to_string(options.timeout.count()) + " ms");
    }
    if (failure != 0) return network_error(url, winhttp_error(failure));
    if (content_length && response.body.size() != *content_length) {
      return network_error(url, "the connection closed after " + std::to_string(response.body.size()) + " of " +
                                    std::to_string(*content_length) + " bytes");
    }
    return response;
  }
};

}  // namespace

std::unique_ptr<HttpClient> make_winhttp_http() { return std::make_unique<WinHttp>(); }

}  // namespace torchup::host
