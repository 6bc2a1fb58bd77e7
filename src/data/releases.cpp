// Parsers for torch-releases.json, rocm-gfx.json and platform-facts.json.
// Every error names the file, the JSON path and the problem; nothing throws
// (json::parse is called with exceptions off, fields are type-checked first).
#include "data/releases.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "util/strings.h"

namespace torchup::data {

using nlohmann::json;

namespace {

constexpr const char* kReleasesFile = "torch-releases.json";
constexpr const char* kRocmFile = "rocm-gfx.json";
constexpr const char* kFactsFile = "platform-facts.json";

Error bad(const char* file, const std::string& path, const std::string& problem) {
  return make_error(ErrorKind::kParse, std::string(file) + ": " + path + ": " + problem);
}

Expected<json> parse_json(const char* file, const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return make_error(ErrorKind::kParse, std::string(file) + ": not valid JSON");
  if (!j.is_object()) return bad(file, "(top level)", "expected an object");
  return j;
}

// A list of strings, or nullopt for null/missing. Error on any other shape.
Expected<std::optional<std::vector<std::string>>> string_list(const char* file, const json& obj,
                                                              const std::string& key,
                                                              const std::string& path) {
  using Result = std::optional<std::vector<std::string>>;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Result{};
  if (!it->is_array()) return bad(file, path + key, "expected a list of strings or null");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_string()) {
      return bad(file, path + key + "[" + std::to_string(i) + "]", "expected a string");
    }
    out.push_back(v.get<std::string>());
  }
  return Result{std::move(out)};
}

// A string, the first of a list of strings, or nullopt.
Expected<std::optional<std::string>> first_string(const char* file, const json& obj,
                                                  const std::string& key, const std::string& path) {
  using Result = std::optional<std::string>;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Result{};
  if (it->is_string()) return Result{it->get<std::string>()};
  if (it->is_array() && !it->empty() && it->back().is_string()) {
    // The data lists [older pairing, newer pairing] where the page shows both
    // (1.10.x); the newer one is what pip resolves with that torch.
    return Result{it->back().get<std::string>()};
  }
  return bad(file, path + key, "expected a string, a list of strings or null");
}

Expected<TorchRelease> parse_release(const std::string& key, const json& v) {
  const std::string path = "versions." + key + ".";
  if (!v.is_object()) return bad(kReleasesFile, "versions." + key, "expected an object");
  TorchRelease r;
  r.version = key;
  auto parsed = Version::parse(key);
  if (!parsed) return bad(kReleasesFile, "versions." + key, "not a version number");
  r.parsed = *parsed;

  auto python = string_list(kReleasesFile, v, "python", path);
  if (!python) return python.error();
  r.python = *python;
  if (auto md = v.find("release_md"); md != v.end() && md->is_object()) {
    if (auto p = md->find("python"); p != md->end() && p->is_string()) r.python_range = p->get<std::string>();
  }
  auto tv = first_string(kReleasesFile, v, "torchvision", path);
  if (!tv) return tv.error();
  r.torchvision = *tv;
  auto ta = first_string(kReleasesFile, v, "torchaudio", path);
  if (!ta) return ta.error();
  r.torchaudio = *ta;
  // An optional list of strings: absent or null leaves `field` as it is.
  auto read_list = [&](const char* name, std::vector<std::string>& field) -> Status {
    auto list = string_list(kReleasesFile, v, name, path);
    if (!list) return list.error();
    if (*list) field = **list;
    return Ok{};
  };
  if (auto st = read_list("cuda_variants", r.cuda_variants); !st) return st.error();
  if (auto st = read_list("rocm_variants", r.rocm_variants); !st) return st.error();

  if (auto po = v.find("python_os"); po != v.end() && !po->is_null()) {
    if (!po->is_object()) return bad(kReleasesFile, path + "python_os", "expected an object or null");
    for (const auto& [os, list] : po->items()) {
      auto versions = string_list(kReleasesFile, *po, os, path + "python_os.");
      if (!versions) return versions.error();
      if (!*versions) return bad(kReleasesFile, path + "python_os." + os, "expected a list of strings");
      r.python_os[os] = **versions;
    }
  }
  if (auto st = read_list("torch_only_python", r.torch_only_python); !st) return st.error();
  if (auto st = read_list("sources", r.sources); !st) return st.error();

  for (const auto& variant : r.cuda_variants) {
    if (!str::starts_with(variant, "cu") || !str::parse_int(variant.substr(2))) {
      return bad(kReleasesFile, path + "cuda_variants", "'" + variant + "' is not a cuXYZ name");
    }
  }
  // arch_lists: Linux x86_64 (and Windows); arch_lists_aarch64: Linux aarch64 (sbsa) wheels.
  for (const char* field : {"arch_lists", "arch_lists_aarch64"}) {
    auto& lists = std::string_view(field) == "arch_lists" ? r.arch_lists : r.arch_lists_aarch64;
    auto al = v.find(field);
    if (al == v.end() || al->is_null()) continue;
    if (!al->is_object()) return bad(kReleasesFile, path + field, "expected an object or null");
    for (const auto& [variant, list] : al->items()) {
      const std::string lpath = path + field + "." + variant;
      if (list.is_null()) {
        lists[variant] = std::nullopt;
        continue;
      }
      if (!list.is_array()) return bad(kReleasesFile, lpath, "expected a list of archs or null");
      std::vector<CudaArch> archs;
      for (std::size_t i = 0; i < list.size(); ++i) {
        auto a = list[i].is_string() ? parse_cuda_arch(list[i].get<std::string>()) : std::nullopt;
        if (!a) {
          return bad(kReleasesFile, lpath + "[" + std::to_string(i) + "]",
                     "expected an arch like \"8.6\" or \"12.0+PTX\"");
        }
        archs.push_back(*a);
      }
      lists[variant] = std::move(archs);
    }
  }
  return r;
}

