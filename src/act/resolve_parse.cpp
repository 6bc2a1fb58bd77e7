// The pure pieces of resolve.h: wheel tags (packaging.tags' order), PEP 440 specifiers,
// PEP 508 requirements and markers, METADATA headers, PEP 503 pages.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "act/resolve.h"
#include "util/strings.h"
#include "util/version.h"

namespace torchup::act {

// ---- the target ----

const char* const kTargetProbe =
    "import json,platform,sys,sysconfig\n"
    "m=platform.mac_ver()[0]\n"
    "l=platform.libc_ver()\n"
    "print(json.dumps({'python_version':platform.python_version(),"
    "'implementation':sys.implementation.name,"
    "'free_threaded':bool(sysconfig.get_config_var('Py_GIL_DISABLED')),"
    "'system':platform.system(),'machine':platform.machine(),'release':platform.release(),"
    "'glibc':l[1] if l[0]=='glibc' else None,'macos':m or None}))\n";

Expected<TargetFacts> parse_target_facts(std::string_view json_text) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_object() || !j.contains("python_version") || !j["python_version"].is_string())
    return make_error(ErrorKind::kParse,
                      "the interpreter's facts are not the JSON torchup expects");
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  TargetFacts f;
  f.python_version = *text("python_version");
  f.implementation = text("implementation").value_or("cpython");
  auto ft = j.find("free_threaded");
  f.free_threaded = ft != j.end() && ft->is_boolean() && ft->get<bool>();
  const std::string system = text("system").value_or("");
  f.os_family = system == "Windows" ? "windows" : system == "Darwin" ? "macos" : "linux";
  f.arch = text("machine").value_or("");
  f.platform_release = text("release").value_or("");
  f.glibc = text("glibc");
  f.macos = text("macos");
  return f;
}

namespace {

std::vector<std::string> platform_tags(const TargetFacts& f) {
  std::vector<std::string> out;
  std::string arch = str::to_lower(f.arch);
  if (f.os_family == "windows") {
    if (arch == "amd64" || arch == "x86_64") return {"win_amd64"};
    if (arch == "arm64" || arch == "aarch64") return {"win_arm64"};
    return {"win32"};
  }
  if (f.os_family == "macos") {
    // packaging.tags.mac_platforms: this version down to 11 (then 10.16 .. 10.4 on x86_64).
    auto v = DottedVersion::parse(f.macos.value_or(""));
    const long major = v ? v->major() : 11;
    const long minor = v ? v->minor() : 0;
    const bool arm = arch == "arm64" || arch == "aarch64";
    const std::vector<std::string> binaries =
        arm ? std::vector<std::string>{"arm64", "universal2"}
            : std::vector<std::string>{"x86_64", "intel",      "fat64",
                                       "fat32",  "universal2", "universal"};
    for (long m = major; m >= 11; --m) {
      for (const auto& b : binaries)
        out.push_back("macosx_" + std::to_string(m) + "_" + std::to_string(m == major ? minor : 0) +
                      "_" + b);
      if (m == major && minor != 0) {
        for (const auto& b : binaries) out.push_back("macosx_" + std::to_string(m) + "_0_" + b);
      }
    }
    if (!arm) {
      for (long m = major >= 11 ? 16 : minor; m >= 4; --m)
        for (const auto& b : binaries) out.push_back("macosx_10_" + std::to_string(m) + "_" + b);
    } else {
      for (long m = 16; m >= 4; --m)
        out.push_back("macosx_10_" + std::to_string(m) + "_universal2");
    }
    // Dedupe, keeping the first.
    std::vector<std::string> unique;
    for (auto& t : out)
      if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
    return unique;
  }
  // Linux (PEP 600): manylinux_2_Y for Y from glibc's minor down to 17 (5 on x86),
  // with the legacy aliases (PEP 599/571/513) where they fall; then linux_ARCH.
  if (arch == "arm64") arch = "aarch64";
  if (auto g = DottedVersion::parse(f.glibc.value_or("")); g && g->major() == 2) {
    const bool x86 = arch == "x86_64" || arch == "i686";
    for (long y = g->minor(); y >= (x86 ? 5 : 17); --y) {
      out.push_back("manylinux_2_" + std::to_string(y) + "_" + arch);
      if (y == 17) out.push_back("manylinux2014_" + arch);
      if (y == 12 && x86) out.push_back("manylinux2010_" + arch);
      if (y == 5 && x86) out.push_back("manylinux1_" + arch);
    }
  }
  out.push_back("linux_" + arch);
  return out;
}

}  // namespace

