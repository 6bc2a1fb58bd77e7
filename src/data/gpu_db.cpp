#include "data/gpu_db.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "util/strings.h"

namespace torchup::data {
namespace {

constexpr const char* kCcFile = "nvidia-compute-capability.json";

Error cc_error(const std::string& where, const std::string& problem) {
  return make_error(ErrorKind::kParse, std::string(kCcFile) + ": " + where + ": " + problem);
}

std::optional<std::uint16_t> hex16(std::string_view s) {
  if (s.size() != 4) return std::nullopt;
  auto v = str::parse_hex(s);
  if (!v || *v > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(*v);
}

std::string hex4(std::uint16_t v) {
  static const char* digits = "0123456789abcdef";
  std::string out(4, '0');
  for (int i = 3; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = digits[v & 0xf];
    v = static_cast<std::uint16_t>(v >> 4);
  }
  return out;
}

// Start of the line after `pos` (or npos).
std::size_t next_line(std::string_view text, std::size_t pos) {
  auto nl = text.find('\n', pos);
  return nl == std::string_view::npos ? nl : nl + 1;
}

// Offset of the vendor line "vvvv  " (at a line start), or npos.
std::size_t find_vendor(std::string_view text, std::uint16_t vendor) {
  std::string key = hex4(vendor) + "  ";
  if (text.starts_with(key)) return 0;
  auto pos = text.find("\n" + key);
  return pos == std::string_view::npos ? pos : pos + 1;
}

std::string line_rest(std::string_view text, std::size_t start) {
  auto end = text.find('\n', start);
  auto line = text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
  return std::string(str::trim(line));
}

}  // namespace

Expected<NvidiaCcTable> NvidiaCcTable::parse(const std::string& json_text) {
  auto doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return cc_error("document", "not valid JSON");
  if (!doc.is_object()) return cc_error("document", "expected an object");
  auto it = doc.find("pci_device_ids");
  if (it == doc.end() || !it->is_array()) return cc_error("pci_device_ids", "expected an array");
  NvidiaCcTable table;
  std::size_t index = 0;
  for (const auto& row : *it) {
    std::string where = "pci_device_ids[" + std::to_string(index++) + "]";
    if (!row.is_object()) return cc_error(where, "expected an object");
    auto chip = row.find("chip");
    if (chip == row.end() || !chip->is_string()) return cc_error(where + ".chip", "expected a string");
    NvidiaChip entry{chip->get<std::string>(), std::nullopt};
    auto cc = row.find("compute_capability");
    if (cc != row.end() && !cc->is_null()) {
      if (!cc->is_string()) return cc_error(where + ".compute_capability", "expected a string or null");
      entry.compute_capability = cc->get<std::string>();
    }
    auto ids = row.find("device_ids");
    if (ids == row.end() || !ids->is_array()) return cc_error(where + ".device_ids", "expected an array");
    for (const auto& id : *ids) {
      auto parsed = id.is_string() ? hex16(id.get<std::string>()) : std::nullopt;
      if (!parsed) return cc_error(where + ".device_ids", "expected 4-digit hex strings");
      table.by_device_[*parsed] = entry;
    }
  }
  if (table.by_device_.empty()) return cc_error("pci_device_ids", "no device ids");
  return table;
}

const NvidiaChip* NvidiaCcTable::find(std::uint16_t device) const {
  auto it = by_device_.find(device);
  return it == by_device_.end() ? nullptr : &it->second;
}

Expected<NvidiaCcTable> load_nvidia_cc_table(DataStore& store) {
  return store.load<NvidiaCcTable>(kCcFile, &NvidiaCcTable::parse);
}

std::optional<std::string> pci_ids_vendor_name(std::string_view pci_ids, std::uint16_t vendor) {
  auto pos = find_vendor(pci_ids, vendor);
  if (pos == std::string_view::npos) return std::nullopt;
  auto name = line_rest(pci_ids, pos + 6);
  if (name.empty()) return std::nullopt;
  return name;
}

std::optional<std::string> pci_ids_device_name(std::string_view pci_ids, std::uint16_t vendor,
                                               std::uint16_t device) {
  auto pos = find_vendor(pci_ids, vendor);
  if (pos == std::string_view::npos) return std::nullopt;
  std::string key = "\t" + hex4(device) + "  ";
  // Walk the vendor's block: device lines start with one tab, subsystems with two,
  // comments with '#'; the block ends at the next line that starts with anything else.
  for (auto line = next_line(pci_ids, pos); line != std::string_view::npos && line < pci_ids.size();
       line = next_line(pci_ids, line)) {
    char first = pci_ids[line];
    if (first == '#' || first == '\n') continue;
    if (first != '\t') break;
    if (pci_ids.compare(line, key.size(), key) == 0) {
      auto name = line_rest(pci_ids, line + key.size());
      if (name.empty()) return std::nullopt;
      return name;
    }
  }
  return std::nullopt;
}

std::string pci_marketing_name(std::string_view pci_name) {
  auto close = pci_name.rfind(']');
  auto open = close == std::string_view::npos ? close : pci_name.rfind('[', close);
  if (open != std::string_view::npos && close > open + 1) {
    return std::string(str::trim(pci_name.substr(open + 1, close - open - 1)));
  }
  return std::string(str::trim(pci_name));
}

std::optional<std::string> nvidia_chip_from_pci_name(std::string_view pci_name) {
  // Source: research/anchors-detection.md §5 (pci.ids NVIDIA names start with the chip codename).
  static constexpr std::string_view kPrefixes[] = {"GK", "GM", "GP", "GV", "TU", "GA", "AD", "GH", "GB"};
  for (auto prefix : kPrefixes) {
    if (!pci_name.starts_with(prefix)) continue;
    std::size_t i = prefix.size();
    std::size_t digits_start = i;
    while (i < pci_name.size() && std::isdigit(static_cast<unsigned char>(pci_name[i]))) ++i;
    if (i == digits_start) return std::nullopt;
    return std::string(pci_name.substr(0, i));
  }
  return std::nullopt;
}

}  // namespace torchup::data
