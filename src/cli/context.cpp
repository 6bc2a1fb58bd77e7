#include "cli/context.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "model/message.h"
#include "util/strings.h"

namespace torchup::cli {

namespace {
std::string wrap(bool on, const char* code, std::string_view s) {
  if (!on) return std::string(s);
  return fmt::format("\033[{}m{}\033[0m", code, s);
}
}  // namespace

std::string Style::bold(std::string_view s) const { return wrap(color, "1", s); }
std::string Style::dim(std::string_view s) const { return wrap(color, "2", s); }
std::string Style::green(std::string_view s) const { return wrap(color, "32", s); }
std::string Style::yellow(std::string_view s) const { return wrap(color, "33", s); }
std::string Style::red(std::string_view s) const { return wrap(color, "31", s); }
std::string Style::cyan(std::string_view s) const { return wrap(color, "36", s); }

act::TextStyle text_style(const Style& style) {
  const Style s = style;
  return {
      [s](std::string_view t) { return s.green(t); },  [s](std::string_view t) { return s.red(t); },
      [s](std::string_view t) { return s.yellow(t); }, [s](std::string_view t) { return s.dim(t); },
      [s](std::string_view t) { return s.bold(t); },   s.lang};
}

Lang choose_lang(const std::string& flag, const host::Environment& env,
                 const host::SystemFacts& system) {
  if (auto l = parse_lang(flag)) return *l;  // "auto" parses to nothing
  auto var = [&env](const char* name) {
    auto v = env.get(name);
    return v ? *v : std::string();
  };
  if (auto l = parse_lang(var("TORCHUP_LANG"))) return *l;
  // The locale for messages, as setlocale(LC_MESSAGES, "") picks it (POSIX: LC_ALL,
  // then LC_MESSAGES, then LANG); GNU gettext then prefers LANGUAGE's list unless the
  // locale is C (gettext manual, "The LANGUAGE variable").
  std::string locale = var("LC_ALL");
  if (locale.empty()) locale = var("LC_MESSAGES");
  if (locale.empty()) locale = var("LANG");
  if (!locale.empty() && locale != "C" && locale != "POSIX") {
    const std::string language = var("LANGUAGE");  // split's views point into it
    for (auto entry : str::split(language, ':')) {
      if (auto l = parse_lang(entry)) return *l;
    }
  }
  if (auto l = parse_lang(locale)) return *l;
  if (locale.empty()) {
    if (auto l = parse_lang(system.ui_language)) return *l;
  }
  return Lang::kEn;
}

Context::Context(host::Host& host, const Streams& streams)
    : out(streams.out), err(streams.err), host_(host), out_is_tty_(streams.out_is_tty) {}

void Context::finalize_style() {
  // https://no-color.org: NO_COLOR counts when it is set and not empty; TERM=dumb
  // terminals show escape codes as text.
  const auto no_color_env = host_.env.get("NO_COLOR");
  const bool no_color = no_color_env && !no_color_env->empty();
  const bool dumb = host_.env.get("TERM").value_or("") == "dumb";
  if (global.no_color || global.color == "never")
    style.color = false;
  else if (global.color == "always")
    style.color = true;
  else
    style.color = out_is_tty_ && !no_color && !dumb;
  if (global.verbose && !traced_) {
    traced_ = std::make_unique<host::TracingHost>(
        host_, [this](std::string_view line) { err << style.dim("torchup: ") << line << "\n"; });
  }
}

host::Host& Context::machine_host(const std::optional<std::string>& root) {
  if (!root || root->empty() || *root == "/") return live_host();
  auto& owned = rooted_[*root];
  if (!owned) owned = host::OwnedHost::rooted(*root);
  if (!global.verbose) return owned->host();
  auto& traced = traced_roots_[*root];
  if (!traced) {
    traced = std::make_unique<host::TracingHost>(
        owned->host(), [this, root = *root](std::string_view line) {
          err << style.dim("torchup: [" + root + "] ") << line << "\n";
        });
  }
  return traced->host();
}

app::Services& Context::services() {
  if (!services_) {
    services_ = std::make_unique<app::Services>(app::Services{
        live_host(), store(),
        [this](const std::string& root) -> host::Host& { return machine_host(root); }});
  }
  return *services_;
}

data::DataStore& Context::store() {
  if (!store_) {
    auto& env = live_host().env;
    data::StoreOptions options;
    options.override_dir = global.data_dir;
    if (!options.override_dir) {
      if (auto v = env.get("TORCHUP_DATA_DIR"); v && !v->empty()) options.override_dir = *v;
    }
    options.cache_dir = global.cache_dir ? global.cache_dir : data::default_cache_dir(env);
    store_ = std::make_unique<data::DataStore>(live_host().fs, options);
  }
  return *store_;
}

void Context::flush_data_warnings() {
  if (!store_ || global.quiet) return;
  const auto& w = store_->warnings();
  for (; warnings_printed_ < w.size(); ++warnings_printed_) {
    err << style.yellow(style.t(tr("cli.warning-prefix", "torchup: warning: ")))
        << style.t(w[warnings_printed_]) << "\n";
  }
}

std::vector<std::string> Context::take_data_warnings() {
  std::vector<std::string> taken;
  if (!store_) return taken;
  const auto& w = store_->warnings();
  for (; warnings_printed_ < w.size(); ++warnings_printed_) taken.push_back(w[warnings_printed_]);
  return taken;
}

int Context::fail(const Error& error) {
  flush_data_warnings();
  exit_code = exit_code_for(error.kind);
  if (global.json) {
    // A script that asked for JSON reads the error as JSON too, with the same exit code.
    // English text (the contract), with each message's id and arguments beside it.
    nlohmann::json j = {{"error",
                         {{"kind", error_kind_name(error.kind)},
                          {"message", error.message.str()},
                          {"exit_code", exit_code}}}};
    if (!error.hint.empty()) j["error"]["hint"] = error.hint.str();
    j["error"]["messages"] = {{"message", model::message_json(error.message)}};
    if (!error.hint.empty()) j["error"]["messages"]["hint"] = model::message_json(error.hint);
    out << j.dump(2) << "\n";
  }
  err << style.red(style.t(tr("cli.error-prefix", "torchup: error: "))) << style.t(error.message)
      << "\n";
  if (!error.hint.empty())
    err << "  " << style.t(tr("cli.hint-prefix", "hint: ")) << style.t(error.hint) << "\n";
  return exit_code;
}

}  // namespace torchup::cli
