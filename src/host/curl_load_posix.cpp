// Loads libcurl with dlopen (see curl_api.h).
#include <dlfcn.h>

#include "host/curl_api.h"

namespace torchup::host {
namespace {

template <typename Fn>
bool resolve(void* lib, const char* name, Fn& out) {
  void* symbol = ::dlsym(lib, name);
  if (!symbol) return false;
  // POSIX dlsym returns functions as void*; converting back is what dlsym is for.
  out = reinterpret_cast<Fn>(symbol);
  return true;
}

}  // namespace

Expected<CurlApi> load_curl_api(const std::string& library) {
  // RTLD_LOCAL: libcurl's symbols (and OpenSSL's) stay out of the global namespace.
  void* lib = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = ::dlerror();
    return make_error(ErrorKind::kEnvironment,
                      "torchup needs " + library + " (libcurl) to download, and it could not be loaded" +
                          (why ? std::string(": ") + why : std::string()),
                      "install libcurl (Debian/Ubuntu: sudo apt install libcurl4; Fedora: sudo dnf install "
                      "libcurl)");
  }
  CurlApi api;
  const char* missing = nullptr;
  if (!resolve(lib, "curl_global_init", api.global_init)) missing = "curl_global_init";
  if (!resolve(lib, "curl_global_cleanup", api.global_cleanup)) missing = "curl_global_cleanup";
  if (!resolve(lib, "curl_easy_init", api.easy_init)) missing = "curl_easy_init";
  if (!resolve(lib, "curl_easy_setopt", api.easy_setopt)) missing = "curl_easy_setopt";
  if (!resolve(lib, "curl_easy_perform", api.easy_perform)) missing = "curl_easy_perform";
  if (!resolve(lib, "curl_easy_getinfo", api.easy_getinfo)) missing = "curl_easy_getinfo";
  if (!resolve(lib, "curl_easy_cleanup", api.easy_cleanup)) missing = "curl_easy_cleanup";
  if (!resolve(lib, "curl_easy_strerror", api.easy_strerror)) missing = "curl_easy_strerror";
  if (!resolve(lib, "curl_multi_init", api.multi_init)) missing = "curl_multi_init";
  if (!resolve(lib, "curl_multi_add_handle", api.multi_add_handle)) missing = "curl_multi_add_handle";
  if (!resolve(lib, "curl_multi_remove_handle", api.multi_remove_handle)) missing = "curl_multi_remove_handle";
  if (!resolve(lib, "curl_multi_perform", api.multi_perform)) missing = "curl_multi_perform";
  if (!resolve(lib, "curl_multi_poll", api.multi_poll)) missing = "curl_multi_poll";
  if (!resolve(lib, "curl_multi_info_read", api.multi_info_read)) missing = "curl_multi_info_read";
  if (!resolve(lib, "curl_multi_cleanup", api.multi_cleanup)) missing = "curl_multi_cleanup";
  if (missing) {
    ::dlclose(lib);
    return make_error(ErrorKind::kEnvironment, library + " is not a usable libcurl: it has no " + missing,
                      "install libcurl 7.85 or newer (Debian/Ubuntu: sudo apt install libcurl4)");
  }
  return api;  // never dlclose'd: see curl_api.h
}

}  // namespace torchup::host
