// --mirror auto|NAME|URL (see mirrors.h). The parser is written for untrusted text
// (a --data-dir override, fuzzing): no exceptions escape, every field is type-checked.
#include "act/mirrors.h"

#include <algorithm>
#include <cstdio>
#include <future>
#include <nlohmann/json.hpp>
#include <set>

#include "act/install.h"
#include "util/strings.h"

namespace torchup::act {

using str::contains;
using str::ends_with;
using str::icontains;
using str::join;
using str::sanitize;
using str::starts_with;
using str::to_lower;
using str::trim;

namespace {

using nlohmann::json;
constexpr const char* kFile = "mirrors.json";
constexpr const char* kSchema = "torchup.mirrors/1";
constexpr std::size_t kMaxText = 1u << 20;

Error field_error(const std::string& where, const std::string& field, const std::string& problem) {
  return make_error(ErrorKind::kParse, std::string(kFile) + ": " + where + ": field '" + field + "' " + problem);
}

// A string field: missing/null gives "" (or an error when required).
Expected<std::string> string_field(const json& object, const std::string& where, const char* field, bool required) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    if (required) return field_error(where, field, "is missing");
    return std::string();
  }
  if (!it->is_string()) return field_error(where, field, "must be a string");
  std::string value = it->get<std::string>();
  if (required && value.empty()) return field_error(where, field, "must not be empty");
  return value;
}

bool is_http_url(const std::string& url) { return starts_with(url, "https://") || starts_with(url, "http://"); }

Expected<std::string> url_field(const json& object, const std::string& where, const char* field, bool required) {
  auto url = string_field(object, where, field, required);
  if (!url) return url;
  if (!url->empty() && !is_http_url(*url)) return field_error(where, field, "must be an http(s) URL");
  return url;
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 40) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

Expected<MirrorEntry> parse_entry(const json& item, const std::string& list_name, std::size_t index, bool pytorch) {
  std::string where = list_name + "[" + std::to_string(index) + "]";
  if (!item.is_object()) return field_error(where, "(entry)", "must be an object");
  MirrorEntry entry;
  auto name = string_field(item, where, "name", true);
  if (!name) return name.error();
  if (!valid_name(*name)) return field_error(where, "name", "must be lower-case letters, digits, '-', '_' or '.'");
  entry.name = *name;
  where += " (" + entry.name + ")";
  auto url = url_field(item, where, "url", true);
  if (!url) return url.error();
  entry.url = *url;
  auto style = string_field(item, where, "style", false);
  if (!style) return style.error();
  entry.style = style->empty() ? "index" : *style;
  if (entry.style != "index" && entry.style != "find-links") {
    return field_error(where, "style", "must be 'index' or 'find-links', not '" + sanitize(entry.style, 40) + "'");
  }
  if (!pytorch && entry.style != "index") return field_error(where, "style", "must be 'index' for a PyPI mirror");
  auto pypi = url_field(item, where, "pypi", false);
  if (!pypi) return pypi.error();
  entry.pypi = *pypi;
  auto note = string_field(item, where, "note", false);
  if (!note) return note.error();
  entry.note = *note;
  auto source = string_field(item, where, "source", true);  // every fact cites its source
  if (!source) return source.error();
  entry.source = *source;
  if (auto it = item.find("lacks"); it != item.end() && !it->is_null()) {
    if (!it->is_array()) return field_error(where, "lacks", "must be an array of variant prefixes");
    for (const auto& prefix : *it) {
      if (!prefix.is_string() || prefix.get<std::string>().empty()) {
        return field_error(where, "lacks", "must contain only non-empty strings");
      }
      entry.lacks.push_back(prefix.get<std::string>());
    }
  }
  return entry;
}

Expected<std::vector<MirrorEntry>> parse_entries(const json& root, const char* list_name, bool pytorch,
                                                 std::set<std::string>& names) {
  std::vector<MirrorEntry> out;
  auto it = root.find(list_name);
  if (it == root.end() || it->is_null()) return field_error("top level", list_name, "is missing");
  if (!it->is_array()) return field_error("top level", list_name, "must be an array of mirror objects");
  for (std::size_t i = 0; i < it->size(); ++i) {
    auto entry = parse_entry((*it)[i], list_name, i, pytorch);
    if (!entry) return entry.error();
    if (entry->name == "official" || entry->name == "auto" || entry->name == "url") {
      return field_error(std::string(list_name) + "[" + std::to_string(i) + "]", "name",
                         "'" + entry->name + "' is reserved for --mirror itself");
    }
    if (!names.insert(entry->name).second) {
      return field_error(std::string(list_name) + "[" + std::to_string(i) + "]", "name",
                         "'" + entry->name + "' is used twice");
    }
    out.push_back(std::move(*entry));
  }
  return out;
}

