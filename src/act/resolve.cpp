// The walk of resolve.h: pages and metadata files over HTTP, a greedy choice per name.
#include "act/resolve.h"

#include <algorithm>
#include <deque>

#include "util/strings.h"
#include "util/version.h"

namespace torchup::act {
namespace {

struct Pending {
  Requirement req;
  std::string wanted_by;  // "torch 2.12.0" or "" for a requirement asked for
};

struct Chosen {
  std::size_t index;  // into Resolution::wheels
  std::set<std::string> extras_done;
  std::vector<std::string> requires_dist;
};

class Walk {
 public:
  Walk(host::HttpClient& http, const std::vector<IndexSource>& sources, const WheelTarget& target,
       const ResolveOptions& options)
      : http_(http), sources_(sources), target_(target), options_(options) {
    for (std::size_t i = 0; i < target.tags.size(); ++i) tag_rank_.emplace(target.tags[i], i);
  }

  Expected<Resolution> run(const std::vector<std::string>& requirements) {
    std::deque<Pending> queue;
    for (const auto& text : requirements) {
      auto req = parse_requirement(text);
      if (!req) return req.error();
      queue.push_back({*req, ""});
    }
    result_.source_name = sources_.empty() ? "" : sources_.front().name;
    while (!queue.empty()) {
      Pending p = std::move(queue.front());
      queue.pop_front();
      auto marker = evaluate_marker(p.req.marker, target_.markers);
      if (!marker) return marker.error();
      if (!*marker) continue;
      const bool requested = p.wanted_by.empty();
      const std::string& name = p.req.name;
      constraints_[name].push_back(p.req.specifiers);
      if (auto c = chosen_.find(name); c != chosen_.end()) {
        ResolvedWheel& w = result_.wheels[c->second.index];
        if (!satisfies(w.version, p.req.specifiers, true)) {
          return make_error(ErrorKind::kNotFound, name + " " + w.version + " was chosen, but " +
                                                      who(p) + " needs " + name + p.req.specifiers +
                                                      " (torchup's resolver does not backtrack)");
        }
        w.requested = w.requested || requested;
        enqueue_extras(c->second, p.req.extras, w, queue);
        continue;
      }
      if (!requested) {
        if (auto inst = options_.installed.find(name);
            inst != options_.installed.end() && satisfies(inst->second, all_specs(name), true)) {
          const std::string line = name + " " + inst->second;
          if (std::find(result_.satisfied.begin(), result_.satisfied.end(), line) ==
              result_.satisfied.end())
            result_.satisfied.push_back(line);
          continue;
        }
      }
      if (result_.wheels.size() >= options_.max_packages)
        return make_error(ErrorKind::kNotFound, "more than " +
                                                    std::to_string(options_.max_packages) +
                                                    " packages to resolve; torchup stops here");
      auto files = files_of(name);
      if (!files) return files.error();
      auto pick = choose(name, *files, p);
      if (!pick) return pick.error();
      auto meta = metadata_of(*pick);
      if (!meta) return meta.error();
      ResolvedWheel w;
      w.name = name;
      w.version = parse_wheel_name(pick->file_name)->version;
      w.file_name = pick->file_name;
      w.url = pick->url;
      w.sha256 = pick->sha256;
      w.requested = requested;
      result_.wheels.push_back(w);
      Chosen c{result_.wheels.size() - 1, {}, requires_dist(*meta)};
      auto& stored = chosen_.emplace(name, std::move(c)).first->second;
      enqueue_extras(stored, {""}, result_.wheels.back(), queue);
      enqueue_extras(stored, p.req.extras, result_.wheels.back(), queue);
    }
    add_alternates();
    return std::move(result_);
  }

 private:
  static std::string who(const Pending& p) {
    return p.wanted_by.empty() ? "the plan" : p.wanted_by;
  }

