#include "detect/parse.h"

#include <algorithm>
#include <cctype>

#include "util/strings.h"

namespace torchup::detect {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A dotted numeric version at the start of s ("550.54.14"), or empty.
std::string leading_version(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (is_digit(s[i]) || (s[i] == '.' && i > 0 && i + 1 < s.size() && is_digit(s[i + 1])))) ++i;
  if (i == 0) return {};
  return std::string(s.substr(0, i));
}

// Like leading_version, but requires at least one dot.
std::optional<std::string> dotted(std::string_view s) {
  auto v = leading_version(s);
  if (v.empty() || v.find('.') == std::string::npos) return std::nullopt;
  return v;
}

std::optional<std::string> unquote_py(std::string_view v) {
  v = str::trim(v);
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"')) {
    auto close = v.find(v.front(), 1);
    if (close == std::string_view::npos) return std::nullopt;
    return std::string(v.substr(1, close - 1));
  }
  return std::nullopt;  // None, or anything that is not a string literal
}

// Value after "name ... =" on a Python assignment line (type annotations allowed).
std::optional<std::string> py_assignment(std::string_view text, std::string_view name) {
  for (auto line : str::lines(text)) {
    auto t = str::trim(line);
    if (!t.starts_with(name)) continue;
    auto rest = t.substr(name.size());
    if (!rest.empty() && (std::isalnum(static_cast<unsigned char>(rest[0])) || rest[0] == '_')) continue;
    auto eq = rest.find('=');
    if (eq == std::string_view::npos) continue;
    return unquote_py(rest.substr(eq + 1));
  }
  return std::nullopt;
}

}  // namespace

OsRelease parse_os_release(std::string_view text) {
  OsRelease r;
  r.id = str::key_value(text, "ID", '=').value_or("");
  r.name = str::key_value(text, "PRETTY_NAME", '=').value_or("");
  if (r.name.empty()) r.name = str::key_value(text, "NAME", '=').value_or("");
  r.version_id = str::key_value(text, "VERSION_ID", '=').value_or("");
  r.id = str::sanitize(r.id, 64);
  r.name = str::sanitize(r.name, 120);
  r.version_id = str::sanitize(r.version_id, 64);
  return r;
}

bool is_wsl_kernel(std::string_view proc_version) {
  return str::icontains(proc_version, "microsoft") || str::icontains(proc_version, "WSL");
}

std::optional<PciModalias> parse_pci_modalias(std::string_view text) {
  // pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X
  text = str::trim(text);
  if (!text.starts_with("pci:v") || text.size() < 50) return std::nullopt;
  auto field = [&](std::size_t pos, std::size_t len, std::string_view tag) -> std::optional<unsigned long> {
    if (text.compare(pos - tag.size(), tag.size(), tag) != 0) return std::nullopt;
    return str::parse_hex(text.substr(pos, len));
  };
  auto vendor = field(5, 8, "pci:v");
  auto device = field(14, 8, "d");
  auto base = field(44, 2, "bc");
  auto sub = field(48, 2, "sc");
  if (!vendor || !device || !base || !sub || *vendor > 0xffff || *device > 0xffff) return std::nullopt;
  return PciModalias{static_cast<std::uint16_t>(*vendor), static_cast<std::uint16_t>(*device),
                     static_cast<std::uint8_t>(*base), static_cast<std::uint8_t>(*sub)};
}