std::string substitute(std::string text, const std::string& variant) {
  static constexpr std::string_view kKey = "{variant}";
  for (auto at = text.find(kKey); at != std::string::npos; at = text.find(kKey, at + variant.size())) {
    text.replace(at, kKey.size(), variant);
  }
  return text;
}

bool valid_variant(const std::string& variant) {
  return variant.size() <= 40 && std::all_of(variant.begin(), variant.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-';
         });
}

bool lacks_variant(const MirrorEntry& entry, const std::string& variant) {
  if (variant.empty()) return false;
  return std::any_of(entry.lacks.begin(), entry.lacks.end(),
                     [&](const std::string& prefix) { return starts_with(variant, prefix); });
}

// The URL check pip's argv will get (install's own rule, so both agree).
Status check_source(const IndexSource& source, bool allow_insecure) {
  if (!source.index_url.empty()) {
    if (auto ok = check_index_url(source.index_url, allow_insecure); !ok) return ok;
  }
  if (!source.find_links.empty()) return check_index_url(source.find_links, allow_insecure);
  return Ok{};
}

std::string format_rate(double bytes_per_second) {
  char buffer[48];
  if (bytes_per_second >= 1e6) {
    std::snprintf(buffer, sizeof buffer, "%.1f MB/s", bytes_per_second / 1e6);
  } else if (bytes_per_second >= 1e3) {
    std::snprintf(buffer, sizeof buffer, "%.0f kB/s", bytes_per_second / 1e3);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.0f B/s", bytes_per_second);
  }
  return buffer;
}

// The transport error without the URL (the note names the mirror already).
std::string short_error(const Error& error, const std::string& url) {
  std::string prefix = "download of " + url + " failed: ";
  if (starts_with(error.message, prefix)) return error.message.substr(prefix.size());
  return error.message;
}

MirrorProbe probe(host::HttpClient& http, const IndexSource& source, bool allow_insecure,
                  const MirrorProbeOptions& options) {
  MirrorProbe result;
  result.name = source.name;
  result.url = probe_url_for(source);
  host::HttpOptions http_options;
  http_options.timeout = options.per_mirror_timeout;
  http_options.allow_insecure = allow_insecure;
  http_options.max_bytes = options.max_bytes;
  http_options.keep_partial_on_timeout = true;
  auto response = http.get(result.url, http_options);
  if (!response) {
    result.error = short_error(response.error(), result.url);
    return result;
  }
  result.bytes = response->body.size();
  result.elapsed = response->elapsed;
  result.stopped_at_max = response->truncated;
  result.timed_out = response->timed_out;
  if (response->status >= 400 || response->status < 200) {
    result.error = "HTTP " + std::to_string(response->status);
  } else if (response->body.empty()) {
    result.error = "empty response";
  } else if (!icontains(response->body, "torch")) {
    result.error = "the page does not list torch wheels";
  } else {
    double seconds = std::max<double>(static_cast<double>(response->elapsed.count()), 1.0) / 1e6;
    result.bytes_per_second = static_cast<double>(result.bytes) / seconds;
  }
  return result;
}

std::string describe(const MirrorProbe& p) {
  if (p.bytes_per_second) return p.name + ": " + format_rate(*p.bytes_per_second);
  return p.name + ": failed (" + p.error + ")";
}

std::string known_names(const std::vector<MirrorEntry>& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  return names.empty() ? std::string("(none)") : join(names, ", ");
}