  // Queues the dependencies of `w` for `extras` not handled yet ("" = the base set).
  void enqueue_extras(Chosen& c, const std::set<std::string>& extras, const ResolvedWheel& w,
                      std::deque<Pending>& queue) {
    for (const auto& extra : extras) {
      if (!c.extras_done.insert(extra).second) continue;
      for (const auto& line : c.requires_dist) {
        auto req = parse_requirement(line);
        if (!req) continue;  // an unreadable dependency line: pip will judge it
        const std::string by = w.name + " " + w.version;
        // Lines for an extra ("; extra == 'x'") are only true with that extra set;
        // base lines must not see any extra.
        std::set<std::string> with;
        if (!extra.empty()) with.insert(extra);
        auto applies = evaluate_marker(req->marker, target_.markers, with);
        if (!applies || !*applies) continue;
        if (!extra.empty()) {
          auto base = evaluate_marker(req->marker, target_.markers, {});
          if (base && *base) continue;  // a base line, queued with the base set
        }
        Requirement r = *req;
        r.marker.clear();  // already evaluated
        queue.push_back({r, by});
      }
    }
  }

  std::string all_specs(const std::string& name) const {
    auto it = constraints_.find(name);
    if (it == constraints_.end()) return "";
    std::vector<std::string> parts;
    for (const auto& s : it->second)
      if (!s.empty()) parts.push_back(s);
    return str::join(parts, ",");
  }

  static std::string page_url(const std::string& index, const std::string& name) {
    std::string url = index;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + "/" + name + "/";
  }

  Expected<std::string> get(const std::string& url, std::size_t max_bytes) {
    host::HttpOptions o;
    o.allow_insecure = options_.allow_insecure;
    o.max_bytes = max_bytes;
    o.timeout = std::chrono::seconds(60);
    auto got = http_.get(url, o);
    if (!got) return make_error(ErrorKind::kNetwork, url + ": " + got.error().message);
    if (got->status == 404) return make_error(ErrorKind::kNotFound, url + " answered HTTP 404");
    if (got->status < 200 || got->status >= 300)
      return make_error(ErrorKind::kNetwork, url + " answered HTTP " + std::to_string(got->status));
    if (got->truncated)
      return make_error(ErrorKind::kNetwork,
                        url + " is larger than " + std::to_string(max_bytes) + " bytes");
    return std::move(got->body);
  }

  // The files of project `name` on `source` (its index page, and its flat listing).
  Expected<std::vector<IndexFile>> files_on(const IndexSource& source, const std::string& name) {
    std::vector<IndexFile> files;
    if (!source.find_links.empty()) {
      auto it = listing_.find(source.find_links);
      if (it == listing_.end()) {
        auto body = get(source.find_links, options_.max_page_bytes);
        if (!body) return body.error();
        it = listing_.emplace(source.find_links, parse_index_page(*body, source.find_links)).first;
      }
      for (const auto& f : it->second) {
        auto w = parse_wheel_name(f.file_name);
        if (w && w->name == name) files.push_back(f);
      }
    }
    const std::string index =
        source.index_url.empty() ? "https://pypi.org/simple" : source.index_url;
    auto body = get(page_url(index, name), options_.max_page_bytes);
    if (!body && body.error().kind != ErrorKind::kNotFound) return body.error();
    if (body) {
      auto page = parse_index_page(*body, page_url(index, name));
      files.insert(files.end(), page.begin(), page.end());
    }
    if (files.empty() && !body) return body.error();
    return files;
  }

  Expected<std::vector<IndexFile>> files_of(const std::string& name) {
    if (sources_.empty()) return make_error(ErrorKind::kUsage, "no index to resolve on");
    return files_on(sources_.front(), name);
  }

  std::optional<std::size_t> rank(const WheelName& w) const {
    std::optional<std::size_t> best;
    for (const auto& t : w.tags) {
      auto it = tag_rank_.find(t);
      if (it != tag_rank_.end() && (!best || it->second < *best)) best = it->second;
    }
    return best;
  }

