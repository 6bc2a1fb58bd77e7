// `torchup update [--url URL] [--allow-insecure] [--json]`: refresh pytorch.org's
// selector data (published_versions.json) into the cache the data store reads.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/tasks.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "data/published.h"
#include "data/update.h"

namespace torchup::cli {

namespace {

struct UpdateCommandOptions {
  std::string url = data::kPublishedVersionsUrl;
  std::string proxy;
  bool allow_insecure = false;
  bool json = false;
};

int run_update(Context& ctx, const UpdateCommandOptions& o) {
  app::UpdateRequest request;
  request.url = o.url;
  request.cache_dir = ctx.global.cache_dir;
  request.allow_insecure = o.allow_insecure;
  request.proxy = o.proxy;
  if (!o.json)
    request.on_download = [&ctx](const std::string& url) {
      ctx.err << ctx.style.dim(
                     ctx.style.t(tr("update.downloading", "Downloading {url} ...", {{"url", url}})))
              << "\n";
    };
  auto updated = app::update(ctx.services(), request);
  if (!updated) return ctx.fail(updated.error());
  const data::UpdateResult* result = &updated->result;
  const std::string& before = updated->previous_latest_stable;
  const std::string& before_origin = updated->previous_origin;

  if (o.json) {
    nlohmann::json j = {{"schema", "torchup.update/1"},
                        {"path", result->path},
                        {"meta_path", result->meta_path},
                        {"url", result->url},
                        {"fetched_at", result->fetched_at},
                        {"size", result->size},
                        {"latest_stable", result->latest_stable},
                        {"versions", result->version_count},
                        {"previous_latest_stable",
                         before.empty() ? nlohmann::json(nullptr) : nlohmann::json(before)},
                        {"previous_origin", before_origin.empty() ? nlohmann::json(nullptr)
                                                                  : nlohmann::json(before_origin)}};
    ctx.out << j.dump(2) << "\n";
    return 0;
  }
  const auto& s = ctx.style;
  const bool was_builtin = before_origin == "embedded";
  Text headline =
      tr("update.updated", "Updated pytorch.org's selector data: latest stable {latest}.",
         {{"latest", result->latest_stable}});
  if (!before.empty() && before == result->latest_stable && was_builtin) {
    headline = tr("update.unchanged-builtin",
                  "Updated pytorch.org's selector data: latest stable {latest} (unchanged; "
                  "was the built-in copy's too).",
                  {{"latest", result->latest_stable}});
  } else if (!before.empty() && before == result->latest_stable) {
    headline = tr("update.unchanged-cached",
                  "Updated pytorch.org's selector data: latest stable {latest} (unchanged; "
                  "was the cached copy's too).",
                  {{"latest", result->latest_stable}});
  } else if (!before.empty() && was_builtin) {
    headline = tr("update.was-builtin",
                  "Updated pytorch.org's selector data: latest stable {latest} (was {before} in "
                  "the built-in copy).",
                  {{"latest", result->latest_stable}, {"before", before}});
  } else if (!before.empty()) {
    headline = tr("update.was-cached",
                  "Updated pytorch.org's selector data: latest stable {latest} (was {before} in "
                  "the cached copy).",
                  {{"latest", result->latest_stable}, {"before", before}});
  }
  constexpr std::size_t kLabel = 9;
  auto line = [&](const Text& label, const Text& value) {
    ctx.out << "  " << pad_columns(s.t(label), kLabel) << s.t(value) << "\n";
  };
  ctx.out << s.bold(s.t(headline)) << "\n\n";
  line(tr("update.label-saved", "Saved"),
       tr("update.saved", "{path} ({bytes} bytes, {entries} release entries)",
          {{"path", result->path},
           {"bytes", std::to_string(result->size)},
           {"entries", std::to_string(result->version_count)}}));
  line(tr("update.label-from", "From"), result->url);
  line(tr("update.label-at", "At"), result->fetched_at);
  ctx.out << "\n  "
          << s.dim(s.t(
                 tr("update.now-used",
                    "torchup select / plan now use it; delete the file to return to the built-in "
                    "copy.")))
          << "\n";
  return 0;
}

}  // namespace

void add_update_command(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<UpdateCommandOptions>();
  auto* cmd = app.add_subcommand(
      "update",
      ctx.style.t(tr("help.update", "refresh pytorch.org's selector data into the cache")));
  cmd->footer(ctx.style.t(tr(
      "help.update-footer",
      "Downloads pytorch.org's current selector data over HTTPS, checks it, and caches it;\n"
      "`torchup select` and `torchup plan` then prefer it to the copy built into torchup.\n"
      "Delete the cached file to go back to the built-in copy.\n"
      "Behind a proxy: HTTPS_PROXY (and NO_PROXY) are honoured, or pass --proxy. Where\n"
      "raw.githubusercontent.com cannot be reached, --url takes any copy of the file (a\n"
      "mirror, an internal server, file served on 127.0.0.1 with --allow-insecure); it is\n"
      "checked the same way before it is cached.\n"
      "\nExamples:\n"
      "  torchup update\n"
      "  torchup update --proxy http://proxy.example.com:3128\n"
      "  torchup update --url https://mirror.example.cn/pytorch.github.io/published_versions.json\n"
      "  torchup --cache-dir /tmp/tc update --json")));
  cmd->add_option(
         "--url", options->url,
         ctx.style.t(tr("opt.update.url", "where to download published_versions.json from")))
      ->type_name("URL")
      ->capture_default_str();
  cmd->add_option("--proxy", options->proxy,
                  ctx.style.t(tr("opt.update.proxy",
                                 "HTTP(S) proxy for the download, [scheme://][user:pass@]host:port "
                                 "(default: HTTPS_PROXY)")))
      ->type_name("URL");
  cmd->add_flag("--allow-insecure", options->allow_insecure,
                ctx.style.t(tr("opt.update.allow-insecure",
                               "allow a plain http:// URL (only loopback is allowed without it)")));
  cmd->add_flag("--json", options->json,
                ctx.style.t(tr("opt.update.json", "JSON output (schema torchup.update/1)")));
  cmd->callback([&ctx, options]() { ctx.exit_code = run_update(ctx, *options); });
}

}  // namespace torchup::cli