std::vector<std::string> prefixed(const std::vector<std::string>& versions, const std::string& prefix,
                                  bool drop_dot) {
  std::vector<std::string> out;
  for (const auto& v : versions) {
    std::string s = v;
    if (drop_dot) s.erase(std::remove(s.begin(), s.end(), '.'), s.end());
    out.push_back(prefix + s);
  }
  return out;
}

}  // namespace

std::string CudaArch::str() const { return capability.str() + (ptx ? "+PTX" : ""); }

std::optional<CudaArch> parse_cuda_arch(const std::string& text) {
  std::string_view s = text;
  CudaArch arch;
  if (str::ends_with(s, "+PTX")) {
    arch.ptx = true;
    s.remove_suffix(4);
  }
  auto cc = DottedVersion::parse(s);
  if (!cc || cc->parts().size() != 2) return std::nullopt;
  arch.capability = *cc;
  return arch;
}

const TorchRelease* ReleaseData::find(const std::string& version) const {
  auto wanted = Version::parse(version);
  for (const auto& r : releases) {
    if (r.version == version || (wanted && r.parsed == *wanted)) return &r;
  }
  return nullptr;
}

Expected<ReleaseData> parse_torch_releases(const std::string& text) {
  auto j = parse_json(kReleasesFile, text);
  if (!j) return j.error();
  auto versions = j->find("versions");
  if (versions == j->end() || !versions->is_object() || versions->empty()) {
    return bad(kReleasesFile, "versions", "missing or empty (expected an object of releases)");
  }
  ReleaseData data;
  for (const auto& [key, value] : versions->items()) {
    auto r = parse_release(key, value);
    if (!r) return r.error();
    data.releases.push_back(std::move(*r));
  }
  std::sort(data.releases.begin(), data.releases.end(),
            [](const TorchRelease& a, const TorchRelease& b) { return a.parsed < b.parsed; });

  for (const auto& [key, value] : j->items()) {
    if (!str::starts_with(key, "main_branch_build_cuda_sh") || !value.is_object()) continue;
    data.fallback_arch_source = "pytorch main build_cuda.sh@" + key.substr(key.rfind('_') + 1);
    for (const auto& [variant, list] : value.items()) {
      if (!str::starts_with(variant, "cu") || variant.find('_') != std::string::npos || !list.is_array()) continue;
      std::vector<CudaArch> archs;
      for (std::size_t i = 0; i < list.size(); ++i) {
        auto a = list[i].is_string() ? parse_cuda_arch(list[i].get<std::string>()) : std::nullopt;
        if (!a) return bad(kReleasesFile, key + "." + variant + "[" + std::to_string(i) + "]", "expected an arch");
        archs.push_back(*a);
      }
      data.fallback_arch_lists[variant] = std::move(archs);
    }
  }
  if (auto n = j->find("nightly_test_infra_head"); n != j->end() && n->is_object()) {
    const std::string path = "nightly_test_infra_head.";
    auto python = string_list(kReleasesFile, *n, "python", path);
    auto cuda = string_list(kReleasesFile, *n, "cuda", path);
    auto rocm = string_list(kReleasesFile, *n, "rocm", path);
    auto no_gs = string_list(kReleasesFile, *n, "cuda_no_getting_started", path);
    auto no_win = string_list(kReleasesFile, *n, "cuda_no_windows", path);
    for (const auto* e : {&python, &cuda, &rocm, &no_gs, &no_win}) {
      if (!*e) return e->error();
    }
    if (*python) data.nightly.python = **python;
    std::vector<std::string> cuda_versions;
    for (const auto& c : cuda->value_or(std::vector<std::string>{})) {
      auto skip = no_gs->value_or(std::vector<std::string>{});
      // Not on the getting-started page (test-infra CUDA_ARCHES_NO_GETTING_STARTED).
      if (std::find(skip.begin(), skip.end(), c) == skip.end()) cuda_versions.push_back(c);
    }
    data.nightly.cuda_variants = prefixed(cuda_versions, "cu", true);
    data.nightly.rocm_variants = prefixed(rocm->value_or(std::vector<std::string>{}), "rocm", false);
    data.nightly.cuda_no_windows = prefixed(no_win->value_or(std::vector<std::string>{}), "cu", true);
  }
  return data;
}

