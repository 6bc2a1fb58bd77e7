// The few libcurl functions torchup's HTTP client calls, resolved at run time on the
// first request (DESIGN §5 "loaded at run time if used, never linked"): a command that
// makes no request (--version, detect, plan, select) loads neither libcurl nor the 30
// libraries it pulls in (OpenSSL, GnuTLS's and Kerberos's pieces, nghttp2, ...), and
// does not initialise OpenSSL. <curl/curl.h> is used for its types and constants only.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

#include "host/host.h"
#include "util/expected.h"

namespace torchup::host {

struct CurlApi {
  CURLcode (*global_init)(long flags) = nullptr;
  void (*global_cleanup)() = nullptr;
  CURL* (*easy_init)() = nullptr;
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...) = nullptr;
  CURLcode (*easy_perform)(CURL* handle) = nullptr;
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...) = nullptr;
  void (*easy_cleanup)(CURL* handle) = nullptr;
  const char* (*easy_strerror)(CURLcode code) = nullptr;
  // The multi interface: many transfers driven by one thread (act/download_curl.cpp).
  CURLM* (*multi_init)() = nullptr;
  CURLMcode (*multi_add_handle)(CURLM* multi, CURL* handle) = nullptr;
  CURLMcode (*multi_remove_handle)(CURLM* multi, CURL* handle) = nullptr;
  CURLMcode (*multi_perform)(CURLM* multi, int* running) = nullptr;
  // curl_multi_poll: libcurl 7.66 and newer (Debian 12 has 7.88).
  CURLMcode (*multi_poll)(CURLM* multi, struct curl_waitfd extra[], unsigned int extra_count, int timeout_ms,
                          int* ready) = nullptr;
  CURLMsg* (*multi_info_read)(CURLM* multi, int* left) = nullptr;
  CURLMcode (*multi_cleanup)(CURLM* multi) = nullptr;
};

// The library's default name: Debian's libcurl4 (and libcurl4-gnutls) install
// "libcurl.so.4", the soname every libcurl 7.16+ carries.
inline constexpr const char* kCurlLibrary = "libcurl.so.4";

// Opens `library` and resolves every CurlApi function; an error names the library and
// what to install when it is missing or lacks a function. The library stays loaded for
// the life of the process (libcurl's TLS back end registers exit handlers).
// Per-OS: curl_load_posix.cpp (dlopen).
Expected<CurlApi> load_curl_api(const std::string& library);

// make_curl_http() with another library name (tests: a missing library).
std::unique_ptr<HttpClient> make_curl_http(std::string library);

}  // namespace torchup::host
