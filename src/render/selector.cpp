#include "render/selector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "util/strings.h"
#include "util/version.h"

namespace torchup::render {

namespace {

constexpr const char* kNightlyKey = "preview";
// What the site shows when there is no entry for the choice (package "source"):
// quick-start-module.js, buildMatcher() fallback (../shared/research/pytorch-matrix.md §1).
constexpr const char* kSourceNote =
    "# Follow instructions at this URL: https://github.com/pytorch/pytorch#from-source";
const std::vector<std::string> kOses = {"linux", "macos", "windows"};
const std::vector<std::string> kPackages = {"pip", "conda", "libtorch", "source"};

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string digits_to_cuda_tag(std::string_view dotted) {
  std::string out = "cu";
  for (char c : dotted) {
    if (c != '.') out += c;
  }
  return out;
}

// A dotted number at `text[pos]` ("12.6", "4.0.1"), without a trailing dot.
std::string dotted_at(const std::string& text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && (is_digit(text[end]) || (text[end] == '.' && end + 1 < text.size() &&
                                                       is_digit(text[end + 1])))) {
    ++end;
  }
  return text.substr(pos, end - pos);
}

std::string join_list(const std::vector<std::string>& items) { return str::join(items, ", "); }

std::string entry_text(const data::PublishedEntry& e) {
  std::string text = e.command.value_or("");
  if (e.downloads) {
    for (const auto& d : *e.downloads) text += " " + d.url;
  }
  return text;
}

// A selector entry that is only the site's way of saying "not offered here":
// no command / downloads, a macOS "use the default package" cell, or CUDA/ROCm on
// an OS the site strikes through (archInfoMap: cuda -> linux/windows, rocm -> linux;
// ../shared/research/pytorch-matrix.md §1).
bool offered(const data::PublishedEntry& e, const std::string& os, const std::string& real_name) {
  if (e.is_default) return false;
  if (e.is_libtorch ? !e.downloads.has_value() : !e.command.has_value()) return false;
  if (str::starts_with(real_name, "cu") && os == "macos") return false;
  if (str::starts_with(real_name, "rocm") && os != "linux") return false;
  return true;
}

// Tags and entities out, "<br />" into line breaks, for people (text output only).
std::string plain_note(const std::string& html) {
  std::string out;
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] == '<') {
      auto close = html.find('>', i);
      if (close == std::string::npos) {
        out += html.substr(i);
        break;
      }
      std::string tag = str::to_lower(html.substr(i + 1, close - i - 1));
      if (str::starts_with(tag, "br")) out += '\n';
      i = close + 1;
      continue;
    }
    out += html[i++];
  }
  // Trim each line; drop empty ones.
  std::vector<std::string> lines;
  for (auto l : str::lines(out)) {
    auto t = str::trim(l);
    if (!t.empty()) lines.emplace_back(t);
  }
  return str::join(lines, "\n");
}

Error no_such(const std::string& what, const std::vector<std::string>& valid,
              const std::string& hint = {}) {
  std::string message = what;
  if (!valid.empty()) message += "; valid choices: " + join_list(valid);
  return make_error(ErrorKind::kUsage, message,
                    hint.empty() ? "run 'torchup select --help' for the options" : hint);
}

}  // namespace

std::vector<std::string> platform_tokens(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool after_sep = i > 0 && (text[i - 1] == '/' || text[i - 1] == '+' ||
                               (i >= 3 && text.compare(i - 3, 3, "%2B") == 0));
    if (after_sep && text.compare(i, 2, "cu") == 0 && i + 2 < text.size() &&
        is_digit(text[i + 2])) {
      std::size_t end = i + 2;
      while (end < text.size() && is_digit(text[end])) ++end;
      out.push_back(text.substr(i, end - i));
    } else if (after_sep && text.compare(i, 4, "rocm") == 0 && i + 4 < text.size() &&
               is_digit(text[i + 4])) {
      out.push_back("rocm" + dotted_at(text, i + 4));
    } else if (text.compare(i, 12, "cudatoolkit=") == 0 && i + 12 < text.size() &&
               is_digit(text[i + 12])) {
      out.push_back(digits_to_cuda_tag(dotted_at(text, i + 12)));
    } else if (text.compare(i, 13, "pytorch-cuda=") == 0 && i + 13 < text.size() &&
               is_digit(text[i + 13])) {
      out.push_back(digits_to_cuda_tag(dotted_at(text, i + 13)));
    }
  }
  return out;
}