std::optional<std::uint32_t> parse_sysfs_hex(std::string_view text) {
  auto t = str::trim(text);
  if (!t.starts_with("0x") || t.size() > 10) return std::nullopt;
  auto v = str::parse_hex(t);
  if (!v || *v > 0xffffffffUL) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

std::optional<std::string> parse_nvidia_module_version(std::string_view text) {
  auto t = str::trim(text);
  auto v = dotted(t);
  if (!v || v->size() != t.size()) return std::nullopt;
  return v;
}

std::optional<std::string> parse_nvidia_proc_version(std::string_view text) {
  auto all = str::lines(text);
  if (all.empty()) return std::nullopt;
  auto first = all.front();
  if (!first.starts_with("NVRM version:")) return std::nullopt;
  // The version is the first dotted number after "Kernel Module" (proprietary puts it
  // right after; the open module has "for x86_64" in between).
  auto km = first.find("Kernel Module");
  if (km == std::string_view::npos) return std::nullopt;
  for (auto token : str::split_ws(first.substr(km + 13))) {
    if (auto v = dotted(token); v && v->size() == token.size()) return v;
  }
  return std::nullopt;
}

std::optional<std::string> parse_nvidia_gpu_model(std::string_view text) {
  auto v = str::key_value(text, "Model", ':');
  if (!v || v->empty()) return std::nullopt;
  return str::sanitize(*v, 120);
}

std::vector<NvidiaSmiGpu> parse_nvidia_smi_csv(std::string_view text) {
  std::vector<NvidiaSmiGpu> out;
  for (auto line : str::lines(text)) {
    auto fields = str::split(line, ',');
    if (fields.size() < 4) continue;
    auto na = [](std::string_view f) { return f.empty() || f.starts_with("[N/A]") || f.starts_with("N/A"); };
    NvidiaSmiGpu gpu;
    gpu.name = str::sanitize(str::trim(fields[0]), 120);
    auto driver = str::trim(fields[1]);
    if (gpu.name.empty() || na(driver)) continue;
    auto v = parse_nvidia_module_version(driver);
    if (!v) continue;
    gpu.driver_version = *v;
    auto cc = str::trim(fields[2]);
    if (!na(cc)) {
      if (auto c = dotted(cc); c && c->size() == cc.size()) gpu.compute_capability = c;
    }
    auto id = str::trim(fields[3]);  // 0x268410DE: device in the high 16 bits
    if (auto parsed = parse_sysfs_hex(id)) gpu.device_id = static_cast<std::uint16_t>(*parsed >> 16);
    out.push_back(std::move(gpu));
  }
  return out;
}

NvidiaSmiBanner parse_nvidia_smi_banner(std::string_view text) {
  NvidiaSmiBanner b;
  auto after = [&](std::string_view key) -> std::optional<std::string> {
    auto pos = text.find(key);
    if (pos == std::string_view::npos) return std::nullopt;
    return dotted(str::trim(text.substr(pos + key.size(), 32)));
  };
  b.driver_version = after("Driver Version:");
  b.cuda_version = after("CUDA Version:");
  return b;
}

std::optional<KfdNode> parse_kfd_properties(std::string_view text) {
  KfdNode node;
  bool seen = false;
  for (auto line : str::lines(text)) {
    auto parts = str::split_ws(line);
    if (parts.size() != 2) continue;
    auto value = str::parse_int(parts[1]);
    if (!value || *value > 0xffffffffLL) continue;
    auto v = static_cast<std::uint32_t>(*value);
    if (parts[0] == "gfx_target_version") {
      node.gfx_target_version = v;
      seen = true;
    } else if (parts[0] == "vendor_id") {
      node.vendor_id = v;
    } else if (parts[0] == "device_id") {
      node.device_id = v;
    }
  }
  if (!seen) return std::nullopt;
  return node;
}

std::optional<std::string> gfx_target_name(std::uint32_t v) {
  if (v == 0) return std::nullopt;
  unsigned major = (v / 10000) % 100;
  unsigned minor = (v / 100) % 100;
  unsigned step = v % 100;
  if (major == 0 || minor > 9 || step > 15) return std::nullopt;
  static const char* hex = "0123456789abcdef";
  return "gfx" + std::to_string(major) + std::to_string(minor) + hex[step];
}

std::optional<std::string> parse_rocm_version(std::string_view text) {
  auto t = str::trim(text);
  auto v = dotted(t);
  if (!v) return std::nullopt;
  auto rest = t.substr(v->size());
  if (!rest.empty() && rest.front() != '-' && rest.front() != '\n') return std::nullopt;
  return v;
}

std::optional<std::string> parse_cuda_version_json(std::string_view text) {
  // Avoids a JSON library here: the file is small and only "cuda": {... "version": "X"} matters.
  auto cuda = text.find("\"cuda\"");
  if (cuda == std::string_view::npos) return std::nullopt;
  auto key = text.find("\"version\"", cuda);
  auto close = text.find('}', cuda);
  if (key == std::string_view::npos || (close != std::string_view::npos && key > close)) return std::nullopt;
  auto colon = text.find(':', key);
  if (colon == std::string_view::npos) return std::nullopt;
  auto quote = text.find('"', colon);
  if (quote == std::string_view::npos) return std::nullopt;
  auto v = dotted(text.substr(quote + 1, 32));
  if (!v || text.size() <= quote + 1 + v->size() || text[quote + 1 + v->size()] != '"') return std::nullopt;
  return v;
}

std::optional<std::string> parse_cuda_h_version(std::string_view text) {
  auto pos = text.find("#define CUDA_VERSION ");
  if (pos == std::string_view::npos) return std::nullopt;
  auto rest = str::trim(text.substr(pos + 21, 16));
  std::size_t n = 0;
  while (n < rest.size() && is_digit(rest[n])) ++n;
  auto value = str::parse_int(rest.substr(0, n));
  if (!value || *value < 1000 || *value > 99990) return std::nullopt;
  return std::to_string(*value / 1000) + "." + std::to_string((*value % 1000) / 10);
}

std::optional<std::string> parse_nvcc_version(std::string_view text) {
  auto pos = text.find("release ");
  if (pos == std::string_view::npos) return std::nullopt;
  auto comma = text.find(", V", pos);
  if (comma != std::string_view::npos && comma < pos + 24) {
    if (auto full = dotted(text.substr(comma + 3, 24))) return full;
  }
  return dotted(text.substr(pos + 8, 16));
}

std::optional<std::string> parse_glibc_banner(std::string_view bytes) {
  static constexpr std::string_view kKey = "GNU C Library";
  for (auto pos = bytes.find(kKey); pos != std::string_view::npos; pos = bytes.find(kKey, pos + 1)) {
    auto window = bytes.substr(pos, 200);
    auto rv = window.find("release version ");
    if (rv == std::string_view::npos) continue;
    if (auto v = dotted(window.substr(rv + 16))) return v;
  }
  return std::nullopt;
}

std::optional<ElfInfo> parse_elf_header(std::string_view b) {
  if (b.size() < 20 || b.substr(0, 4) != "\x7f" "ELF") return std::nullopt;
  ElfInfo info;
  if (b[4] == 1) info.bits = 32;
  else if (b[4] == 2) info.bits = 64;
  else return std::nullopt;
  bool little = b[5] == 1;
  auto byte = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(b[i])); };
  unsigned machine = little ? (byte(18) | (byte(19) << 8)) : ((byte(18) << 8) | byte(19));
  // e_machine values: System V gABI / glibc elf.h (EM_386 3, EM_ARM 40, EM_X86_64 62,
  // EM_AARCH64 183, EM_PPC64 21, EM_S390 22, EM_RISCV 243).
  switch (machine) {
    case 3: info.arch = "i686"; break;
    case 40: info.arch = "armv7l"; break;
    case 62: info.arch = "x86_64"; break;
    case 183: info.arch = "aarch64"; break;
    case 21: info.arch = little ? "ppc64le" : "ppc64"; break;
    case 22: info.arch = "s390x"; break;
    case 243: info.arch = "riscv64"; break;
    default: break;
  }
  return info;
}

