// pip's configuration as pip reports it (see pip_config.h).
#include "act/pip_config.h"

#include <algorithm>
#include <array>
#include <cctype>

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
  PipSettings settings;
  // section -> key -> value, for the sections the install command reads.
  static constexpr std::array<std::string_view, 3> kOrder{"global", "install", ":env:"};
  std::map<std::string, std::map<std::string, std::string>> by_section;
  for (auto raw : str::lines(output)) {
    std::string_view line = str::trim(raw);
    if (line.empty()) continue;
    auto eq = line.find('=');
    // The section name may hold dots only as ":env:" does not; split at the first '.'.
    auto dot = line.find('.');
    if (eq == std::string_view::npos || dot == std::string_view::npos || dot > eq || dot == 0) {
      ++settings.skipped_lines;
      continue;
    }
    auto value = parse_python_repr(str::trim(line.substr(eq + 1)));
    std::string key = normalize_key(line.substr(dot + 1, eq - dot - 1));
    if (!value || key.empty()) {
      ++settings.skipped_lines;
      continue;
    }
    by_section[std::string(line.substr(0, dot))][key] = *value;
  }
  // Later sections override earlier ones, key by key.
  std::map<std::string, PipSetting> effective;
  for (auto section : kOrder) {
    auto it = by_section.find(std::string(section));
    if (it == by_section.end()) continue;
    for (const auto& [key, value] : it->second) {
      // pip skips empty values instead of letting them override (ConfigOptionParser._update_defaults).
      if (str::trim(value).empty()) continue;
      effective[key] = {value, origin_of(it->first, key)};
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

PipSettings read_pip_settings(host::Host& host, const std::string& python,
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
