// pip's configuration, read natively or as pip reports it (see pip_config.h).
#include "act/pip_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>

#include "util/strings.h"

namespace torchup::act {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// pip's option names: lower case, '_' as '-' (pip/_internal/configuration.py _normalize_name).
std::string normalize_key(std::string_view key) {
  std::string out = str::to_lower(str::trim(key));
  for (char& c : out) {
    if (c == '_') c = '-';
  }
  if (out.starts_with("--")) out.erase(0, 2);  // "only prefer long opts"
  return out;
}

// Where a setting came from, in words the user can act on.
std::string origin_of(const std::string& section, const std::string& key) {
  if (section == ":env:") {
    std::string var = "PIP_";
    for (char c : key) var += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return var;
  }
  return "pip config " + section + "." + key;
}

// pip's boolean spelling (pip/_internal/utils/misc.py strtobool).
bool truthy(std::string_view value) {
  std::string v = str::to_lower(str::trim(value));
  return v == "y" || v == "yes" || v == "t" || v == "true" || v == "on" || v == "1";
}

// A list option's value: whitespace-separated (pip splits config values of append
// options on whitespace, multi-line values included).
std::vector<std::string> words(std::string_view value) {
  std::vector<std::string> out;
  for (auto w : str::split_ws(value)) out.emplace_back(w);
  return out;
}

}  // namespace