std::string normalize_platform_name(const std::string& text) {
  std::string s;
  for (char c : str::to_lower(str::trim(text))) {
    if (c != ' ') s += c;
  }
  if (s == "cpu" || s == "accnone" || s == "none") return "cpu";
  if (str::starts_with(s, "cuda") && s.size() > 4 && is_digit(s[4]) &&
      dotted_at(s, 4) == s.substr(4)) {
    return digits_to_cuda_tag(s.substr(4));
  }
  if (str::starts_with(s, "cu") && s.size() > 2 &&
      std::all_of(s.begin() + 2, s.end(), [](char c) { return is_digit(c); })) {
    return s;
  }
  if (str::starts_with(s, "rocm") && s.size() > 4 && is_digit(s[4]) &&
      dotted_at(s, 4) == s.substr(4))
    return s;
  return {};
}

Selector::Selector(data::PublishedVersions published, data::PreviousVersions page)
    : published_(std::move(published)), page_(std::move(page)) {}

Expected<Selector> Selector::load(data::DataStore& store) {
  auto published = store.load<data::PublishedVersions>("published_versions.json",
                                                       data::parse_published_versions);
  if (!published) return published.error();
  auto page =
      store.load<data::PreviousVersions>("previous-versions.md", data::parse_previous_versions);
  if (!page) return page.error();
  return Selector(std::move(*published), std::move(*page));
}

std::vector<std::string> Selector::versions() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& v) {
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  };
  for (const auto& v : published_.versions) {
    if (v.key == kNightlyKey) continue;
    add(str::starts_with(v.key, "lts-") ? v.key.substr(4) : v.key);
  }
  for (const auto& v : page_.versions) add(v);
  std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    auto va = DottedVersion::parse(a), vb = DottedVersion::parse(b);
    if (va && vb) return *va > *vb;
    return a > b;
  });
  return out;
}

std::string Selector::platform_name(const std::string& version_key, const std::string& os,
                                    const std::string& package, const std::string& site_id) const {
  if (site_id == "accnone") return "cpu";
  const auto* version = published_.find(version_key);
  if (!version) return {};
  // 1. The entry's own URLs and pins.
  if (const auto* o = version->find(os)) {
    if (const auto* p = o->find(package)) {
      if (const auto* e = p->find(site_id)) {
        auto own = platform_tokens(entry_text(*e));
        if (!own.empty()) return own.front();
      }
    }
  }
  // 2. The same id elsewhere in this release votes; ties go to the first seen.
  std::map<std::string, int> votes;
  std::vector<std::string> order;
  for (const auto& o : version->oses) {
    for (const auto& p : o.packages) {
      if (const auto* e = p.find(site_id)) {
        for (const auto& t : platform_tokens(entry_text(*e))) {
          if (votes[t]++ == 0) order.push_back(t);
        }
      }
    }
  }
  std::string best;
  for (const auto& t : order) {
    if (best.empty() || votes[t] > votes[best]) best = t;
  }
  if (!best.empty()) return best;
  // 3. Legacy ids that name a version: cuda10.2 -> cu102, rocm4.2 -> rocm4.2.
  return normalize_platform_name(site_id);
}

std::vector<PlatformChoice> Selector::platforms(const std::string& torch, const std::string& os,
                                                const std::string& package) const {
  std::vector<PlatformChoice> out;
  std::string key = torch == "stable"    ? published_.latest_stable
                    : torch == "nightly" ? kNightlyKey
                                         : torch;
  if (str::starts_with(key, "v")) key = key.substr(1);
  bool from_published = key == kNightlyKey || key == published_.latest_stable ||
                        package == "libtorch" || !page_.has_version(key);
  if (!from_published) {
    for (const auto* e : page_.entries_for(key, os, package)) {
      if (!e->platform.empty() && e->installable()) out.push_back({e->platform, ""});
    }
    return out;
  }
  const auto* version = published_.find(key);
  if (!version) version = published_.find("lts-" + key);
  if (!version) return out;
  const auto* o = version->find(os);
  const auto* p = o ? o->find(package) : nullptr;
  if (!p) return out;
  for (const auto& e : p->entries) {
    std::string name = platform_name(version->key, os, package, e.platform_id);
    if (offered(e, os, name)) out.push_back({name, e.platform_id});
  }
  return out;
}