std::optional<DistMetadata> parse_dist_metadata(std::string_view text) {
  DistMetadata m;
  for (auto line : str::lines(text)) {
    if (line.empty() || line == "\r") break;  // headers end at the first blank line
    if (line.starts_with("Name:")) m.name = str::sanitize(str::trim(line.substr(5)), 100);
    if (line.starts_with("Version:")) m.version = str::sanitize(str::trim(line.substr(8)), 100);
  }
  if (m.name.empty() || m.version.empty()) return std::nullopt;
  return m;
}

TorchVersionPy parse_torch_version_py(std::string_view text) {
  TorchVersionPy t;
  auto clean = [](std::optional<std::string> v) -> std::optional<std::string> {
    if (!v || v->empty()) return std::nullopt;
    return str::sanitize(*v, 100);
  };
  t.version = clean(py_assignment(text, "__version__"));
  t.cuda = clean(py_assignment(text, "cuda"));
  t.hip = clean(py_assignment(text, "hip"));
  return t;
}

PyvenvCfg parse_pyvenv_cfg(std::string_view text) {
  PyvenvCfg c;
  if (auto home = str::key_value(text, "home", '='); home && !home->empty()) c.home = str::sanitize(*home, 4096);
  auto version = str::key_value(text, "version", '=');
  if (!version) version = str::key_value(text, "version_info", '=');
  if (version) {
    // "3.12.1.final.0" -> "3.12.1"
    auto v = leading_version(*version);
    while (!v.empty() && v.back() == '.') v.pop_back();
    if (std::count(v.begin(), v.end(), '.') >= 1) {
      auto parts = str::split(v, '.');
      if (parts.size() > 3) v = std::string(parts[0]) + "." + std::string(parts[1]) + "." + std::string(parts[2]);
      c.version = v;
    }
  }
  return c;
}

std::optional<PythonProbe> parse_python_probe(std::string_view text) {
  PythonProbe p;
  for (auto line : str::lines(text)) {
    if (line.starts_with("version=")) {
      if (auto v = dotted(line.substr(8))) p.version = *v;
    } else if (line.starts_with("bits=")) {
      auto b = str::parse_int(str::trim(line.substr(5)));
      if (b && (*b == 32 || *b == 64)) p.bits = static_cast<int>(*b);
    } else if (line.starts_with("prefix=")) {
      p.prefix = std::string(line.substr(7));
    } else if (line.starts_with("path=") && line.size() > 5 && line[5] == '/') {
      p.sys_path.emplace_back(line.substr(5));
    }
  }
  if (p.version.empty()) return std::nullopt;
  return p;
}

std::optional<std::string> python_minor_from_name(std::string_view name) {
  if (!name.starts_with("python")) return std::nullopt;
  auto rest = name.substr(6);
  auto v = dotted(rest);
  if (!v || v->size() != rest.size() || std::count(v->begin(), v->end(), '.') != 1) return std::nullopt;
  return v;
}

}  // namespace torchup::detect