Expected<MirrorChoice> choose_auto(host::HttpClient& http, const MirrorList& list, const std::string& variant,
                                   bool allow_insecure, const MirrorProbeOptions& options,
                                   const IndexSource& official) {
  MirrorChoice choice;
  const auto& entries = variant.empty() ? list.pypi_mirrors : list.pytorch_mirrors;
  std::vector<IndexSource> candidates;
  for (const auto& entry : entries) {
    if (lacks_variant(entry, variant)) {
      choice.notes.push_back(entry.name + " does not carry " + variant + " wheels (" + entry.source + "); not probed");
      continue;
    }
    IndexSource source = source_for(entry, list, variant);
    if (auto allowed = check_source(source, allow_insecure); !allowed) {
      choice.notes.push_back(entry.name + " not probed: " + allowed.error().message);
      continue;
    }
    candidates.push_back(std::move(source));
  }
  candidates.push_back(official);

  // One thread (and one libcurl handle) per candidate: auto costs about one timeout.
  std::vector<std::future<MirrorProbe>> running;
  for (const auto& source : candidates) {
    running.push_back(std::async(std::launch::async, [&http, source, allow_insecure, &options] {
      return probe(http, source, allow_insecure, options);
    }));
  }
  for (auto& f : running) choice.probes.push_back(f.get());

  const MirrorProbe& official_probe = choice.probes.back();
  std::vector<std::size_t> fast;  // indexes into candidates of mirrors that beat the official index
  std::vector<std::string> slower;
  for (std::size_t i = 0; i + 1 < candidates.size(); ++i) {
    const auto& p = choice.probes[i];
    if (!p.bytes_per_second) continue;
    if (official_probe.bytes_per_second && *p.bytes_per_second <= *official_probe.bytes_per_second) {
      slower.push_back(p.name);
      continue;
    }
    fast.push_back(i);
  }
  std::stable_sort(fast.begin(), fast.end(), [&](std::size_t a, std::size_t b) {
    return *choice.probes[a].bytes_per_second > *choice.probes[b].bytes_per_second;
  });
  std::vector<std::string> chosen;
  for (std::size_t i : fast) {
    choice.order.push_back(candidates[i]);
    chosen.push_back(candidates[i].name);
  }
  choice.order.push_back(official);

  std::vector<std::string> measured;
  for (const auto& p : choice.probes) measured.push_back(describe(p));
  std::string decision;
  if (!chosen.empty()) {
    decision = "trying " + join(chosen, ", then ") + (chosen.size() == 1 ? " first" : "") + ", official last";
  } else if (official_probe.bytes_per_second) {
    decision = slower.empty() ? "no mirror answered; using the official index"
                              : "the official index is the fastest; using it alone";
  } else {
    decision = "nothing answered; trying the official index anyway";
  }
  choice.notes.insert(choice.notes.begin(), join(measured, "; ") + " -> " + decision);
  if (!slower.empty()) choice.notes.push_back(join(slower, ", ") + ": slower than the official index, not used");
  for (std::size_t i : fast) {
    if (!candidates[i].find_links.empty()) {
      choice.notes.push_back(candidates[i].name + " is a flat directory: pip gets it as --find-links " +
                             candidates[i].find_links + " with --index-url " + candidates[i].index_url);
    }
  }
  return choice;
}

}  // namespace

Expected<MirrorList> parse_mirror_list(const std::string& json_text) {
  if (json_text.size() > kMaxText) {
    return make_error(ErrorKind::kParse, std::string(kFile) + ": larger than 1 MiB; not a mirror list");
  }
  json root = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return make_error(ErrorKind::kParse, std::string(kFile) + ": not valid JSON");
  if (!root.is_object()) return field_error("top level", "(document)", "must be an object");
  auto schema = string_field(root, "top level", "schema", true);
  if (!schema) return schema.error();
  if (*schema != kSchema) {
    return field_error("top level", "schema", "is '" + sanitize(*schema, 40) + "', expected '" + kSchema + "'");
  }
  MirrorList list;
  auto official = root.find("official");
  if (official == root.end() || official->is_null()) return field_error("top level", "official", "is missing");
  if (!official->is_object()) return field_error("top level", "official", "must be an object");
  auto pytorch = url_field(*official, "official", "pytorch", true);
  if (!pytorch) return pytorch.error();
  list.official_pytorch = *pytorch;
  auto pypi = url_field(*official, "official", "pypi", true);
  if (!pypi) return pypi.error();
  list.official_pypi = *pypi;
  std::set<std::string> names;
  auto mirrors = parse_entries(root, "pytorch_mirrors", true, names);
  if (!mirrors) return mirrors.error();
  list.pytorch_mirrors = std::move(*mirrors);
  auto pypi_mirrors = parse_entries(root, "pypi_mirrors", false, names);
  if (!pypi_mirrors) return pypi_mirrors.error();
  list.pypi_mirrors = std::move(*pypi_mirrors);
  return list;
}