WheelTarget make_target(const TargetFacts& f) {
  WheelTarget t;
  auto v = DottedVersion::parse(f.python_version);
  const long major = v ? v->major() : 3;
  const long minor = v ? v->minor() : 0;
  const std::string mm = std::to_string(major) + "." + std::to_string(minor);
  t.python_full_version = f.python_version;
  const bool windows = f.os_family == "windows", mac = f.os_family == "macos";
  t.markers = {{"python_version", mm},
               {"python_full_version", f.python_version},
               {"implementation_name", f.implementation},
               {"implementation_version", f.python_version},
               {"platform_python_implementation",
                f.implementation == "cpython" ? "CPython" : f.implementation},
               {"os_name", windows ? "nt" : "posix"},
               {"sys_platform", windows ? "win32"
                                : mac   ? "darwin"
                                        : "linux"},
               {"platform_system", windows ? "Windows"
                                   : mac   ? "Darwin"
                                           : "Linux"},
               {"platform_machine", f.arch},
               {"platform_release", f.platform_release},
               {"platform_version", ""}};
  const auto platforms = platform_tags(f);
  const std::string nodot = std::to_string(major) + std::to_string(minor);
  const std::string interp = "cp" + nodot;
  // packaging.tags.cpython_tags: cpXY-cpXY[t], cpXY-abi3 (not free-threaded), cpXY-none,
  // then cpXW-abi3 for older minors; compatible_tags: pyXY-none-plat, py3-none-plat,
  // pyXW-none-plat, cpXY-none-any, pyXY-none-any, py3-none-any, pyXW-none-any.
  const std::string abi = interp + (f.free_threaded ? "t" : "");
  std::vector<std::string> abis{abi};
  if (!f.free_threaded) abis.push_back("abi3");
  abis.push_back("none");
  for (const auto& a : abis)
    for (const auto& p : platforms) t.tags.push_back(interp + "-" + a + "-" + p);
  if (!f.free_threaded) {
    for (long m = minor - 1; m >= 2; --m)
      for (const auto& p : platforms)
        t.tags.push_back("cp" + std::to_string(major) + std::to_string(m) + "-abi3-" + p);
  }
  for (const auto& p : platforms) t.tags.push_back("py" + nodot + "-none-" + p);
  for (const auto& p : platforms) t.tags.push_back("py" + std::to_string(major) + "-none-" + p);
  for (long m = minor - 1; m >= 0; --m)
    for (const auto& p : platforms)
      t.tags.push_back("py" + std::to_string(major) + std::to_string(m) + "-none-" + p);
  t.tags.push_back(interp + "-none-any");
  t.tags.push_back("py" + nodot + "-none-any");
  t.tags.push_back("py" + std::to_string(major) + "-none-any");
  for (long m = minor - 1; m >= 0; --m)
    t.tags.push_back("py" + std::to_string(major) + std::to_string(m) + "-none-any");
  return t;
}

// ---- names ----