std::optional<std::string> parse_python_repr(std::string_view literal) {
  if (literal.size() < 2) return std::nullopt;
  const char quote = literal.front();
  if ((quote != '\'' && quote != '"') || literal.back() != quote) return std::nullopt;
  std::string_view body = literal.substr(1, literal.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == quote) return std::nullopt;  // an unescaped quote ends the literal early
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= body.size()) return std::nullopt;
    char e = body[i];
    switch (e) {
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'x':
      case 'u':
      case 'U': {
        const std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (body.size() - i - 1 < digits) return std::nullopt;
        unsigned long cp = 0;
        for (std::size_t d = 1; d <= digits; ++d) {
          int h = hex_digit(body[i + d]);
          if (h < 0) return std::nullopt;
          cp = cp * 16 + static_cast<unsigned long>(h);
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        append_utf8(out, cp);
        i += digits;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return out;
}

PipSettings parse_pip_config_list(std::string_view output) {
  std::map<std::string, std::string> values;
  std::size_t skipped = 0;
  for (auto raw : str::lines(output)) {
    std::string_view line = str::trim(raw);
    if (line.empty()) continue;
    auto eq = line.find('=');
    // The section name may hold dots only as ":env:" does not; split at the first '.'.
    auto dot = line.find('.');
    if (eq == std::string_view::npos || dot == std::string_view::npos || dot > eq || dot == 0) {
      ++skipped;
      continue;
    }
    auto value = parse_python_repr(str::trim(line.substr(eq + 1)));
    std::string key = normalize_key(line.substr(dot + 1, eq - dot - 1));
    if (!value || key.empty()) {
      ++skipped;
      continue;
    }
    values[std::string(line.substr(0, dot)) + "." + key] = *value;
  }
  PipSettings settings = interpret_pip_config(values);
  settings.skipped_lines = skipped;
  return settings;
}

PipSettings interpret_pip_config(const std::map<std::string, std::string>& values) {
  PipSettings settings;
  // The sections the install command reads, later ones overriding earlier ones key by
  // key (pip/_internal/cli/parser.py, _get_ordered_configuration_items: "global", the
  // command's name, ":env:").
  static constexpr std::array<std::string_view, 3> kOrder{"global", "install", ":env:"};
  std::map<std::string, PipSetting> effective;
  for (auto section : kOrder) {
    for (const auto& [section_key, value] : values) {
      auto dot = section_key.find('.');
      if (dot == std::string::npos || std::string_view(section_key).substr(0, dot) != section) continue;
      // pip skips empty values instead of letting them override (same function: "ignore empty values").
      if (str::trim(value).empty()) continue;
      std::string key = section_key.substr(dot + 1);
      effective[key] = {value, origin_of(std::string(section), key)};
    }
  }
  auto single = [&](const char* key) -> std::optional<PipSetting> {
    auto it = effective.find(key);
    if (it == effective.end()) return std::nullopt;
    std::string value(str::trim(it->second.value));
    if (value.empty()) return std::nullopt;  // pip ignores empty settings
    return PipSetting{value, it->second.origin};
  };
  auto list = [&](const char* key) {
    std::vector<PipSetting> out;
    auto it = effective.find(key);
    if (it == effective.end()) return out;
    for (auto& w : words(it->second.value)) out.push_back({w, it->second.origin});
    return out;
  };
  settings.proxy = single("proxy");
  settings.cert = single("cert");
  settings.index_url = single("index-url");
  settings.extra_index_urls = list("extra-index-url");
  settings.find_links = list("find-links");
  if (auto no_index = single("no-index"); no_index && truthy(no_index->value)) settings.no_index = no_index;
  if (auto bsp = single("break-system-packages"); bsp && truthy(bsp->value)) settings.break_system_packages = bsp;
  settings.read = true;
  return settings;
}

PipSettings ask_pip_config_list(host::Host& host, const std::string& python,
                                const std::map<std::string, std::string>& env) {
  host::RunOptions options;
  options.timeout = std::chrono::seconds(30);
  options.env = env;
  auto result = host.runner.run({python, "-m", "pip", "config", "list"}, options);
  if (!result.ok()) {
    PipSettings unread;
    unread.unread_reason = !result.started   ? result.start_error
                           : result.timed_out ? "`pip config list` did not answer within 30 s"
                                              : "`" + python + " -m pip config list` failed (exit " +
                                                    std::to_string(result.exit_code) + ")";
    return unread;
  }
  return parse_pip_config_list(result.out);
}

// ---- the native reading ----

std::optional<std::string> OverlayEnvironment::get(const std::string& name) const {
  if (auto it = overrides_.find(name); it != overrides_.end()) return it->second;
  return inherited_.get(name);
}

namespace {

constexpr std::string_view kSpace = " \t\n\r\f\v";

std::string_view strip(std::string_view s) {
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// os.path.join(a, b) for a relative b.
std::string join_path(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  return std::string(a) + (a.back() == '/' ? "" : "/") + std::string(b);
}

// os.path.expanduser with $HOME (pip's only source for "~" here); nullopt when "~" is
// needed and HOME is unset (Python would then ask the password database).
std::optional<std::string> expand_user(const host::Environment& env, std::string_view path) {
  if (path != "~" && !path.starts_with("~/")) return std::string(path);
  auto home = env.get("HOME");
  if (!home) return std::nullopt;
  std::string h = *home;
  while (!h.empty() && h.back() == '/') h.pop_back();
  std::string out = h + std::string(path.substr(1));
  return out.empty() ? std::string("/") : out;
}

// The settings interpret_pip_config reads, as their PIP_* variables (pip/_internal/
// configuration.py get_environ_vars: "PIP_" + the name, lower-cased on reading).
constexpr std::array<std::string_view, 8> kEnvSettings{"proxy",    "cert",     "index-url",
                                                       "extra-index-url", "find-links", "no-index",
                                                       "break-system-packages", "config-file"};

}  // namespace

IniRead parse_pip_ini(std::string_view input) {
  // Python reads the file in text mode: universal newlines.
  std::string text;
  text.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\r') {
      text += '\n';
      if (i + 1 < input.size() && input[i + 1] == '\n') ++i;
    } else {
      text += input[i];
    }
  }
  using Lines = std::vector<std::string>;
  struct Section {
    std::string name;
    std::vector<std::pair<std::string, Lines>> options;  // in file order
  };
  std::deque<Section> sections;  // `current` points into it: a deque keeps it valid
  Section defaults{"DEFAULT", {}};
  Section* current = nullptr;
  Lines* option = nullptr;  // the value continuation lines append to
  std::size_t indent_level = std::string::npos;
  IniRead out;
  auto fail = [&](std::size_t lineno, const std::string& why) {
    out.error = "line " + std::to_string(lineno) + ": " + why;
    out.sections.clear();
    return out;
  };
  std::size_t lineno = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    std::string_view line = std::string_view(text).substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    ++lineno;
    std::string_view value = strip(line);
    bool comment = value.starts_with('#') || value.starts_with(';');  // whole-line comments only
    if (comment) value = {};
    if (value.empty()) {
      // empty_lines_in_values: an empty line (not a comment) belongs to the value being read.
      if (!comment && current && option) option->emplace_back();
      continue;
    }
    std::size_t indent = line.find_first_not_of(kSpace);
    if (current && option && indent > indent_level) {
      option->emplace_back(value);  // a continuation line
      continue;
    }
    indent_level = indent;
    auto close = value.rfind(']');
    if (value.front() == '[' && close != std::string_view::npos && close >= 2) {
      std::string name(value.substr(1, close - 1));
      option = nullptr;
      if (name == "DEFAULT") {
        current = &defaults;
        continue;
      }
      for (const auto& s : sections) {
        if (s.name == name) return fail(lineno, "section '" + name + "' already exists");
      }
      sections.push_back({name, {}});
      current = &sections.back();
      continue;
    }
    if (!current) return fail(lineno, "file contains no section headers");
    auto delim = value.find_first_of("=:");
    if (delim == std::string_view::npos) return fail(lineno, "not a 'name = value' line: " + str::sanitize(value, 80));
    std::string name = str::to_lower(strip(value.substr(0, delim)));
    if (name.empty()) return fail(lineno, "a value without a name");
    for (const auto& [existing, lines] : current->options) {
      if (existing == name) {
        return fail(lineno, "option '" + name + "' in section '" + current->name + "' already exists");
      }
    }
    current->options.push_back({name, Lines{std::string(strip(value.substr(delim + 1)))}});
    option = &current->options.back().second;
  }
  auto joined = [](const Lines& lines) {
    std::string v = str::join(lines, "\n");
    while (!v.empty() && kSpace.find(v.back()) != std::string_view::npos) v.pop_back();
    return v;
  };
  for (const auto& s : sections) {
    std::map<std::string, std::string> items;
    for (const auto& [name, lines] : defaults.options) items[name] = joined(lines);  // [DEFAULT] is in every section
    for (const auto& [name, lines] : s.options) items[name] = joined(lines);
    out.sections.emplace_back(s.name, std::move(items));
  }
  return out;
}