IndexSource source_for(const MirrorEntry& entry, const MirrorList& list, const std::string& variant) {
  if (entry.style == "find-links") {
    return {entry.name, entry.pypi.empty() ? list.official_pypi : entry.pypi, substitute(entry.url, variant)};
  }
  return {entry.name, substitute(entry.url, variant), ""};
}

std::string probe_url_for(const IndexSource& source) {
  if (!source.find_links.empty()) return source.find_links;
  std::string base = source.index_url;
  while (ends_with(base, "/")) base.pop_back();
  return base + "/torch/";
}

Expected<MirrorChoice> choose_mirrors(host::HttpClient& http, const MirrorList& list, const std::string& spec,
                                      const std::string& variant, bool allow_insecure,
                                      const MirrorProbeOptions& options) {
  if (!valid_variant(variant)) {
    return make_error(ErrorKind::kUsage, "'" + sanitize(variant, 40) + "' is not a wheel variant",
                      "variants look like cpu, cu126, rocm7.2");
  }
  IndexSource official{"official", variant.empty() ? list.official_pypi : substitute(list.official_pytorch, variant),
                       ""};
  if (auto allowed = check_source(official, allow_insecure); !allowed) return allowed.error();
  const auto& entries = variant.empty() ? list.pypi_mirrors : list.pytorch_mirrors;
  const auto& other = variant.empty() ? list.pytorch_mirrors : list.pypi_mirrors;
  std::string wanted(trim(spec));
  std::string name = to_lower(wanted);

  MirrorChoice choice;
  if (name.empty() || name == "official") {
    choice.order.push_back(official);
    choice.notes.push_back("using the official index " + official.index_url);
    return choice;
  }
  if (name == "auto") return choose_auto(http, list, variant, allow_insecure, options, official);
  if (contains(wanted, "://")) {
    IndexSource source{"url", substitute(wanted, variant), ""};
    if (auto allowed = check_source(source, allow_insecure); !allowed) return allowed.error();
    if (source.index_url != official.index_url) choice.order.push_back(source);
    choice.order.push_back(official);
    choice.notes.push_back("using " + source.index_url + ", then the official index");
    return choice;
  }
  std::string usage = "use --mirror auto, official, an https:// index URL, or one of: " + known_names(entries);
  auto found = std::find_if(entries.begin(), entries.end(), [&](const MirrorEntry& e) { return e.name == name; });
  if (found == entries.end()) {
    auto elsewhere = std::find_if(other.begin(), other.end(), [&](const MirrorEntry& e) { return e.name == name; });
    if (elsewhere != other.end() && !variant.empty()) {
      // PyPI mirrors carry exactly PyPI's torch, not the PyTorch index's +cu126 builds (pain-points 3.11 (a)).
      return make_error(ErrorKind::kUsage,
                        name + " is a PyPI mirror; it does not carry the PyTorch index's " + variant + " wheels",
                        usage);
    }
    if (elsewhere != other.end()) {
      return make_error(ErrorKind::kUsage,
                        name + " mirrors the PyTorch wheel index, but this plan installs torch from PyPI", usage);
    }
    return make_error(ErrorKind::kUsage, "unknown mirror '" + sanitize(wanted, 60) + "'", usage);
  }
  if (lacks_variant(*found, variant)) {
    return make_error(ErrorKind::kUsage, found->name + " does not carry " + variant + " wheels (" + found->source + ")",
                      usage);
  }
  IndexSource source = source_for(*found, list, variant);
  if (auto allowed = check_source(source, allow_insecure); !allowed) return allowed.error();
  choice.order.push_back(source);
  choice.order.push_back(official);
  std::string where = source.find_links.empty()
                          ? source.index_url
                          : source.find_links + " (--find-links, with --index-url " + source.index_url + ")";
  choice.notes.push_back("using " + found->name + " " + where + ", then the official index");
  return choice;
}

}  // namespace torchup::act
