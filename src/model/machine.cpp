#include "model/machine.h"

#include <nlohmann/json.hpp>

namespace torchup::model {

using nlohmann::json;

namespace {

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

// Field readers that collect the first type error with its path.
struct Reader {
  std::string error;

  const json* field(const json& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
  }
  void fail(const std::string& path, const char* expected) {
    if (error.empty()) error = path + ": expected " + expected;
  }
  std::string str(const json& obj, const char* key, const std::string& path) {
    auto* v = field(obj, key);
    if (!v) return {};
    if (!v->is_string()) {
      fail(path + "." + key, "a string");
      return {};
    }
    return v->get<std::string>();
  }
  std::optional<std::string> ostr(const json& obj, const char* key, const std::string& path) {
    auto* v = field(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      fail(path + "." + key, "a string or null");
      return std::nullopt;
    }
    return v->get<std::string>();
  }
  bool boolean(const json& obj, const char* key, const std::string& path) {
    auto* v = field(obj, key);
    if (!v) return false;
    if (!v->is_boolean()) {
      fail(path + "." + key, "true or false");
      return false;
    }
    return v->get<bool>();
  }
  const json* array(const json& obj, const char* key, const std::string& path) {
    auto* v = field(obj, key);
    if (!v) return nullptr;
    if (!v->is_array()) {
      fail(path + "." + key, "an array");
      return nullptr;
    }
    return v;
  }
  const json* object(const json& obj, const char* key, const std::string& path) {
    auto* v = field(obj, key);
    if (!v) return nullptr;
    if (!v->is_object()) {
      fail(path + "." + key, "an object or null");
      return nullptr;
    }
    return v;
  }
};

}  // namespace

json to_json(const Machine& m) {
  json j;
  j["schema"] = kMachineSchema;
  j["os"] = {{"family", m.os.family}, {"name", m.os.name},        {"version", m.os.version},
             {"arch", m.os.arch},     {"glibc", opt(m.os.glibc)}, {"wsl", m.os.wsl}};
  j["gpus"] = json::array();
  for (const auto& g : m.gpus) {
    j["gpus"].push_back({{"vendor", g.vendor},
                         {"name", g.name},
                         {"pci_id", opt(g.pci_id)},
                         {"compute_capability", opt(g.compute_capability)},
                         {"gfx_target", opt(g.gfx_target)},
                         {"source", g.source}});
  }
  if (m.nvidia) {
    j["nvidia"] = {{"driver_version", m.nvidia->driver_version},
                   {"max_cuda", opt(m.nvidia->max_cuda)},
                   {"source", m.nvidia->source}};
  } else {
    j["nvidia"] = nullptr;
  }
  j["rocm"] = m.rocm ? json{{"version", m.rocm->version}} : json(nullptr);
  j["cuda_toolkits"] = json::array();
  for (const auto& t : m.cuda_toolkits) {
    j["cuda_toolkits"].push_back({{"version", t.version}, {"path", t.path}});
  }
  j["pythons"] = json::array();
  for (const auto& p : m.pythons) {
    json pj = {{"path", p.path},
               {"version", p.version},
               {"bits", p.bits},
               {"active", p.active},
               {"externally_managed", p.externally_managed}};
    if (p.torch) {
      pj["torch"] = {{"version", p.torch->version},
                     {"cuda", opt(p.torch->cuda)},
                     {"hip", opt(p.torch->hip)},
                     {"location", p.torch->location}};
    } else {
      pj["torch"] = nullptr;
    }
    j["pythons"].push_back(std::move(pj));
  }
  j["warnings"] = nlohmann::json::array();
  for (const auto& w : m.warnings) j["warnings"].push_back(w.str());
  return j;
}

Expected<Machine> machine_from_json(const json& j) {
  if (!j.is_object()) {
    return make_error(ErrorKind::kParse,
                      "machine profile: expected a JSON object at the top level");
  }
  Reader r;
  Machine m;
  if (auto schema = r.ostr(j, "schema", "$"); schema && *schema != kMachineSchema) {
    return make_error(ErrorKind::kParse, "machine profile: schema is \"" + *schema +
                                             "\", expected \"" + kMachineSchema + "\"");
  }
  if (auto* os = r.object(j, "os", "$")) {
    m.os.family = r.str(*os, "family", "os");
    m.os.name = r.str(*os, "name", "os");
    m.os.version = r.str(*os, "version", "os");
    m.os.arch = r.str(*os, "arch", "os");
    m.os.glibc = r.ostr(*os, "glibc", "os");
    m.os.wsl = r.boolean(*os, "wsl", "os");
  }
  if (auto* gpus = r.array(j, "gpus", "$")) {
    for (std::size_t i = 0; i < gpus->size(); ++i) {
      const json& g = (*gpus)[i];
      std::string path = "gpus[" + std::to_string(i) + "]";
      if (!g.is_object()) {
        r.fail(path, "an object");
        continue;
      }
      Gpu gpu;
      gpu.vendor = r.str(g, "vendor", path);
      gpu.name = r.str(g, "name", path);
      gpu.pci_id = r.ostr(g, "pci_id", path);
      gpu.compute_capability = r.ostr(g, "compute_capability", path);
      gpu.gfx_target = r.ostr(g, "gfx_target", path);
      gpu.source = r.str(g, "source", path);
      m.gpus.push_back(std::move(gpu));
    }
  }
  if (auto* nv = r.object(j, "nvidia", "$")) {
    NvidiaDriver d;
    d.driver_version = r.str(*nv, "driver_version", "nvidia");
    d.max_cuda = r.ostr(*nv, "max_cuda", "nvidia");
    d.source = r.str(*nv, "source", "nvidia");
    if (d.source.empty()) d.source = "profile";
    m.nvidia = std::move(d);
  }
  if (auto* rocm = r.object(j, "rocm", "$")) {
    m.rocm = Rocm{r.str(*rocm, "version", "rocm")};
  }
  if (auto* kits = r.array(j, "cuda_toolkits", "$")) {
    for (std::size_t i = 0; i < kits->size(); ++i) {
      std::string path = "cuda_toolkits[" + std::to_string(i) + "]";
      m.cuda_toolkits.push_back(
          {r.str((*kits)[i], "version", path), r.str((*kits)[i], "path", path)});
    }
  }
  if (auto* pys = r.array(j, "pythons", "$")) {
    for (std::size_t i = 0; i < pys->size(); ++i) {
      const json& p = (*pys)[i];
      std::string path = "pythons[" + std::to_string(i) + "]";
      if (!p.is_object()) {
        r.fail(path, "an object");
        continue;
      }
      Python py;
      py.path = r.str(p, "path", path);
      py.version = r.str(p, "version", path);
      if (auto* bits = r.field(p, "bits")) {
        if (bits->is_number_integer() && (bits->get<int>() == 32 || bits->get<int>() == 64)) {
          py.bits = bits->get<int>();
        } else {
          r.fail(path + ".bits", "32 or 64");
        }
      }
      py.active = r.boolean(p, "active", path);
      py.externally_managed = r.boolean(p, "externally_managed", path);
      if (auto* t = r.object(p, "torch", path)) {
        InstalledTorch torch;
        torch.version = r.str(*t, "version", path + ".torch");
        torch.cuda = r.ostr(*t, "cuda", path + ".torch");
        torch.hip = r.ostr(*t, "hip", path + ".torch");
        torch.location = r.str(*t, "location", path + ".torch");
        py.torch = std::move(torch);
      }
      m.pythons.push_back(std::move(py));
    }
  }
  if (auto* w = r.array(j, "warnings", "$")) {
    for (const auto& item : *w) {
      if (item.is_string()) m.warnings.push_back(item.get<std::string>());
    }
  }
  if (!r.error.empty()) return make_error(ErrorKind::kParse, "machine profile: " + r.error);
  return m;
}

Expected<Machine> machine_from_text(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    return make_error(ErrorKind::kParse, "machine profile: not valid JSON");
  }
  return machine_from_json(j);
}

}  // namespace torchup::model