std::string normalize_name(std::string_view name) {
  std::string out;
  bool sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      sep = true;
      continue;
    }
    if (sep && !out.empty()) out += '-';
    sep = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<WheelName> parse_wheel_name(std::string_view file) {
  if (!str::ends_with(file, ".whl")) return std::nullopt;
  file.remove_suffix(4);
  auto parts = str::split(file, '-');
  if (parts.size() != 5 && parts.size() != 6) return std::nullopt;
  for (auto p : parts)
    if (p.empty()) return std::nullopt;
  WheelName w;
  w.name = normalize_name(parts[0]);
  w.version = std::string(parts[1]);
  const std::size_t n = parts.size();
  for (auto py : str::split(parts[n - 3], '.'))
    for (auto ab : str::split(parts[n - 2], '.'))
      for (auto pl : str::split(parts[n - 1], '.'))
        w.tags.push_back(std::string(py) + "-" + std::string(ab) + "-" + std::string(pl));
  return w;
}

// ---- PEP 440 specifiers ----

namespace {

bool one_clause(const Version& v, std::string_view clause, bool allow_pre, bool& names_pre) {
  clause = str::trim(clause);
  std::string_view op;
  for (std::string_view candidate : {"===", "~=", "==", "!=", "<=", ">=", "<", ">"}) {
    if (str::starts_with(clause, candidate)) {
      op = candidate;
      break;
    }
  }
  if (op.empty()) return false;
  std::string_view text = str::trim(clause.substr(op.size()));
  if (op == "===") return v.str() == text;
  const bool wildcard = str::ends_with(text, ".*");
  if (wildcard) text.remove_suffix(2);
  auto spec = Version::parse(text);
  if (!spec) return false;
  if (spec->is_prerelease()) names_pre = true;
  (void)allow_pre;
  if (wildcard) {
    if (op != "==" && op != "!=") return false;
    const auto& want = spec->release().parts();
    bool prefix = true;
    for (std::size_t i = 0; i < want.size(); ++i) prefix = prefix && v.release().part(i) == want[i];
    return op == "==" ? prefix : !prefix;
  }
  // A specifier without a local label ignores the candidate's ("==2.12.0" takes 2.12.0+cu126).
  const Version& candidate = v;
  auto public_of = [](const Version& x) { return *Version::parse(x.public_str()); };
  const Version lhs = spec->local().empty() ? public_of(candidate) : candidate;
  if (op == "==") return lhs == *spec;
  if (op == "!=") return !(lhs == *spec);
  if (op == "<=") return lhs <= *spec;
  if (op == ">=") return lhs >= *spec;
  if (op == "<") return lhs < *spec;
  if (op == ">") return lhs > *spec;
  // ~=X.Y.Z: >= X.Y.Z and == X.Y.*
  const auto& parts = spec->release().parts();
  if (parts.size() < 2) return false;
  if (lhs < *spec) return false;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i)
    if (lhs.release().part(i) != parts[i]) return false;
  return true;
}

}  // namespace

bool satisfies(std::string_view version, std::string_view specifiers, bool allow_pre) {
  auto v = Version::parse(version);
  if (!v) return false;
  bool names_pre = false;
  for (auto clause : str::split(specifiers, ',')) {
    if (str::trim(clause).empty()) continue;
    if (!one_clause(*v, clause, allow_pre, names_pre)) return false;
  }
  return !v->is_prerelease() || allow_pre || names_pre;
}

// ---- PEP 508 requirements ----

