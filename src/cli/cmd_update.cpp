// `torchup update [--url URL] [--allow-insecure] [--json]`: refresh pytorch.org's
// selector data (published_versions.json) into the cache the data store reads.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/context.h"
#include "data/published.h"
#include "data/update.h"

namespace torchup::cli {

namespace {

constexpr const char* kFooter =
    "Downloads pytorch.org's current selector data over HTTPS, checks it, and caches it;\n"
    "`torchup select` and `torchup plan` then prefer it to the copy built into torchup.\n"
    "Delete the cached file to go back to the built-in copy.\n"
    "\nExamples:\n"
    "  torchup update\n"
    "  torchup --cache-dir /tmp/tc update --json";

struct UpdateCommandOptions {
  std::string url = data::kPublishedVersionsUrl;
  bool allow_insecure = false;
  bool json = false;
};

int run_update(Context& ctx, const UpdateCommandOptions& o) {
  auto& host = ctx.live_host();
  auto cache_dir = ctx.global.cache_dir ? ctx.global.cache_dir : data::default_cache_dir(host.env);
  if (!cache_dir) {
    return ctx.fail(make_error(ErrorKind::kUsage, "no cache directory: HOME is not set",
                               "pass --cache-dir DIR or set TORCHUP_CACHE_DIR"));
  }
  // What torchup used before, to say what changed (cache or embedded copy).
  std::string before;
  std::string before_origin;
  {
    auto current = ctx.store().load<data::PublishedVersions>(
        data::kPublishedVersionsName,
        [](const std::string& text) { return data::parse_published_versions(text); });
    if (current) {
      before = current->latest_stable;
      before_origin = ctx.store().origins().at(data::kPublishedVersionsName);
    }
  }
  data::UpdateOptions options;
  options.url = o.url;
  options.cache_dir = *cache_dir;
  options.allow_insecure = o.allow_insecure;
  options.fetched_at = data::utc_iso8601(std::chrono::system_clock::now());
  if (!o.json) ctx.err << ctx.style.dim("Downloading " + o.url + " ...") << "\n";
  auto result = data::update_published_versions(host.http, options);
  if (!result) return ctx.fail(result.error());

  if (o.json) {
    nlohmann::json j = {{"schema", "torchup.update/1"},
                        {"path", result->path},
                        {"meta_path", result->meta_path},
                        {"url", result->url},
                        {"fetched_at", result->fetched_at},
                        {"size", result->size},
                        {"latest_stable", result->latest_stable},
                        {"versions", result->version_count},
                        {"previous_latest_stable", before.empty() ? nlohmann::json(nullptr)
                                                                  : nlohmann::json(before)},
                        {"previous_origin", before_origin.empty() ? nlohmann::json(nullptr)
                                                                  : nlohmann::json(before_origin)}};
    ctx.out << j.dump(2) << "\n";
    return 0;
  }
  const auto& s = ctx.style;
  std::string change = before.empty() ? ""
                       : before == result->latest_stable
                           ? fmt::format(" (unchanged; was the {} copy's too)",
                                         before_origin == "embedded" ? "built-in" : "cached")
                           : fmt::format(" (was {} in the {} copy)", before,
                                         before_origin == "embedded" ? "built-in" : "cached");
  ctx.out << s.bold(fmt::format("Updated pytorch.org's selector data: latest stable {}{}.",
                                result->latest_stable, change))
          << "\n\n"
          << fmt::format("  {:<9}{} ({} bytes, {} release entries)\n", "Saved", result->path,
                         result->size, result->version_count)
          << fmt::format("  {:<9}{}\n", "From", result->url)
          << fmt::format("  {:<9}{}\n", "At", result->fetched_at) << "\n  "
          << s.dim("torchup select / plan now use it; delete the file to return to the built-in copy.")
          << "\n";
  return 0;
}

}  // namespace

void add_update_command(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<UpdateCommandOptions>();
  auto* cmd = app.add_subcommand("update", "refresh pytorch.org's selector data into the cache");
  cmd->footer(kFooter);
  cmd->add_option("--url", options->url, "where to download published_versions.json from")
      ->type_name("URL")
      ->capture_default_str();
  cmd->add_flag("--allow-insecure", options->allow_insecure,
                "allow a plain http:// URL (only loopback is allowed without it)");
  cmd->add_flag("--json", options->json, "JSON output (schema torchup.update/1)");
  cmd->callback([&ctx, options]() { ctx.exit_code = run_update(ctx, *options); });
}

}  // namespace torchup::cli
