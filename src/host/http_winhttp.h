// HttpClient through WinHTTP, the system's HTTP client on Windows (http_winhttp.cpp).
#pragma once

#include <memory>

#include "host/host.h"

namespace torchup::host {

// HTTPS with the system's certificate store and TLS; HttpOptions as on Linux
// (timeout is one deadline for the whole transfer, max_bytes, keep_partial_on_timeout;
// proxy "host:port" as a named proxy; ca_file is not used: Windows trusts its own store).
std::unique_ptr<HttpClient> make_winhttp_http();

}  // namespace torchup::host