Expected<ReleaseData> load_releases(DataStore& store) {
  return store.load<ReleaseData>(kReleasesFile, parse_torch_releases);
}

const std::vector<std::string>* RocmGfxTable::targets(const std::string& rocm_variant) const {
  auto it = gfx.find(rocm_variant);
  if (it == gfx.end() || !it->second) return nullptr;
  return &*it->second;
}

Expected<RocmGfxTable> parse_rocm_gfx(const std::string& text) {
  auto j = parse_json(kRocmFile, text);
  if (!j) return j.error();
  auto rocm = j->find("rocm");
  if (rocm == j->end() || !rocm->is_object()) return bad(kRocmFile, "rocm", "missing (expected an object)");
  RocmGfxTable table;
  for (const auto& [variant, entry] : rocm->items()) {
    if (!str::starts_with(variant, "rocm")) {
      return bad(kRocmFile, "rocm." + variant, "variant names start with 'rocm'");
    }
    if (!entry.is_object()) return bad(kRocmFile, "rocm." + variant, "expected an object");
    auto list = string_list(kRocmFile, entry, "gfx", "rocm." + variant + ".");
    if (!list) return list.error();
    if (*list) {
      for (const auto& g : **list) {
        if (!str::starts_with(g, "gfx")) return bad(kRocmFile, "rocm." + variant + ".gfx", "'" + g + "' is not a gfx name");
      }
    }
    table.gfx[variant] = *list;
  }
  return table;
}

Expected<RocmGfxTable> load_rocm_gfx(DataStore& store) {
  return store.load<RocmGfxTable>(kRocmFile, parse_rocm_gfx);
}

std::optional<DottedVersion> PlatformFacts::glibc_for(const Version& torch) const {
  for (const auto& f : glibc_floors) {
    if (torch >= f.from_torch) return f.glibc;
  }
  return std::nullopt;
}

namespace {

Expected<const json*> fact(const json& facts, const std::string& name) {
  auto it = facts.find(name);
  if (it == facts.end() || !it->is_object() || !it->contains("value")) {
    return bad(kFactsFile, "facts." + name, "missing (expected an object with a 'value')");
  }
  if (!it->contains("source") && !(*it)["value"].is_array()) {
    return bad(kFactsFile, "facts." + name, "has no 'source'");
  }
  return &*it;
}

Expected<Version> fact_version(const json& facts, const std::string& name, const std::string& field) {
  auto f = fact(facts, name);
  if (!f) return f.error();
  const json& v = (**f)[field];
  auto parsed = v.is_string() ? Version::parse(v.get<std::string>()) : std::nullopt;
  if (!parsed) return bad(kFactsFile, "facts." + name + "." + field, "expected a version string");
  return *parsed;
}

Expected<std::vector<std::string>> fact_list(const json& facts, const std::string& name,
                                             const std::string& field) {
  auto f = fact(facts, name);
  if (!f) return f.error();
  auto list = string_list(kFactsFile, **f, field, "facts." + name + ".");
  if (!list) return list.error();
  if (!*list) return bad(kFactsFile, "facts." + name + "." + field, "expected a list of strings");
  return **list;
}

}  // namespace