PipConfigRead read_pip_config(const host::FileSystem& fs, const host::Environment& env, const std::string& prefix) {
  PipConfigRead read;
  auto config_file = env.get("PIP_CONFIG_FILE");
  std::vector<std::string> files;
  if (config_file != "/dev/null") {  // os.devnull: "Skipping loading configuration files"
    // global: platformdirs' site_config_dir (multipath) + "/etc".
    std::string xdg_dirs = env.get("XDG_CONFIG_DIRS").value_or("");
    if (strip(xdg_dirs).empty()) xdg_dirs = "/etc/xdg";
    for (auto dir : str::split(xdg_dirs, ':')) {
      if (auto d = expand_user(env, dir)) files.push_back(join_path(join_path(*d, "pip"), "pip.conf"));
    }
    files.push_back("/etc/pip.conf");
    // user, unless PIP_CONFIG_FILE names a file that exists.
    if (!(config_file && !config_file->empty() && fs.exists(*config_file))) {
      if (auto home = expand_user(env, "~")) files.push_back(join_path(join_path(*home, ".pip"), "pip.conf"));
      std::optional<std::string> config_home = env.get("XDG_CONFIG_HOME");
      if (!config_home || strip(*config_home).empty()) config_home = expand_user(env, "~/.config");
      if (config_home) files.push_back(join_path(join_path(*config_home, "pip"), "pip.conf"));
    }
    // site: the interpreter's own environment.
    if (!prefix.empty()) files.push_back(join_path(prefix, "pip.conf"));
    if (config_file && !config_file->empty()) files.push_back(*config_file);
  }
  for (const auto& file : files) {
    auto text = fs.read_file(file);
    if (!text) continue;  // missing or unreadable: pip skips it too
    read.files.push_back(file);
    auto ini = parse_pip_ini(*text);
    if (!ini.error.empty()) {
      read.error = "pip cannot read its configuration file " + file + " (" + ini.error + ")";
      return read;
    }
    for (const auto& [section, items] : ini.sections) {
      for (const auto& [name, value] : items) read.values[section + "." + normalize_key(name)] = {value, file};
    }
  }
  for (auto key : kEnvSettings) {
    std::string var = "PIP_";
    for (char c : key) var += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (auto value = env.get(var)) read.values[":env:." + std::string(key)] = {*value, ""};
  }
  return read;
}