Expected<Requirement> parse_requirement(std::string_view text) {
  Requirement r;
  std::string_view body = text;
  if (auto semi = text.find(';'); semi != std::string_view::npos) {
    r.marker = std::string(str::trim(text.substr(semi + 1)));
    body = text.substr(0, semi);
  }
  body = str::trim(body);
  std::size_t i = 0;
  while (i < body.size() && (std::isalnum(static_cast<unsigned char>(body[i])) || body[i] == '-' ||
                             body[i] == '_' || body[i] == '.'))
    ++i;
  // PEP 508: a name starts and ends with a letter or digit ("--" is none).
  if (i == 0 || !std::isalnum(static_cast<unsigned char>(body[0])) ||
      !std::isalnum(static_cast<unsigned char>(body[i - 1])))
    return make_error(ErrorKind::kUsage,
                      "cannot read the requirement \"" + std::string(text) + "\"");
  r.name = normalize_name(body.substr(0, i));
  std::string_view rest = str::trim(body.substr(i));
  if (str::starts_with(rest, "[")) {
    auto close = rest.find(']');
    if (close == std::string_view::npos)
      return make_error(ErrorKind::kUsage,
                        "unclosed [ in the requirement \"" + std::string(text) + "\"");
    for (auto e : str::split(rest.substr(1, close - 1), ','))
      if (!str::trim(e).empty()) r.extras.insert(normalize_name(str::trim(e)));
    rest = str::trim(rest.substr(close + 1));
  }
  if (str::starts_with(rest, "@"))
    return make_error(ErrorKind::kUsage,
                      "the requirement \"" + std::string(text) +
                          "\" names a URL; torchup resolves index requirements only");
  if (str::starts_with(rest, "(")) {
    if (!str::ends_with(rest, ")"))
      return make_error(ErrorKind::kUsage,
                        "unclosed ( in the requirement \"" + std::string(text) + "\"");
    rest = str::trim(rest.substr(1, rest.size() - 2));
  }
  std::string specs;
  for (char c : rest)
    if (!std::isspace(static_cast<unsigned char>(c))) specs += c;
  r.specifiers = specs;
  return r;
}

// ---- PEP 508 markers ----

namespace {

struct MarkerParser {
  std::string_view s;
  std::size_t i = 0;
  const std::map<std::string, std::string>& env;
  const std::set<std::string>& extras;
  std::string error;

  void skip() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool eat(std::string_view word) {
    skip();
    if (s.substr(i, word.size()) != word) return false;
    // words must end at a boundary
    if (std::isalpha(static_cast<unsigned char>(word.back())) && i + word.size() < s.size() &&
        (std::isalnum(static_cast<unsigned char>(s[i + word.size()])) || s[i + word.size()] == '_'))
      return false;
    i += word.size();
    return true;
  }
  // A value: a quoted string or a variable. `is_extra` says it was the `extra` variable.
  std::optional<std::string> value(bool& is_var, bool& is_extra) {
    skip();
    is_var = is_extra = false;
    if (i >= s.size()) return std::nullopt;
    if (s[i] == '"' || s[i] == '\'') {
      const char q = s[i++];
      auto end = s.find(q, i);
      if (end == std::string_view::npos) return std::nullopt;
      std::string v(s.substr(i, end - i));
      i = end + 1;
      return v;
    }
    std::size_t start = i;
    while (i < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '.'))
      ++i;
    std::string name(s.substr(start, i - start));
    if (name.empty()) return std::nullopt;
    is_var = true;
    if (name == "extra") {
      is_extra = true;
      return std::string();
    }
    // os.name, sys.platform, platform.version: PEP 345's spellings.
    for (auto& c : name)
      if (c == '.') c = '_';
    auto it = env.find(name);
    if (it == env.end()) {
      error = "unknown marker variable " + name;
      return std::nullopt;
    }
    return it->second;
  }
  std::optional<std::string> op() {
    skip();
    for (std::string_view o : {"===", "==", "!=", "<=", ">=", "~=", "<", ">"}) {
      if (s.substr(i, o.size()) == o) {
        i += o.size();
        return std::string(o);
      }
    }
    if (eat("in")) return std::string("in");
    std::size_t save = i;
    if (eat("not") && eat("in")) return std::string("not in");
    i = save;
    return std::nullopt;
  }
  static bool compare(const std::string& l, const std::string& o, const std::string& r) {
    if (o == "in") return r.find(l) != std::string::npos;
    if (o == "not in") return r.find(l) == std::string::npos;
    if (o == "===") return l == r;
    if (Version::parse(l) && Version::parse(r)) return satisfies(l, o + r, true);
    if (o == "==") return l == r;
    if (o == "!=") return l != r;
    if (o == "<") return l < r;
    if (o == "<=") return l <= r;
    if (o == ">") return l > r;
    if (o == ">=") return l >= r;
    return false;
  }
  std::optional<bool> atom() {
    skip();
    if (i < s.size() && s[i] == '(') {
      ++i;
      auto v = expr();
      skip();
      if (!v || i >= s.size() || s[i] != ')') return std::nullopt;
      ++i;
      return v;
    }
    bool lvar = false, lextra = false, rvar = false, rextra = false;
    auto l = value(lvar, lextra);
    if (!l) return std::nullopt;
    auto o = op();
    if (!o) {
      if (error.empty()) error = "no operator";
      return std::nullopt;
    }
    auto r = value(rvar, rextra);
    if (!r) return std::nullopt;
    if (lextra || rextra) {
      const std::string other = normalize_name(lextra ? *r : *l);
      const bool has = extras.count(other) > 0;
      if (*o == "==") return has;
      if (*o == "!=") return !has;
      return false;
    }
    return compare(*l, *o, *r);
  }
  std::optional<bool> conj() {
    auto v = atom();
    while (v) {
      std::size_t save = i;
      if (!eat("and")) {
        i = save;
        break;
      }
      auto r = atom();
      if (!r) return std::nullopt;
      v = *v && *r;
    }
    return v;
  }
  std::optional<bool> expr() {
    auto v = conj();
    while (v) {
      std::size_t save = i;
      if (!eat("or")) {
        i = save;
        break;
      }
      auto r = conj();
      if (!r) return std::nullopt;
      v = *v || *r;
    }
    return v;
  }
};

}  // namespace