namespace {

// OS, language and package: checked, lower-cased and paired as the site pairs them.
Status resolve_choice(const SelectQuery& query, SelectResult& result) {
  result.os = str::to_lower(query.os);
  if (std::find(kOses.begin(), kOses.end(), result.os) == kOses.end()) {
    return no_such("unknown OS '" + query.os + "'", kOses);
  }
  std::string language = str::to_lower(query.language);
  if (language == "c++") language = "cpp";
  if (!language.empty() && language != "python" && language != "cpp") {
    return no_such("unknown language '" + query.language + "'", {"python", "cpp"});
  }
  result.package = str::to_lower(query.package);
  if (result.package.empty()) result.package = language == "cpp" ? "libtorch" : "pip";
  if (std::find(kPackages.begin(), kPackages.end(), result.package) == kPackages.end()) {
    return no_such("unknown package '" + query.package + "'", kPackages);
  }
  // The site pairs C++ with LibTorch and LibTorch with C++ (quick-start-module.js).
  if (language == "cpp" && result.package != "libtorch" && result.package != "source") {
    return no_such("C++ is offered only as LibTorch, not as " + result.package,
                   {"--package libtorch"});
  }
  if (language == "python" && result.package == "libtorch") {
    return no_such("LibTorch is the C++ distribution; it has no Python variant",
                   {"--language cpp"});
  }
  return Ok{};
}

}  // namespace

Selector::ResolvedVersion Selector::resolve_version(const std::string& asked) const {
  ResolvedVersion v;
  v.torch = str::to_lower(str::trim(asked));
  if (v.torch.empty() || v.torch == "stable") v.torch = published_.latest_stable;
  if (str::starts_with(v.torch, "v")) v.torch = v.torch.substr(1);
  v.nightly = v.torch == "nightly" || v.torch == kNightlyKey;
  v.entry = published_.find(v.nightly ? std::string(kNightlyKey) : v.torch);
  if (!v.entry && !v.nightly) v.entry = published_.find("lts-" + v.torch);
  if (str::starts_with(v.torch, "lts-")) v.torch = v.torch.substr(4);
  return v;
}

Expected<SelectResult> Selector::select(const SelectQuery& query) const {
  SelectResult result;
  result.as_published = query.as_published;
  if (auto st = resolve_choice(query, result); !st) return st.error();

  const ResolvedVersion v = resolve_version(query.torch);
  result.torch_version = v.nightly ? "nightly" : v.torch;
  if (!v.entry && !page_.has_version(v.torch)) {
    auto all = versions();
    all.insert(all.begin(), {"stable", "nightly"});
    return make_error(
        ErrorKind::kNotFound,
        "unknown torch version '" + query.torch + "'; valid choices: " + join_list(all),
        "pytorch.org lists releases from 1.0.0 on; older ones are not on the selector");
  }

  // Package "source": the site has no entry and shows a fixed pointer.
  if (result.package == "source") {
    result.note = kSourceNote;
    result.source = kSourceSite;
    result.platform = normalize_platform_name(query.platform);
    return result;
  }

  const bool use_published = query.as_published || v.nightly ||
                             v.torch == published_.latest_stable || result.package == "libtorch" ||
                             !page_.has_version(v.torch);
  if (!use_published) return select_from_page(query, v, std::move(result));
  if (!v.entry) {
    if (query.as_published) {
      return make_error(
          ErrorKind::kNotFound,
          "torch " + v.torch +
              " was never on the Start Locally selector data (published_versions.json)",
          "drop --as-published to get the previous-versions page command");
    }
    return make_error(
        ErrorKind::kNotFound, "pytorch.org lists no LibTorch download for torch " + v.torch,
        "LibTorch downloads are listed from 1.9.0 on; pick a newer --torch or --package pip/conda");
  }
  return select_from_published(query, v, std::move(result));
}

const data::PublishedEntry* Selector::find_entry(const data::PublishedVersion& version,
                                                 const std::string& os,
                                                 const std::string& package_name,
                                                 const data::PublishedPackage& package,
                                                 const std::string& wanted) const {
  // A site id first, then a real name.
  if (const auto* entry = package.find(wanted)) return entry;
  std::string name = normalize_platform_name(wanted);
  if (name.empty()) return nullptr;
  for (const auto& e : package.entries) {
    if (platform_name(version.key, os, package_name, e.platform_id) == name) return &e;
  }
  return nullptr;
}

