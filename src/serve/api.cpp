// The JSON API: validation first (400 with a message for anything malformed),
// then the same core calls as the CLI. Every handler catches nothing because
// nothing below throws on bad input (parsers return Expected); handle() still
// guards against a library exception so a request can never bring the server down.
#include "serve/api.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>

#include "render/select_output.h"
#include "serve/options.h"
#include "util/strings.h"

namespace torchup::serve {

namespace {

constexpr std::size_t kMaxValueLength = 64;

// Letters, digits and the few punctuation marks versions and platform names use.
bool plain_value(std::string_view value) {
  if (value.size() > kMaxValueLength) return false;
  return std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '+' ||
           c == '-' || c == '_';
  });
}

Expected<std::string> one_of(const std::string& name, const std::string& value,
                             const std::vector<std::string>& allowed) {
  std::string lower = str::to_lower(value);
  if (lower.empty() || std::find(allowed.begin(), allowed.end(), lower) != allowed.end()) return lower;
  return make_error(ErrorKind::kUsage,
                    "parameter '" + name + "': '" + str::sanitize(value, 40) + "' is not one of " + str::join(allowed, ", "));
}

ApiResponse json_ok(const nlohmann::ordered_json& body) {
  ApiResponse response;
  response.body = body.dump();
  return response;
}

ApiResponse from_error(const Error& error) { return json_error(http_status_for(error.kind), error.message, error.hint); }

}  // namespace

JsonProvider run_once(JsonProvider provider) {
  struct State {
    std::once_flag once;
    JsonProvider provider;
    std::optional<Expected<nlohmann::json>> answer;
  };
  auto state = std::make_shared<State>();
  state->provider = std::move(provider);
  return [state]() -> Expected<nlohmann::json> {
    std::call_once(state->once, [&] {
      if (state->provider) {
        state->answer.emplace(state->provider());
      } else {
        state->answer.emplace(make_error(ErrorKind::kEnvironment, "not available"));
      }
    });
    return *state->answer;
  };
}

Api::Api(std::shared_ptr<const render::Selector> selector, MachineSources sources)
    : selector_(std::move(selector)), sources_(std::move(sources)) {}

ApiResponse Api::handle(const std::string& path, const QueryParams& params) const {
  try {
    if (path == "/api/select") return select(params);
    if (path == "/api/options") return options(params);
    if (path == "/api/machine") return provided(sources_.machine, "machine detection");
    if (path == "/api/plan") return provided(sources_.plan, "the plan");
    return json_error(404, "no such endpoint: " + str::sanitize(path, 80),
                      "endpoints: /api/select, /api/options, /api/machine, /api/plan");
  } catch (const std::exception&) {
    // A library threw (e.g. JSON with invalid UTF-8 from a provider): answer, don't crash.
    return json_error(500, "internal error while answering " + str::sanitize(path, 80));
  }
}

ApiResponse Api::select(const QueryParams& params) const {
  auto query = parse_select_query(params);
  if (!query) return from_error(query.error());
  const auto& q = *query;
  if (q.platform.empty() && q.package != "source") {
    // Same rule and message as `torchup select` without --platform.
    std::string package = q.package.empty() ? (q.language == "cpp" ? "libtorch" : "pip") : q.package;
    std::vector<std::string> names;
    for (const auto& p : selector_->platforms(q.torch, q.os, package)) names.push_back(p.name);
    std::string message = "parameter 'platform' is required";
    if (!names.empty()) message += "; valid choices here: " + str::join(names, ", ");
    return json_error(400, message);
  }
  auto result = selector_->select(q);
  if (!result) return from_error(result.error());
  return json_ok(select_response_json(*result));
}

ApiResponse Api::options(const QueryParams& params) const {
  std::optional<std::string> torch;
  for (const auto& [name, value] : params) {
    if (name != "torch") return json_error(400, "unknown parameter '" + str::sanitize(name, 40) + "'", "only torch= is accepted");
    if (torch) return json_error(400, "parameter 'torch' given twice");
    if (value.empty() || !plain_value(value)) return json_error(400, "parameter 'torch': not a version");
    torch = value;
  }
  if (!torch) return json_ok(options_json(*selector_));
  auto rows = version_options_json(*selector_, *torch);
  if (!rows) return from_error(rows.error());
  return json_ok(*rows);
}

ApiResponse Api::provided(const JsonProvider& provider, const char* what) {
  if (!provider) return json_error(503, std::string(what) + " is not available in this server");
  auto answer = provider();
  if (!answer) return json_error(503, answer.error().message, answer.error().hint);
  ApiResponse response;
  response.body = answer->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Expected<render::SelectQuery> parse_select_query(const QueryParams& params) {
  static const std::vector<std::string> kNames = {"torch", "os", "package", "language", "platform", "as_published"};
  std::set<std::string> seen;
  render::SelectQuery query;
  for (const auto& [name, value] : params) {
    if (std::find(kNames.begin(), kNames.end(), name) == kNames.end()) {
      return make_error(ErrorKind::kUsage, "unknown parameter '" + str::sanitize(name, 40) + "'",
                        "parameters: " + str::join(kNames, ", "));
    }
    if (!seen.insert(name).second) return make_error(ErrorKind::kUsage, "parameter '" + name + "' given twice");
    if (!plain_value(value)) {
      return make_error(ErrorKind::kUsage, "parameter '" + name + "': unexpected characters or too long");
    }
    if (name == "torch") {
      if (value.empty()) return make_error(ErrorKind::kUsage, "parameter 'torch' is empty");
      query.torch = value;
    } else if (name == "os") {
      auto os = one_of(name, value, {"linux", "windows", "macos"});
      if (!os) return os.error();
      query.os = *os;
    } else if (name == "package") {
      auto package = one_of(name, value, {"pip", "conda", "libtorch", "source"});
      if (!package) return package.error();
      query.package = *package;
    } else if (name == "language") {
      auto language = one_of(name, value, {"python", "cpp"});
      if (!language) return language.error();
      query.language = *language;
    } else if (name == "platform") {
      query.platform = value;
    } else {  // as_published
      auto flag = one_of(name, value, {"1", "0", "true", "false"});
      if (!flag) return flag.error();
      query.as_published = (*flag == "1" || *flag == "true");
    }
  }
  if (query.os.empty()) return make_error(ErrorKind::kUsage, "parameter 'os' is required (linux, windows, macos)");
  return query;
}

nlohmann::ordered_json select_response_json(const render::SelectResult& result) {
  nlohmann::ordered_json body = render::select_json(result);
  body["text"] = render::select_text(result);
  return body;
}

int http_status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return 400;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kNoFit: return 422;
    default: return 500;
  }
}

ApiResponse json_error(int status, const std::string& message, const std::string& hint) {
  nlohmann::ordered_json body;
  body["error"] = message;
  body["hint"] = hint;
  ApiResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

bool host_allowed(std::string_view host_header, int port) {
  std::string host = str::to_lower(str::trim(host_header));
  const std::string suffix = ":" + std::to_string(port);
  for (const char* name : {"localhost", "127.0.0.1", "[::1]"}) {
    if (host == name || host == std::string(name) + suffix) return true;
  }
  return false;
}

}  // namespace torchup::serve