  // The newer version wins; within one public version (2.12.0+cpu beside 2.12.0+cu126 on a
  // mirror that carries every variant) the plan's own variant first; then the better tag.
  bool better(const Version& v, std::size_t rank, const Version& best, std::size_t best_rank) const {
    if (!options_.variant.empty()) {
      auto pv = Version::parse(v.public_str()), pb = Version::parse(best.public_str());
      if (pv && pb && *pv == *pb) {
        const bool mine = v.local() == options_.variant, theirs = best.local() == options_.variant;
        if (mine != theirs) return mine;
      }
    }
    return v > best || (v == best && rank < best_rank);
  }

  Expected<IndexFile> choose(const std::string& name, const std::vector<IndexFile>& files,
                             const Pending& p) {
    const std::string specs = all_specs(name);
    const IndexFile* best = nullptr;
    std::optional<Version> best_version;
    std::size_t best_rank = 0;
    bool any_version = false, sdist_only = false;
    for (const auto& f : files) {
      auto w = parse_wheel_name(f.file_name);
      if (!w) {
        sdist_only = true;
        continue;
      }
      if (w->name != name || f.yanked) continue;
      if (!satisfies(w->version, specs, options_.allow_pre)) continue;
      any_version = true;
      if (!f.requires_python.empty() &&
          !satisfies(target_.python_full_version, f.requires_python, true))
        continue;
      auto r = rank(*w);
      if (!r) continue;
      auto v = Version::parse(w->version);
      if (!v) continue;
      if (!best || better(*v, *r, *best_version, best_rank)) {
        best = &f;
        best_version = *v;
        best_rank = *r;
      }
    }
    const std::string what = name + (specs.empty() ? "" : " " + specs);
    if (!best) {
      std::string why = any_version
                            ? "no wheel of " + what + " is built for this Python and platform"
                        : sdist_only ? "the index has only source archives of " + what
                                     : "the index has no version of " + what;
      if (!p.wanted_by.empty()) why += " (needed by " + p.wanted_by + ")";
      return make_error(ErrorKind::kNotFound, why);
    }
    if (!best->has_metadata) {
      return make_error(ErrorKind::kNotFound, "the index serves no metadata file (PEP 658) for " +
                                                  best->file_name +
                                                  "; resolving it would mean downloading it");
    }
    return *best;
  }

  Expected<std::string> metadata_of(const IndexFile& f) {
    auto body = get(f.url + ".metadata", 4u << 20);
    if (!body) return body.error();
    return body;
  }

  // The same file (name and hash) on each other source becomes an alternate.
  void add_alternates() {
    for (std::size_t s = 1; s < sources_.size(); ++s) {
      for (auto& w : result_.wheels) {
        auto files = files_on(sources_[s], w.name);
        if (!files) break;  // this source is out of reach: no alternates from it
        for (const auto& f : *files) {
          if (f.file_name != w.file_name) continue;
          if (w.sha256 && f.sha256 && *w.sha256 != *f.sha256) continue;
          if (f.url != w.url &&
              std::find(w.alternates.begin(), w.alternates.end(), f.url) == w.alternates.end())
            w.alternates.push_back(f.url);
        }
      }
    }
  }

  host::HttpClient& http_;
  const std::vector<IndexSource>& sources_;
  const WheelTarget& target_;
  const ResolveOptions& options_;
  std::map<std::string, std::size_t> tag_rank_;
  std::map<std::string, std::vector<std::string>> constraints_;
  std::map<std::string, Chosen> chosen_;
  std::map<std::string, std::vector<IndexFile>> listing_;
  Resolution result_;
};

}  // namespace

Expected<Resolution> resolve_wheels(host::HttpClient& http, const std::vector<IndexSource>& sources,
                                    const std::vector<std::string>& requirements,
                                    const WheelTarget& target, const ResolveOptions& options) {
  return Walk(http, sources, target, options).run(requirements);
}

}  // namespace torchup::act