Expected<SelectResult> Selector::select_from_published(const SelectQuery& query,
                                                       const ResolvedVersion& v,
                                                       SelectResult result) const {
  const data::PublishedVersion& version = *v.entry;
  const auto* os = version.find(result.os);
  const auto* package = os ? os->find(result.package) : nullptr;
  if (!package) {
    std::vector<std::string> have;
    if (os) {
      for (const auto& p : os->packages) have.push_back(p.name);
    }
    have.push_back("source");
    return no_such("pytorch.org offers no " + result.package + " package for torch " +
                       result.torch_version + " on " + result.os,
                   have);
  }
  auto list_valid = [&]() {
    std::vector<std::string> valid;
    for (const auto& e : package->entries) {
      std::string name = platform_name(version.key, result.os, result.package, e.platform_id);
      if (!query.as_published && !offered(e, result.os, name)) continue;
      valid.push_back(name.empty() ? e.platform_id : name + " (" + e.platform_id + ")");
    }
    return valid;
  };
  const data::PublishedEntry* entry =
      find_entry(version, result.os, result.package, *package, query.platform);
  std::string what =
      fmt::format("torch {} {} on {}", result.torch_version, result.package, result.os);
  if (!entry)
    return no_such(fmt::format("no platform '{}' for {}", query.platform, what), list_valid());
  result.platform_id = entry->platform_id;
  result.platform = platform_name(version.key, result.os, result.package, entry->platform_id);
  if (!query.as_published && !offered(*entry, result.os, result.platform)) {
    std::string why = entry->note ? ": " + plain_note(*entry->note) : "";
    std::replace(why.begin(), why.end(), '\n', ' ');
    return no_such(fmt::format("{} is not available for {}{}", query.platform, what, why),
                   list_valid(),
                   "--as-published shows the selector's cell as the site displays it");
  }
  result.note = entry->note;
  result.command = entry->command;
  if (entry->downloads) result.downloads = *entry->downloads;
  result.source = kSourcePublished;
  if (!v.nightly && v.torch != published_.latest_stable && !query.as_published &&
      result.package != "libtorch") {
    result.warnings.push_back(tr("select.not-on-previous-versions",
                                 "torch {torch} is not on the previous-versions page; "
                                 "this is the selector's entry from when it was "
                                 "current, and it may not pin the version",
                                 {{"torch", v.torch}}));
  }
  return result;
}

Expected<SelectResult> Selector::select_from_page(const SelectQuery& query,
                                                  const ResolvedVersion& v,
                                                  SelectResult result) const {
  const std::string& torch = v.torch;
  std::string name = normalize_platform_name(query.platform);
  if (v.entry && version_has_site_id(*v.entry, query.platform)) {
    name = platform_name(v.entry->key, result.os, result.package, query.platform);
  }
  std::vector<std::string> valid;
  std::string page_note;
  for (const auto* e : page_.entries_for(torch, result.os, result.package)) {
    if (!e->platform.empty() && e->installable()) valid.push_back(e->platform);
    if (e->platform.empty() && page_note.empty() && !e->note_lines.empty())
      page_note = ": " + e->note_lines.front();
  }
  const data::PageEntry* found =
      name.empty() ? nullptr : page_.find(torch, result.os, result.package, name);
  std::string what = fmt::format("torch {} {} on {}", torch, result.package, result.os);
  if (!found || !found->installable()) {
    if (valid.empty())
      return no_such(fmt::format("the previous-versions page lists no {}{}", what, page_note), {});
    std::string asked = query.platform;
    if (!name.empty() && name != query.platform) asked += " (" + name + ")";
    return no_such(fmt::format("the previous-versions page lists no '{}' for {}", asked, what),
                   valid);
  }
  result.platform = found->platform;
  result.command = found->command();
  if (!found->note_lines.empty()) result.note = str::join(found->note_lines, "\n");
  result.source = kSourcePage;
  return result;
}

bool version_has_site_id(const data::PublishedVersion& version, const std::string& id) {
  for (const auto& o : version.oses) {
    for (const auto& p : o.packages) {
      if (p.find(id)) return true;
    }
  }
  return false;
}

std::string note_for_people(const std::string& note) { return plain_note(note); }

}  // namespace torchup::render
