// detect, verify, doctor, select, update as tasks (app/tasks.h).
#include "app/tasks.h"

#include <algorithm>

#include "data/published.h"
#include "detect/detect.h"
#include "util/strings.h"

namespace torchup::app {

model::Machine detect(const Services& services, const std::string& root) {
  return detect::detect_machine(services.machine(root), services.store);
}

Expected<VerifyResult> verify(const Services& services, const VerifyRequest& request) {
  VerifyResult result;
  if (!request.libtorch.empty()) {
    act::LibtorchOptions options{request.libtorch, request.compile,
                                 std::max(request.timeout, std::chrono::seconds(300))};
    auto report = act::check_libtorch(services.host, options);
    if (!report) return report.error();
    result.libtorch = std::move(*report);
    if (request.python.empty()) return result;
  }
  act::VerifyOptions options;
  if (!request.python.empty()) options.python = request.python;
  options.timeout = request.timeout;
  auto report = act::verify_python(services.host, services.store, options);
  if (!report) return report.error();
  result.python = std::move(*report);
  return result;
}

Expected<act::DoctorReport> doctor(const Services& services, const std::string& python,
                                   std::chrono::seconds timeout) {
  act::VerifyOptions options;
  if (!python.empty()) options.python = python;
  options.timeout = timeout;
  return act::run_doctor(services.host, services.store, options);
}

Expected<render::SelectResult> select(const Services& services, const render::SelectQuery& q) {
  auto selector = render::Selector::load(services.store);
  if (!selector) return selector.error();
  if (q.platform.empty() && str::to_lower(q.package) != "source") {
    std::string package =
        q.package.empty() ? (q.language == "cpp" ? "libtorch" : "pip") : str::to_lower(q.package);
    std::vector<std::string> names;
    for (const auto& p : selector->platforms(q.torch, str::to_lower(q.os), package)) {
      names.push_back(p.site_id.empty() ? p.name : p.name + " (" + p.site_id + ")");
    }
    std::string message = "--platform is required";
    if (!names.empty()) message += "; valid choices here: " + str::join(names, ", ");
    return make_error(ErrorKind::kUsage, message, "run 'torchup select --help' for the options");
  }
  return selector->select(q);
}

Expected<UpdateOutcome> update(const Services& services, const UpdateRequest& request) {
  auto cache_dir =
      request.cache_dir ? request.cache_dir : data::default_cache_dir(services.host.env);
  if (!cache_dir) {
    return make_error(ErrorKind::kUsage, "no cache directory: HOME is not set",
                      "pass --cache-dir DIR or set TORCHUP_CACHE_DIR");
  }
  // What torchup used before, to say what changed (cache or embedded copy).
  UpdateOutcome outcome;
  auto current = services.store.load<data::PublishedVersions>(
      data::kPublishedVersionsName,
      [](const std::string& text) { return data::parse_published_versions(text); });
  if (current) {
    outcome.previous_latest_stable = current->latest_stable;
    outcome.previous_origin = services.store.origins().at(data::kPublishedVersionsName);
  }
  data::UpdateOptions options;
  options.url = request.url;
  options.cache_dir = *cache_dir;
  options.allow_insecure = request.allow_insecure;
  options.proxy = request.proxy;
  options.fetched_at = data::utc_iso8601(std::chrono::system_clock::now());
  if (request.on_download) request.on_download(request.url);
  auto result = data::update_published_versions(services.host.http, options);
  if (!result) return result.error();
  outcome.result = std::move(*result);
  return outcome;
}

}  // namespace torchup::app