std::optional<std::string> sys_prefix_from_files(const host::FileSystem& fs, const host::Environment& env,
                                                 const std::string& python) {
  if (!python.starts_with('/') || env.get("PYTHONHOME")) return std::nullopt;
  auto parent = [](const std::string& p) {
    auto slash = p.find_last_of('/');
    return slash == 0 || slash == std::string::npos ? std::string("/") : p.substr(0, slash);
  };
  // A virtual environment (PEP 405): pyvenv.cfg next to the executable as it was named,
  // or one directory up (CPython Modules/getpath.py, "CHECK FOR A VIRTUAL ENVIRONMENT").
  std::string dir = parent(python);
  if (fs.exists(join_path(dir, "pyvenv.cfg"))) return dir;
  if (fs.exists(join_path(parent(dir), "pyvenv.cfg"))) return parent(dir);
  // Otherwise the real executable, links followed, and the nearest ancestor directory
  // holding the standard library's landmark lib/pythonX.Y/os.py ("SEARCH FOR PREFIX").
  std::string real = python;
  for (int hops = 0; hops < 40; ++hops) {
    auto target = fs.read_link(real);
    if (!target) break;
    real = target->starts_with('/') ? *target : join_path(parent(real), *target);
    if (hops == 39) return std::nullopt;
  }
  if (!fs.is_executable(real) || fs.is_dir(real)) return std::nullopt;
  for (std::string candidate = parent(real);; candidate = parent(candidate)) {
    for (const char* lib : {"lib", "lib64"}) {
      std::string libdir = join_path(candidate, lib);
      for (const auto& entry : fs.list_dir(libdir)) {
        if (entry.starts_with("python") && fs.exists(join_path(join_path(libdir, entry), "os.py"))) return candidate;
      }
    }
    if (candidate == "/") return std::nullopt;
  }
}

PipSettings read_pip_settings_at_prefix(host::Host& host, const std::string& prefix,
                                        const std::map<std::string, std::string>& env) {
  OverlayEnvironment seen(host.env, env);
  auto config = read_pip_config(host.fs, seen, prefix);
  if (!config.error.empty()) {
    PipSettings unread;
    unread.unread_reason = config.error;
    return unread;
  }
  std::map<std::string, std::string> values;
  for (const auto& [key, v] : config.values) values[key] = v.value;
  return interpret_pip_config(values);
}

PipSettings read_pip_settings(host::Host& host, const std::string& python,
                              const std::map<std::string, std::string>& env) {
  OverlayEnvironment seen(host.env, env);
  if (auto prefix = sys_prefix_from_files(host.fs, seen, python)) return read_pip_settings_at_prefix(host, *prefix, env);
  // The files do not say: ask the interpreter (a bare start, ~20 ms, not pip's 0.4 s).
  host::RunOptions options;
  options.timeout = std::chrono::seconds(30);
  options.env = env;
  auto result = host.runner.run({python, "-c", "import sys; print(sys.prefix)"}, options);
  if (!result.ok()) {
    PipSettings unread;
    unread.unread_reason = !result.started   ? result.start_error
                           : result.timed_out ? "`" + python + "` did not answer within 30 s"
                                              : "`" + python + " -c 'import sys; print(sys.prefix)'` failed (exit " +
                                                    std::to_string(result.exit_code) + ")";
    return unread;
  }
  return read_pip_settings_at_prefix(host, std::string(str::trim(result.out)), env);
}

PipSettings read_uv_settings(const host::Environment& env) {
  PipSettings settings;
  settings.read = true;
  auto urls = [&](const char* var, bool commas, std::vector<PipSetting>& out) {
    auto value = env.get(var);
    if (!value) return;
    std::string text = *value;
    if (commas) std::replace(text.begin(), text.end(), ',', ' ');
    for (auto& word : words(text)) {
      // UV_INDEX entries may be named: "pytorch=https://download.pytorch.org/whl/cpu".
      auto eq = word.find('='), scheme = word.find("://");
      if (eq != std::string::npos && (scheme == std::string::npos || eq < scheme)) word = word.substr(eq + 1);
      if (!word.empty()) out.push_back({word, var});
    }
  };
  urls("UV_EXTRA_INDEX_URL", false, settings.extra_index_urls);
  urls("UV_INDEX", false, settings.extra_index_urls);
  urls("UV_FIND_LINKS", true, settings.find_links);
  for (const char* var : {"UV_INDEX_URL", "UV_DEFAULT_INDEX"}) {
    if (auto value = env.get(var); value && !str::trim(*value).empty()) {
      settings.index_url = PipSetting{std::string(str::trim(*value)), var};
    }
  }
  return settings;
}

