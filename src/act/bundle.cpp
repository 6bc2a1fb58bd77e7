// Bundles as text (act/resolve.h): the manifest's JSON both ways and PEP 751's
// pylock.toml. Portable; writing and checking the files is act/wheelset.cpp's.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "act/resolve.h"
#include "util/version.h"

namespace torchup::act {

using nlohmann::json;

namespace {

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

json target_json(const TargetFacts& t) {
  return {{"python_version", t.python_version},
          {"implementation", t.implementation},
          {"free_threaded", t.free_threaded},
          {"os_family", t.os_family},
          {"arch", t.arch},
          {"glibc", opt(t.glibc)},
          {"macos", opt(t.macos)}};
}

// A TOML basic string (toml.io v1.0.0: \" \\ and control characters escaped).
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"')
      out += "\\\"";
    else if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else
      out += c;
  }
  return out + "\"";
}

}  // namespace

json to_json(const Bundle& b) {
  json files = json::array();
  for (const auto& f : b.files) {
    files.push_back({{"name", f.name},
                     {"version", f.version},
                     {"file", f.file_name},
                     {"url", f.url},
                     {"sha256", f.sha256},
                     {"size", f.size},
                     {"requested", f.requested}});
  }
  return {{"schema", kBundleSchema},
          {"requirements", b.requirements},
          {"torch", b.torch},
          {"torchvision", opt(b.torchvision)},
          {"torchaudio", opt(b.torchaudio)},
          {"platform", b.platform},
          {"index_url", opt(b.index_url)},
          {"target", target_json(b.target)},
          {"files", files}};
}

void take_build(model::Plan& plan, const Bundle& b) {
  plan.torch = b.torch;
  plan.torchvision = b.torchvision;
  plan.torchaudio = b.torchaudio;
  plan.platform = b.platform;
  plan.index_url = b.index_url;
}

std::string pylock_toml(const Bundle& b, bool beside) {
  // PEP 751: lock-version, created-by, requires-python, then [[packages]] with
  // name, version and [[packages.wheels]] (name, url, path, size, hashes).
  std::string out = std::string(beside ? "# Written by torchup fetch: the wheels of this directory"
                                       : "# Written by torchup fleet plan: one group's wheels") +
                    " for Python " +
                    b.target.python_version + " on " + b.target.os_family + " " + b.target.arch +
                    ".\n";
  out += "lock-version = \"1.0\"\n";
  out += "created-by = \"torchup\"\n";
  auto v = DottedVersion::parse(b.target.python_version);
  if (v)
    out +=
        "requires-python = " +
        toml_string("==" + std::to_string(v->major()) + "." + std::to_string(v->minor()) + ".*") +
        "\n";
  for (const auto& f : b.files) {
    out += "\n[[packages]]\n";
    out += "name = " + toml_string(f.name) + "\n";
    out += "version = " + toml_string(f.version) + "\n";
    out += "\n[[packages.wheels]]\n";
    out += "name = " + toml_string(f.file_name) + "\n";
    out += "url = " + toml_string(f.url) + "\n";
    if (beside) out += "path = " + toml_string("./" + f.file_name) + "\n";
    out += "size = " + std::to_string(f.size) + "\n";
    out += "hashes = {sha256 = " + toml_string(f.sha256) + "}\n";
  }
  return out;
}

Expected<Bundle> bundle_from_text(const std::string& text, const std::string& dir) {
  auto j = json::parse(text, nullptr, false);
  auto bad = [&](const std::string& field, const std::string& want) {
    return make_error(ErrorKind::kParse,
                      dir + "/torchup-bundle.json: " + field + ": expected " + want,
                      "write the bundle again with torchup fetch --dest " + dir);
  };
  if (!j.is_object()) return bad("the document", "a JSON object");
  if (j.value("schema", "") != kBundleSchema)
    return bad("schema", std::string("\"") + kBundleSchema + "\"");
  Bundle b;
  b.dir = dir;
  auto str_of = [&](const json& o, const char* key, std::string& out,
                    const std::string& where) -> Status {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return bad(where + key, "a string");
    out = it->get<std::string>();
    return Ok{};
  };
  auto opt_of = [&](const json& o, const char* key, std::optional<std::string>& out) -> Status {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return Ok{};
    if (!it->is_string()) return bad(key, "a string or null");
    out = it->get<std::string>();
    return Ok{};
  };
  if (auto s = str_of(j, "torch", b.torch, ""); !s) return s.error();
  if (auto s = str_of(j, "platform", b.platform, ""); !s) return s.error();
  for (auto [key, out] : {std::pair{"torchvision", &b.torchvision},
                          {"torchaudio", &b.torchaudio},
                          {"index_url", &b.index_url}}) {
    if (auto s = opt_of(j, key, *out); !s) return s.error();
  }
  auto reqs = j.find("requirements");
  if (reqs == j.end() || !reqs->is_array()) return bad("requirements", "an array of strings");
  for (const auto& r : *reqs) {
    if (!r.is_string()) return bad("requirements[]", "a string");
    b.requirements.push_back(r.get<std::string>());
  }
  auto t = j.find("target");
  if (t == j.end() || !t->is_object()) return bad("target", "an object");
  if (auto s = str_of(*t, "python_version", b.target.python_version, "target."); !s)
    return s.error();
  if (auto s = str_of(*t, "os_family", b.target.os_family, "target."); !s) return s.error();
  if (auto s = str_of(*t, "arch", b.target.arch, "target."); !s) return s.error();
  b.target.implementation = t->value("implementation", "cpython");
  b.target.free_threaded = t->value("free_threaded", false);
  if (auto g = t->find("glibc"); g != t->end() && g->is_string())
    b.target.glibc = g->get<std::string>();
  if (auto m = t->find("macos"); m != t->end() && m->is_string())
    b.target.macos = m->get<std::string>();
  auto fs = j.find("files");
  if (fs == j.end() || !fs->is_array()) return bad("files", "an array");
  for (std::size_t i = 0; i < fs->size(); ++i) {
    const json& f = (*fs)[i];
    const std::string where = "files[" + std::to_string(i) + "].";
    if (!f.is_object()) return bad(where, "an object");
    BundleFile bf;
    for (auto [key, out] : {std::pair{"name", &bf.name},
                            {"version", &bf.version},
                            {"file", &bf.file_name},
                            {"sha256", &bf.sha256}}) {
      if (auto s = str_of(f, key, *out, where); !s) return s.error();
    }
    if (bf.file_name.find('/') != std::string::npos ||
        bf.file_name.find('\\') != std::string::npos || bf.file_name.empty() ||
        bf.file_name[0] == '.')
      return bad(where + "file", "a file name in the bundle's directory");
    bf.url = f.value("url", "");
    auto size = f.find("size");
    if (size == f.end() || !size->is_number_unsigned())
      return bad(where + "size", "a number of bytes");
    bf.size = size->get<std::uint64_t>();
    bf.requested = f.value("requested", false);
    b.files.push_back(std::move(bf));
  }
  return b;
}

}  // namespace torchup::act
