// The JSON API of `torchup serve`, kept apart from the HTTP server so
// tests call it as a plain function: path + query parameters in, status + body out.
// It answers from the same core calls as the CLI: /api/select is render::Selector
// (what `torchup select` prints, byte for byte, in "text"), /api/options the rows
// the selector offers, /api/machine and /api/plan whatever `detect` and `plan`
// return (injected as providers, so tests and --profile can hand in their own).
// Nothing here changes the machine: every endpoint is a read.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "render/select.h"
#include "render/selector.h"
#include "util/expected.h"

namespace torchup::serve {

// Query parameters in request order; a name may repeat (which the API refuses).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// Produces a JSON document (the machine, the plan) or says why it cannot.
using JsonProvider = std::function<Expected<nlohmann::json>()>;

// Where /api/machine and /api/plan come from. Empty providers answer 503.
struct MachineSources {
  JsonProvider machine;  // `torchup detect --json` (schema torchup.machine/1)
  JsonProvider plan;     // `torchup plan --json` (schema torchup.plan/1)
};

// Runs `provider` at most once (detection may take seconds, and the machine does
// not change while the page is open); every caller gets that first answer.
// Thread-safe: the HTTP server calls it from several threads.
JsonProvider run_once(JsonProvider provider);

class Api {
 public:
  Api(std::shared_ptr<const render::Selector> selector, MachineSources sources);

  // Answers GET `path` ("/api/select"). Unknown paths: 404 JSON. Never throws.
  ApiResponse handle(const std::string& path, const QueryParams& params) const;

 private:
  ApiResponse select(const QueryParams& params) const;
  ApiResponse options(const QueryParams& params) const;
  static ApiResponse provided(const JsonProvider& provider, const char* what);

  std::shared_ptr<const render::Selector> selector_;
  MachineSources sources_;
};

// The `select` query of /api/select?torch=&os=&package=&language=&platform=&as_published=
// with the CLI's rules: os required; package pip|conda|libtorch|source; language
// python|cpp; as_published 1|0|true|false; names case-insensitive. Unknown or
// repeated parameters and odd characters are usage errors (HTTP 400).
Expected<render::SelectQuery> parse_select_query(const QueryParams& params);

// The body /api/select returns for a result: render::select_json plus "text",
// exactly what `torchup select` prints on stdout for the same choice.
nlohmann::ordered_json select_response_json(const render::SelectResult& result);

// HTTP status for an error: usage 400, not found 404, no fit 422, others 500.
int http_status_for(ErrorKind kind);
// {"error": message, "hint": hint} with that status.
ApiResponse json_error(int status, const std::string& message, const std::string& hint = {});

// True when a Host header names this server on loopback: "localhost", "127.0.0.1"
// or "[::1]", with ":port" (or no port). Anything else is a page elsewhere reaching
// us through DNS rebinding, so the server answers 403.
bool host_allowed(std::string_view host_header, int port);

}  // namespace torchup::serve
