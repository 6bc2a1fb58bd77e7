// pip's own configuration, read from pip's files and PIP_* variables the way pip reads
// them (read_pip_config below; `python -m pip config list` says the same in 0.4 s, and
// the tests hold the two readings together), reduced to the settings that change a
// torch install:
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

// pip's settings for the interpreter `python`, with the extra environment `env` the
// install will run pip with, read natively (read_pip_config below): no Python is started
// unless the interpreter's sys.prefix cannot be told from its files (then it is asked).
// An interpreter that cannot be run, or a configuration file pip itself could not read,
// gives read = false and unread_reason says why.
PipSettings read_pip_settings(host::Host& host, const std::string& python,
                              const std::map<std::string, std::string>& env = {});

// The same for an interpreter whose sys.prefix is known (InterpreterInfo::prefix).
PipSettings read_pip_settings_at_prefix(host::Host& host, const std::string& prefix,
                                        const std::map<std::string, std::string>& env = {});

// Asks pip itself: runs `python -m pip config list` (extra environment `env`) and
// parses it (0.3-0.4 s: pip imports most of itself). A pip that is missing or too old
// (before 10) is not an error: read = false and unread_reason says why. The tests
// compare the native reading with this.
PipSettings ask_pip_config_list(host::Host& host, const std::string& python,
                                const std::map<std::string, std::string>& env = {});

// ---- pip's configuration read natively, as pip 23 reads it ----
//
// Sources, lowest priority first (pip/_internal/configuration.py: OVERRIDE_ORDER =
// GLOBAL, USER, SITE, ENV, ENV_VAR; get_configuration_files, iter_config_files,
// _load_config_files; pip 23.0.1 as Debian 12 ships it, unchanged in 23.2):
//   global  $XDG_CONFIG_DIRS (default /etc/xdg), each dir + "/pip/pip.conf" in that
//           order, then /etc/pip.conf (utils/appdirs.py site_config_dirs: "Look in /etc
//           as well"); within a kind, later files win;
//   user    ~/.pip/pip.conf (legacy), then $XDG_CONFIG_HOME/pip/pip.conf (default
//           ~/.config/pip/pip.conf); skipped when PIP_CONFIG_FILE names a file that exists;
//   site    sys.prefix + "/pip.conf" of the interpreter that runs pip;
//   env     the file PIP_CONFIG_FILE names; PIP_CONFIG_FILE=/dev/null (os.devnull)
//           loads no file at all (environment variables still apply);
//   env-var PIP_<NAME>=value as ":env:.<name>" (name lower case, '_' as '-'; PIP_VERSION
//           and PIP_HELP are not settings).
// Every value is kept as "section.name" -> value, the later source winning per key:
// the dictionary `pip config list` prints. Sections and empty values are applied the
// way parse_pip_config_list applies pip's printout ([global] < [install] < :env:).
struct PipConfigValue {
  std::string value;
  std::string file;  // where it was read ("" for the environment)
};
struct PipConfigRead {
  std::map<std::string, PipConfigValue> values;  // "global.index-url" -> value
  std::vector<std::string> files;                // the files read, in pip's order
  std::string error;                             // a file pip cannot parse: pip stops with this
};

// The environment pip would see: `overrides` first, then `inherited`.
class OverlayEnvironment final : public host::Environment {
 public:
  OverlayEnvironment(const host::Environment& inherited, const std::map<std::string, std::string>& overrides)
      : inherited_(inherited), overrides_(overrides) {}
  std::optional<std::string> get(const std::string& name) const override;

 private:
  const host::Environment& inherited_;
  const std::map<std::string, std::string>& overrides_;
};

// Only the PIP_* variables of the settings torchup interprets are looked up (the
// Environment seam cannot list variables): PIP_PROXY, PIP_CERT, PIP_INDEX_URL,
// PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, PIP_BREAK_SYSTEM_PACKAGES,
// PIP_CONFIG_FILE, spelled in upper case.
PipConfigRead read_pip_config(const host::FileSystem& fs, const host::Environment& env, const std::string& prefix);

// An INI file as Python's configparser.RawConfigParser reads it (pip's parser: '=' or
// ':' between name and value, whole-line '#'/';' comments, indented continuation
// lines, [DEFAULT] merged into every section, names lower-cased, duplicate sections
// or names an error): section -> name -> value. `error` is set when configparser
// would raise.
struct IniRead {
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> sections;  // in file order
  std::string error;
};
IniRead parse_pip_ini(std::string_view text);

// The settings torchup acts on, from pip's dictionary ("section.name" -> value).
PipSettings interpret_pip_config(const std::map<std::string, std::string>& values);

// sys.prefix of `python` told from its files the way CPython's getpath does: a
// pyvenv.cfg next to the executable or one directory up makes that directory's venv
// the prefix; otherwise the symlink-resolved executable's nearest ancestor holding
// lib/pythonX.Y/os.py. nullopt when that does not decide it (a relative path, a
// wrapper script, PYTHONHOME set): then ask the interpreter.
std::optional<std::string> sys_prefix_from_files(const host::FileSystem& fs, const host::Environment& env,
                                                 const std::string& python);

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