Expected<bool> evaluate_marker(std::string_view marker,
                               const std::map<std::string, std::string>& env,
                               const std::set<std::string>& extras) {
  if (str::trim(marker).empty()) return true;
  MarkerParser p{marker, 0, env, extras, {}};
  auto v = p.expr();
  p.skip();
  if (!v || p.i != marker.size()) {
    return make_error(ErrorKind::kParse, "cannot read the marker \"" + std::string(marker) + "\"" +
                                             (p.error.empty() ? "" : ": " + p.error));
  }
  return *v;
}

std::vector<std::string> requires_dist(std::string_view metadata) {
  std::vector<std::string> out;
  std::string* current = nullptr;
  for (auto line : str::lines(metadata)) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the body (the description) follows the headers
    if (line.front() == ' ' || line.front() == '\t') {
      if (current) *current += " " + std::string(str::trim(line));
      continue;
    }
    current = nullptr;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (str::to_lower(line.substr(0, colon)) == "requires-dist") {
      out.emplace_back(str::trim(line.substr(colon + 1)));
      current = &out.back();
    }
  }
  return out;
}

// ---- PEP 503 pages ----

namespace {

std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    auto semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    std::optional<unsigned long> code;
    if (ent == "amp")
      code = '&';
    else if (ent == "lt")
      code = '<';
    else if (ent == "gt")
      code = '>';
    else if (ent == "quot")
      code = '"';
    else if (ent == "apos")
      code = '\'';
    else if (str::starts_with(ent, "#x") || str::starts_with(ent, "#X"))
      code = str::parse_hex(ent.substr(2));
    else if (str::starts_with(ent, "#")) {
      if (auto n = str::parse_int(ent.substr(1))) code = static_cast<unsigned long>(*n);
    }
    if (!code || *code > 0x7f) {  // ASCII only: names and specifiers
      out += s[i];
      continue;
    }
    out += static_cast<char>(*code);
    i = semi;
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      if (auto v = str::parse_hex(s.substr(i + 1, 2))) {
        out += static_cast<char>(*v);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// "https://h/simple/torch/" + "../../files/x.whl" -> absolute.
std::string resolve_url(const std::string& base, const std::string& href) {
  if (href.find("://") != std::string::npos) return href;
  const auto scheme_end = base.find("://");
  if (scheme_end == std::string::npos) return href;
  const auto host_end = base.find('/', scheme_end + 3);
  const std::string origin = host_end == std::string::npos ? base : base.substr(0, host_end);
  if (str::starts_with(href, "//")) return base.substr(0, scheme_end + 1) + href;
  if (str::starts_with(href, "/")) return origin + href;
  std::string dir = host_end == std::string::npos ? "/" : base.substr(host_end);
  dir = dir.substr(0, dir.rfind('/') + 1);
  std::vector<std::string> parts;
  const std::string joined = dir + href;  // str::split's views point into it
  for (auto p : str::split(joined, '/')) {
    if (p == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (p != "." && !p.empty()) {
      parts.emplace_back(p);
    }
  }
  return origin + "/" + str::join(parts, "/");
}

// The attributes of one start tag's text ("a href=... data-x").
std::map<std::string, std::string> attributes(std::string_view tag, bool& present_yanked) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (i < tag.size()) {
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    std::size_t start = i;
    while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i])) && tag[i] != '=')
      ++i;
    std::string name = str::to_lower(tag.substr(start, i - start));
    if (name.empty()) {
      ++i;
      continue;
    }
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    std::string value;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
      if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
        const char q = tag[i++];
        auto end = tag.find(q, i);
        if (end == std::string_view::npos) end = tag.size();
        value = unescape(tag.substr(i, end - i));
        i = end + 1;
      } else {
        start = i;
        while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
        value = unescape(tag.substr(start, i - start));
      }
    }
    if (name == "data-yanked") present_yanked = true;
    out[name] = value;
  }
  return out;
}