Expected<PlatformFacts> parse_platform_facts(const std::string& text) {
  auto j = parse_json(kFactsFile, text);
  if (!j) return j.error();
  auto facts_it = j->find("facts");
  if (facts_it == j->end() || !facts_it->is_object()) return bad(kFactsFile, "facts", "missing (expected an object)");
  const json& facts = *facts_it;
  PlatformFacts out;

  auto bits = fact(facts, "python_bits");
  if (!bits) return bits.error();
  if (!(**bits)["value"].is_number_integer()) return bad(kFactsFile, "facts.python_bits.value", "expected an integer");
  out.python_bits = (**bits)["value"].get<int>();

  auto mac = fact_version(facts, "macos_x86_64_last_torch", "value");
  auto mps = fact_version(facts, "mps_first_torch", "value");
  auto xpu = fact_version(facts, "xpu_first_torch", "value");
  for (const auto* e : {&mac, &mps, &xpu}) {
    if (!*e) return e->error();
  }
  out.macos_x86_64_last_torch = *mac;
  out.mps_first_torch = *mps;
  out.xpu_first_torch = *xpu;
  // fact_version above proved the fact exists; its "min_macos" may not (operator[] on a
  // const json with a missing key is undefined behaviour: the fuzzer found it).
  auto mps_fact = fact(facts, "mps_first_torch");
  const json min_macos = (*mps_fact)->value("min_macos", json());
  auto macos = min_macos.is_string() ? DottedVersion::parse(min_macos.get<std::string>()) : std::nullopt;
  if (!macos) return bad(kFactsFile, "facts.mps_first_torch.min_macos", "expected a version string");
  out.mps_min_macos = *macos;

  struct ListField {
    const char* name;
    const char* field;
    std::vector<std::string>* target;
  };
  for (const ListField& lf : {ListField{"xpu_first_torch", "os", &out.xpu_os},
                              ListField{"cuda_os", "value", &out.cuda_os},
                              ListField{"rocm_os", "value", &out.rocm_os},
                              ListField{"linux_arch", "value", &out.linux_arch},
                              ListField{"windows_arch", "value", &out.windows_arch}}) {
    auto list = fact_list(facts, lf.name, lf.field);
    if (!list) return list.error();
    *lf.target = std::move(*list);
  }

  auto glibc = fact(facts, "linux_glibc_min");
  if (!glibc) return glibc.error();
  const json& floors = (**glibc)["value"];
  if (!floors.is_array()) return bad(kFactsFile, "facts.linux_glibc_min.value", "expected a list");
  for (std::size_t i = 0; i < floors.size(); ++i) {
    const std::string path = "facts.linux_glibc_min.value[" + std::to_string(i) + "]";
    const json& f = floors[i];
    if (!f.is_object() || !f.contains("source")) return bad(kFactsFile, path, "expected an object with a 'source'");
    auto from = f.value("from_torch", json()).is_string() ? Version::parse(f["from_torch"].get<std::string>()) : std::nullopt;
    auto g = f.value("glibc", json()).is_string() ? DottedVersion::parse(f["glibc"].get<std::string>()) : std::nullopt;
    if (!from) return bad(kFactsFile, path + ".from_torch", "expected a version string");
    if (!g) return bad(kFactsFile, path + ".glibc", "expected a version string");
    out.glibc_floors.push_back({*from, *g});
  }
  std::sort(out.glibc_floors.begin(), out.glibc_floors.end(),
            [](const GlibcFloor& a, const GlibcFloor& b) { return a.from_torch > b.from_torch; });
  return out;
}

Expected<PlatformFacts> load_platform_facts(DataStore& store) {
  return store.load<PlatformFacts>(kFactsFile, parse_platform_facts);
}

}  // namespace torchup::data
