// Parses the probe's marker line. Written defensively: the text comes from a
// program we do not control (a wrong interpreter, a broken site hook, a fake),
// so every field is type-checked and every failure is an Error, never a throw.
#include <nlohmann/json.hpp>

#include "act/verify_probe.h"
#include "util/strings.h"

namespace torchup::act {

namespace {

using nlohmann::json;

Error bad(const std::string& what) {
  return make_error(ErrorKind::kParse, "probe output: " + what);
}

// Reads an optional string field: absent or null -> nullopt; another type -> error.
bool opt_string(const json& obj, const char* key, std::optional<std::string>& out,
                std::string& problem, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_string()) {
    problem = where + key + ": expected a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

bool req_string(const json& obj, const char* key, std::string& out, std::string& problem,
                const std::string& where) {
  std::optional<std::string> value;
  if (!opt_string(obj, key, value, problem, where)) return false;
  if (!value) {
    problem = where + key + ": missing";
    return false;
  }
  out = *value;
  return true;
}

bool opt_bool(const json& obj, const char* key, bool& out, std::string& problem,
              const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_boolean()) {
    problem = where + key + ": expected true or false";
    return false;
  }
  out = it->get<bool>();
  return true;
}

bool string_list(const json& obj, const char* key, std::vector<std::string>& out,
                 std::string& problem, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_array()) {
    problem = where + key + ": expected a list";
    return false;
  }
  for (const auto& item : *it) {
    if (!item.is_string()) {
      problem = where + key + ": expected a list of strings";
      return false;
    }
    out.push_back(item.get<std::string>());
  }
  return true;
}

bool parse_package(const json& root, const char* key, ProbePackage& out, std::string& problem) {
  auto it = root.find(key);
  if (it == root.end() || it->is_null()) return true;
  std::string where = std::string(key) + ".";
  if (!it->is_object()) {
    problem = std::string(key) + ": expected an object";
    return false;
  }
  return opt_bool(*it, "installed", out.installed, problem, where) &&
         opt_string(*it, "version", out.version, problem, where) &&
         opt_string(*it, "error", out.error, problem, where);
}

bool parse_gpu(const json& g, ProbeGpu& gpu, std::string& problem, const std::string& where) {
  if (!g.is_object()) {
    problem = where + ": expected an object";
    return false;
  }
  std::string w = where + ".";
  if (auto it = g.find("index"); it != g.end() && it->is_number_integer()) {
    gpu.index = static_cast<int>(it->get<long long>());
  }
  if (auto it = g.find("total_memory"); it != g.end() && it->is_number_integer()) {
    gpu.total_memory = it->get<long long>();
  }
  if (auto it = g.find("matmul_max_diff"); it != g.end() && it->is_number()) {
    gpu.matmul_max_diff = it->get<double>();
  }
  if (auto it = g.find("matmul_ok"); it != g.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      problem = w + "matmul_ok: expected true or false";
      return false;
    }
    gpu.matmul_ok = it->get<bool>();
  }
  std::optional<std::string> name;
  if (!opt_string(g, "name", name, problem, w)) return false;
  gpu.name = name.value_or("");
  return opt_string(g, "capability", gpu.capability, problem, w) &&
         opt_string(g, "gcn_arch", gpu.gcn_arch, problem, w) &&
         opt_string(g, "error", gpu.error, problem, w);
}