std::string redact_credentials(std::string_view url) {
  auto scheme = url.find("://");
  std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  auto end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, start)) + "***" + std::string(url.substr(start + at));
}

std::string shown(const PipSetting& setting) {
  return str::valid_utf8(redact_credentials(setting.value) + " (" + setting.origin + ")");
}

std::vector<std::string> pip_settings_notes(const PipSettings& settings, bool replaces_index,
                                            const std::vector<std::string>& skip_urls, std::string_view tool_name) {
  const std::string tool(tool_name);
  const bool uv = tool == "uv";
  std::vector<std::string> notes;
  if (!settings.read) return notes;
  if (settings.proxy || settings.cert) {
    std::string what;
    if (settings.proxy) what = "proxy " + redact_credentials(settings.proxy->value) + " (" + settings.proxy->origin + ")";
    if (settings.cert) {
      what += std::string(what.empty() ? "" : " and ") + "certificates " + settings.cert->value + " (" +
              settings.cert->origin + ")";
    }
    notes.push_back(tool + "'s " + what + ": torchup's own index checks use them too");
  }
  if (settings.index_url) {
    const std::string url = redact_credentials(settings.index_url->value);
    notes.push_back(replaces_index ? tool + "'s index-url " + url + " (" + settings.index_url->origin +
                                         ") is replaced by torchup's --index-url for this install"
                                   : tool + " installs from " + url + " (" + settings.index_url->origin +
                                         "), not PyPI: the plan's packages must be there");
  }
  std::vector<std::string> elsewhere;
  for (const auto* list : {&settings.extra_index_urls, &settings.find_links}) {
    for (const auto& s : *list) {
      if (std::find(skip_urls.begin(), skip_urls.end(), s.value) != skip_urls.end()) continue;  // the install's own
      elsewhere.push_back(shown(s));
    }
  }
  if (!elsewhere.empty()) {
    notes.push_back(tool + " also looks in " + str::join(elsewhere, ", ") +
                    (uv ? ", before torchup's --index-url: uv takes torch from the first index that has it"
                        : ": a torch from there can take the place of the planned build") +
                    "; torchup checks the installed build afterwards");
  }
  if (settings.no_index) {
    notes.push_back(tool + "'s no-index (" + settings.no_index->origin +
                    ") makes pip ignore every index, torchup's --index-url included; unset it for this install");
  }
  for (auto& note : notes) note = str::valid_utf8(note);  // they go into --json output too
  return notes;
}

nlohmann::json to_json(const PipSettings& settings) {
  auto one = [](const std::optional<PipSetting>& s) -> nlohmann::json {
    if (!s) return nullptr;
    return {{"value", str::valid_utf8(redact_credentials(s->value))}, {"origin", str::valid_utf8(s->origin)}};
  };
  auto many = [](const std::vector<PipSetting>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : list) {
      out.push_back({{"value", str::valid_utf8(redact_credentials(s.value))}, {"origin", str::valid_utf8(s.origin)}});
    }
    return out;
  };
  nlohmann::json j{{"read", settings.read},
                   {"proxy", one(settings.proxy)},
                   {"cert", one(settings.cert)},
                   {"index_url", one(settings.index_url)},
                   {"extra_index_urls", many(settings.extra_index_urls)},
                   {"find_links", many(settings.find_links)},
                   {"no_index", one(settings.no_index)},
                   {"break_system_packages", one(settings.break_system_packages)}};
  if (!settings.unread_reason.empty()) j["unread_reason"] = str::valid_utf8(settings.unread_reason);
  return j;
}

host::HttpOptions pip_http_defaults(const PipSettings& settings) {
  host::HttpOptions defaults;
  if (settings.proxy) defaults.proxy = settings.proxy->value;
  if (settings.cert) defaults.ca_file = settings.cert->value;
  return defaults;
}

Expected<host::HttpResponse> DefaultedHttp::get(const std::string& url, const host::HttpOptions& options) {
  host::HttpOptions o = options;
  if (o.proxy.empty()) o.proxy = defaults_.proxy;
  if (o.ca_file.empty()) o.ca_file = defaults_.ca_file;
  return inner_.get(url, o);
}

}  // namespace torchup::act
