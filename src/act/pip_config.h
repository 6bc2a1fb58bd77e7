// pip's own configuration, as pip itself reports it (`python -m pip config list`),
// reduced to the settings that change a torch install:
//   proxy, cert            pip reaches indexes through them, so torchup's own index
//                          checks and mirror probes must too (a proxy only in
//                          pip.conf made every probe "unreachable");
//   index-url              replaced by torchup's --index-url, or, when the plan uses
//                          pip's default index, where pip really installs from;
//   extra-index-url,       still consulted next to torchup's --index-url: a torch
//   find-links             there can win over the planned build (a +cpu wheel sorts
//                          above PyPI's CUDA wheel of the same version);
//   no-index               pip then ignores every index, torchup's included.
// pip's rules, which this follows: files, then PIP_* environment variables; within
// them the [global] section, then the command's section ([install]), then the
// environment (":env:"), later ones winning (pip/_internal/cli/parser.py,
// ConfigOptionParser._get_ordered_configuration_items, pip 23).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/host.h"

namespace torchup::act {

struct PipSetting {
  std::string value;
  std::string origin;  // "PIP_PROXY", "pip config install.proxy", ...
};

struct PipSettings {
  std::optional<PipSetting> proxy;
  std::optional<PipSetting> cert;
  std::optional<PipSetting> index_url;
  std::vector<PipSetting> extra_index_urls;  // one per URL, in pip's order
  std::vector<PipSetting> find_links;
  std::optional<PipSetting> no_index;        // set and true
  std::optional<PipSetting> break_system_packages;  // set and true: pip ignores PEP 668's marker
  std::size_t skipped_lines = 0;             // lines of `pip config list` that did not parse
  bool read = false;                         // pip answered (false: not asked, or it failed)
  std::string unread_reason;                 // why not, when it was asked
};

// A Python string literal as repr() writes it ('...' or "...", backslash escapes
// \\ \' \" \n \r \t \xNN \uNNNN \UNNNNNNNN); nullopt for anything else.
std::optional<std::string> parse_python_repr(std::string_view literal);

// `pip config list` output: lines `section.key=<repr>`. Garbage lines are counted in
// skipped_lines, never fatal.
PipSettings parse_pip_config_list(std::string_view output);

// Runs `python -m pip config list` (extra environment `env`, as the install will run
// pip) and parses it. A pip that is missing or too old (before 10) is not an error:
// read = false and unread_reason says why.
PipSettings read_pip_settings(host::Host& host, const std::string& python,
                              const std::map<std::string, std::string>& env = {});

// uv's counterparts, for `uv pip install`: uv reads neither pip.conf nor PIP_* (uv docs,
// "Compatibility with pip": configuration files and environment variables), but its
// own UV_EXTRA_INDEX_URL / UV_INDEX (space-separated, UV_INDEX entries may be
// "name=url") and UV_FIND_LINKS (comma- or space-separated) add indexes that uv
// consults before the one torchup passes with --index-url (uv docs, "Package
// indexes": --extra-index-url and --index take priority over --index-url; the
// default "first-index" strategy then takes torch from the first index that has it).
// UV_INDEX_URL / UV_DEFAULT_INDEX are replaced by torchup's --index-url.
// A proxy comes from HTTPS_PROXY, which libcurl reads too: nothing to adopt.
PipSettings read_uv_settings(const host::Environment& env);

// "http://user:secret@proxy:3128" -> "http://***@proxy:3128" (credentials are never printed).
std::string redact_credentials(std::string_view url);

// A setting as the user reads it: "https://***@host/simple (PIP_EXTRA_INDEX_URL)",
// credentials redacted, valid UTF-8 (it goes into --json output too).
std::string shown(const PipSetting& setting);

// Sentences for the user about the settings that change this install; `replaces_index`
// is true when torchup passes its own --index-url; extra indexes equal to one of
// `skip_urls` (the install's own index URLs) are not worth a word.
std::vector<std::string> pip_settings_notes(const PipSettings& settings, bool replaces_index,
                                            const std::vector<std::string>& skip_urls = {},
                                            std::string_view tool = "pip");

// {"read": true, "proxy": {"value", "origin"} | null, "cert", "index_url", "extra_index_urls": [...],
//  "find_links": [...], "no_index", "unread_reason"?}; credentials in URLs are redacted.
nlohmann::json to_json(const PipSettings& settings);

// The settings torchup's own HTTP adopts (host::HttpOptions::proxy / ca_file).
host::HttpOptions pip_http_defaults(const PipSettings& settings);

// Every request through `inner`, with `defaults`' proxy and CA file unless the
// request sets its own.
class DefaultedHttp final : public host::HttpClient {
 public:
  DefaultedHttp(host::HttpClient& inner, host::HttpOptions defaults) : inner_(inner), defaults_(std::move(defaults)) {}
  Expected<host::HttpResponse> get(const std::string& url, const host::HttpOptions& options) override;

 private:
  host::HttpClient& inner_;
  host::HttpOptions defaults_;
};

}  // namespace torchup::act