std::optional<std::string> sha256_of_fragment(std::string_view fragment) {
  for (auto part : str::split(fragment, '&')) {
    if (str::starts_with(part, "sha256=")) {
      std::string hex = str::to_lower(part.substr(7));
      if (hex.size() == 64 && hex.find_first_not_of("0123456789abcdef") == std::string::npos)
        return hex;
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<IndexFile> parse_index_page(std::string_view html, const std::string& page_url) {
  std::vector<IndexFile> out;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (i + 2 >= html.size() || std::tolower(static_cast<unsigned char>(html[i + 1])) != 'a' ||
        !std::isspace(static_cast<unsigned char>(html[i + 2]))) {
      ++i;
      continue;
    }
    auto close = html.find('>', i);
    if (close == std::string_view::npos) break;
    bool yanked = false;
    auto attrs = attributes(html.substr(i + 2, close - i - 2), yanked);
    auto end = html.find("</", close);
    std::string text(str::trim(
        html.substr(close + 1, (end == std::string_view::npos ? html.size() : end) - close - 1)));
    i = close + 1;
    auto href = attrs.find("href");
    if (href == attrs.end() || href->second.empty()) continue;
    IndexFile f;
    std::string url = href->second;
    if (auto hash = url.find('#'); hash != std::string::npos) {
      f.sha256 = sha256_of_fragment(std::string_view(url).substr(hash + 1));
      url.resize(hash);
    }
    f.url = resolve_url(page_url, url);
    std::string last = url.substr(url.rfind('/') + 1);
    f.file_name = percent_decode(text.empty() || text.find('<') != std::string::npos ? last : text);
    if (!str::ends_with(f.file_name, ".whl") && !str::ends_with(f.file_name, ".tar.gz") &&
        !str::ends_with(f.file_name, ".zip")) {
      f.file_name = percent_decode(last);
      if (!str::ends_with(f.file_name, ".whl") && !str::ends_with(f.file_name, ".tar.gz") &&
          !str::ends_with(f.file_name, ".zip"))
        continue;
    }
    if (auto rp = attrs.find("data-requires-python"); rp != attrs.end())
      f.requires_python = rp->second;
    for (const char* key : {"data-core-metadata", "data-dist-info-metadata"}) {
      auto m = attrs.find(key);
      if (m == attrs.end() || m->second == "false") continue;
      f.has_metadata = true;
      if (!f.metadata_sha256) f.metadata_sha256 = sha256_of_fragment(m->second);
    }
    f.yanked = yanked;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace torchup::act