bool parse_torch(const json& t, ProbeTorch& torch, std::string& problem) {
  const std::string w = "torch.";
  if (!req_string(t, "version", torch.version, problem, w)) return false;
  std::optional<std::string> location;
  if (!opt_string(t, "location", location, problem, w)) return false;
  torch.location = location.value_or("");
  if (!opt_string(t, "cuda", torch.cuda, problem, w) ||
      !opt_string(t, "hip", torch.hip, problem, w) ||
      !opt_bool(t, "xpu_available", torch.xpu_available, problem, w) ||
      !opt_bool(t, "mps_available", torch.mps_available, problem, w) ||
      !opt_string(t, "rand", torch.rand_text, problem, w) ||
      !opt_string(t, "rand_error", torch.rand_error, problem, w) ||
      !opt_bool(t, "cuda_available", torch.cuda_available, problem, w) ||
      !opt_string(t, "cuda_error", torch.cuda_error, problem, w) ||
      !string_list(t, "arch_list", torch.arch_list, problem, w) ||
      !opt_string(t, "driver_cuda", torch.driver_cuda, problem, w)) {
    return false;
  }
  if (auto it = t.find("device_count"); it != t.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 1024) {
      problem = "torch.device_count: expected a small non-negative integer";
      return false;
    }
    torch.device_count = static_cast<int>(it->get<long long>());
  }
  if (auto it = t.find("gpus"); it != t.end() && !it->is_null()) {
    if (!it->is_array()) {
      problem = "torch.gpus: expected a list";
      return false;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      ProbeGpu gpu;
      if (!parse_gpu((*it)[i], gpu, problem, "torch.gpus[" + std::to_string(i) + "]")) {
        return false;
      }
      torch.gpus.push_back(std::move(gpu));
    }
  }
  return true;
}

}  // namespace

Expected<ProbeOutput> parse_probe_output(const std::string& stdout_text) {
  // The last marker wins: anything printed before it (warnings, banners) is noise.
  std::size_t pos = stdout_text.rfind(kProbeMarker);
  if (pos == std::string::npos) return bad("no result line (the probe did not finish)");
  std::size_t start = pos + std::string_view(kProbeMarker).size();
  std::size_t end = stdout_text.find('\n', start);
  std::string payload = stdout_text.substr(start, end == std::string::npos ? end : end - start);

  json root = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return bad("the result line is not valid JSON");
  if (!root.is_object()) return bad("the result is not a JSON object");
  auto schema = root.find("schema");
  if (schema == root.end() || !schema->is_string() || schema->get<std::string>() != kProbeSchema) {
    return bad(std::string("unknown schema (expected ") + kProbeSchema + ")");
  }

  ProbeOutput out;
  std::string problem;
  auto py = root.find("python");
  if (py == root.end() || !py->is_object()) return bad("python: missing");
  if (!req_string(*py, "executable", out.python_executable, problem, "python.") ||
      !req_string(*py, "version", out.python_version, problem, "python.")) {
    return bad(problem);
  }
  if (auto bits = py->find("bits"); bits != py->end() && bits->is_number_integer()) {
    out.python_bits = static_cast<int>(bits->get<long long>());
  }
  if (!string_list(root, "torch_locations", out.torch_locations, problem, "") ||
      !string_list(root, "torch_dists", out.torch_dists, problem, "") ||
      !string_list(root, "warnings", out.warnings, problem, "")) {
    return bad(problem);
  }

  if (auto ie = root.find("import_error"); ie != root.end() && !ie->is_null()) {
    if (!ie->is_object()) return bad("import_error: expected an object");
    ProbeImportError error;
    std::optional<std::string> tb;
    if (!req_string(*ie, "type", error.type, problem, "import_error.") ||
        !req_string(*ie, "message", error.message, problem, "import_error.") ||
        !opt_string(*ie, "traceback", tb, problem, "import_error.")) {
      return bad(problem);
    }
    error.traceback = tb.value_or("");
    out.import_error = std::move(error);
  }
  if (auto t = root.find("torch"); t != root.end() && !t->is_null()) {
    if (!t->is_object()) return bad("torch: expected an object");
    ProbeTorch torch;
    if (!parse_torch(*t, torch, problem)) return bad(problem);
    out.torch = std::move(torch);
  }
  if (!out.torch && !out.import_error) return bad("neither torch nor import_error is set");
  if (!parse_package(root, "torchvision", out.torchvision, problem) ||
      !parse_package(root, "torchaudio", out.torchaudio, problem)) {
    return bad(problem);
  }
  return out;
}

}  // namespace torchup::act
