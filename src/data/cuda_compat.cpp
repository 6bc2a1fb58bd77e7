// Builds the cuda-compat reports. All driver numbers come from the parsed Table 3
// (data/cuda-driver-table.json); the caveat texts cite NVIDIA's compatibility guide.
#include "data/cuda_compat.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace torchup::data {

using nlohmann::json;

namespace {

// NVIDIA's CUDA compatibility guide, the source of minor-version compatibility
// (cited in data/cuda-driver-table.json "sources").
constexpr const char* kCompatGuide = "https://docs.nvidia.com/deploy/cuda-compatibility/";
constexpr const char* kTable3Source =
    "NVIDIA CUDA Toolkit release notes, Table 3 (data/cuda-driver-table.json)";

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

Error usage(std::string message, std::string hint) {
  return make_error(ErrorKind::kUsage, std::move(message), std::move(hint));
}

constexpr const char* kDriverHint =
    "give a driver version as nvidia-smi prints it: 550.54.14 (Linux) or 566.36 (Windows)";

std::string join_majors(const std::vector<long>& majors) {
  std::string out;
  for (std::size_t i = 0; i < majors.size(); ++i) {
    if (i > 0) out += (i + 1 == majors.size()) ? " or " : ", ";
    out += std::to_string(majors[i]) + ".x";
  }
  return out;
}

std::optional<CudaTableRow> first_row_above(const CudaDriverTable& table,
                                            const std::optional<DottedVersion>& cuda, DriverOs os) {
  // The next CUDA X.Y after `cuda` that has a driver for this OS; its first release.
  std::optional<CudaTableRow> best;
  for (const auto& row : table.rows()) {
    const auto& min = os == DriverOs::kLinux ? row.linux_min : row.windows_min;
    if (!min || (cuda && row.cuda <= *cuda)) continue;
    const auto& best_min = best ? (os == DriverOs::kLinux ? best->linux_min : best->windows_min)
                                : std::optional<DottedVersion>{};
    if (!best || row.cuda < best->cuda || (row.cuda == best->cuda && *min <= *best_min)) best = row;
  }
  return best;
}

json version_or_null(const std::optional<DottedVersion>& v) {
  return v ? json(driver_version_str(*v)) : json(nullptr);
}

json row_json(const std::optional<CudaTableRow>& row, DriverOs os) {
  if (!row) return nullptr;
  return {
      {"cuda", row->cuda.str()},
      {"toolkit", row->toolkit},
      {"min_driver", version_or_null(os == DriverOs::kLinux ? row->linux_min : row->windows_min)}};
}

json major_json(const MajorCompat& m) {
  return {{"major", m.major},
          {"floor", version_or_null(m.floor)},
          {"runs", m.runs},
          {"note", m.note.empty() ? json(nullptr) : json(m.note)}};
}

}  // namespace

std::string os_label(DriverOs os) { return os == DriverOs::kLinux ? "Linux" : "Windows"; }
std::string os_id(DriverOs os) { return os == DriverOs::kLinux ? "linux" : "windows"; }

std::optional<DottedVersion> decode_windows_file_version(const DottedVersion& file_version) {
  const auto& p = file_version.parts();
  if (p.size() != 4 || p[3] > 9999 || p[2] < 0 || p[3] < 0) return std::nullopt;
  long digits = (p[2] * 10000 + p[3]) % 100000;
  if (digits < 10000) return std::nullopt;  // would not give a three-digit branch
  return DottedVersion({digits / 100, digits % 100});
}

Expected<DriverReport> make_driver_report(const CudaDriverTable& table, const DriverQuery& query) {
  std::string text = trim(query.text);
  if (text.empty()) return usage("no driver version given", kDriverHint);
  auto parsed = DottedVersion::parse(text);
  if (!parsed) {
    return usage(
        fmt::format("'{}' is not a driver version (expected numbers separated by dots)", text),
        kDriverHint);
  }
  DriverReport report;
  const std::size_t parts = parsed->parts().size();
  if (parts > 4) {
    return usage(fmt::format("'{}' has {} parts; NVIDIA drivers have 2 or 3 (Windows file "
                             "versions 4)",
                             text, parts),
                 kDriverHint);
  }
  if (parts == 4) {
    if (query.os == DriverOs::kLinux) {
      return usage(
          fmt::format("'{}' looks like a Windows driver file version, not a Linux driver", text),
          "drop --os linux, or give the Linux driver version (e.g. 550.54.14)");
    }
    auto decoded = decode_windows_file_version(*parsed);
    if (!decoded) {
      return usage(fmt::format("'{}' is not a Windows driver file version NVIDIA uses "
                               "(e.g. 32.0.15.6636 for 566.36)",
                               text),
                   kDriverHint);
    }
    report.file_version = text;
    report.driver = *decoded;
    report.os = DriverOs::kWindows;
    report.os_source = query.os ? OsSource::kGiven : OsSource::kFileVersion;
    report.notes.push_back(tr("cuda.file-version-decoded",
                              "{file} decoded as NVIDIA driver {driver} (file-version "
                              "convention from data/cuda-driver-min-versions.json, not "
                              "verified on a device)",
                              {{"file", text}, {"driver", driver_version_str(*decoded)}}));
  } else {
    report.driver = *parsed;
    if (query.os) {
      report.os = *query.os;
      report.os_source = OsSource::kGiven;
      if (parts == 3 && *query.os == DriverOs::kWindows) {
        return usage(fmt::format("'{}' has three parts, which only Linux drivers have", text),
                     "Windows drivers look like 566.36 (or a file version 32.0.15.6636); "
                     "use --os linux for 550.54.14-style numbers");
      }
    } else if (parts == 3) {
      report.os = DriverOs::kLinux;
      report.os_source = OsSource::kShape;
    } else {
      report.os = query.this_computer_os == "windows" ? DriverOs::kWindows : DriverOs::kLinux;
      report.os_source = OsSource::kThisComputer;
    }
  }
  // Keep the user's spelling ("300.1"); a decoded file version is written NVIDIA's way.
  report.driver_text = report.file_version ? driver_version_str(report.driver) : text;

  if (const auto* row = table.newest_row_for_driver(report.driver, report.os)) report.full = *row;
  report.next = first_row_above(
      table, report.full ? std::optional{report.full->cuda} : std::nullopt, report.os);
  for (long major : table.compat_majors()) {
    MajorCompat m;
    m.major = major;
    m.floor = table.minor_compat_floor(major, report.os);
    m.runs = m.floor && report.driver >= *m.floor;
    if (auto note = table.minor_compat_note(major)) m.note = *note;
    report.majors.push_back(std::move(m));
  }
  // Table 3 has no Windows rows for 13.x: say so instead of implying 12.9 is the end.
  if (report.os == DriverOs::kWindows && !report.next) {
    for (auto it = table.rows().rbegin(); it != table.rows().rend(); ++it) {
      if (!it->windows_min && (!report.full || it->cuda > report.full->cuda)) {
        report.notes.push_back(tr("cuda.no-windows-rows",
                                  "NVIDIA's Table 3 lists no Windows driver for CUDA {cuda} "
                                  "and later: {note}",
                                  {{"cuda", it->cuda.str()}, {"note", it->windows_note}}));
        break;
      }
    }
  }
  return report;
}

Text os_source_text(const DriverReport& report) {
  switch (report.os_source) {
    case OsSource::kGiven:
      return tr("cuda.os-given", "chosen with --os");
    case OsSource::kShape:
      return tr("cuda.os-shape", "three-part versions are Linux drivers; use --os to choose");
    case OsSource::kFileVersion:
      return tr("cuda.os-file-version", "four parts: a Windows driver file version");
    case OsSource::kThisComputer:
      return tr("cuda.os-this-computer", "this computer's OS; use --os {other} for the other table",
                {{"other", report.os == DriverOs::kLinux ? "windows" : "linux"}});
  }
  return {};
}

Text driver_verdict(const DriverReport& r) {
  std::vector<long> runs;
  for (const auto& m : r.majors) {
    if (m.runs) runs.push_back(m.major);
  }
  const std::string os = os_label(r.os);
  if (!r.full) {
    if (r.next) {
      return tr("cuda.driver-too-old-next",
                "Driver {driver} ({os}) is older than every driver in NVIDIA's Table 3 "
                "(CUDA {cuda} needs {needs}); it cannot run any CUDA toolkit listed there",
                {{"driver", r.driver_text},
                 {"os", os},
                 {"cuda", r.next->cuda.str()},
                 {"needs", driver_version_str(*(r.os == DriverOs::kLinux ? r.next->linux_min
                                                                         : r.next->windows_min))}});
    }
    return tr("cuda.driver-too-old",
              "Driver {driver} ({os}) is older than every driver in NVIDIA's Table 3; it cannot "
              "run any CUDA toolkit listed there",
              {{"driver", r.driver_text}, {"os", os}});
  }
  const Text head = tr("cuda.driver-supports", "Driver {driver} ({os}) supports CUDA up to {cuda}",
                       {{"driver", r.driver_text}, {"os", os}, {"cuda", r.full->cuda.str()}});
  const std::optional<MajorCompat> first =
      r.majors.empty() ? std::nullopt : std::optional{r.majors.front()};
  if (runs.empty()) {
    if (first && first->floor && r.full->cuda.major() == first->major) {
      return tr("cuda.below-compat-floor",
                "{head}; it is below the {major}.x minor-version-compatibility floor "
                "({floor}), so newer CUDA {major}.x needs a driver upgrade",
                {{"head", head},
                 {"major", std::to_string(first->major)},
                 {"floor", driver_version_str(*first->floor)}});
    }
    if (first && first->floor) {
      return tr("cuda.compat-needs",
                "{head}; minor-version compatibility (CUDA {major}.x and later) needs {floor} or "
                "newer",
                {{"head", head},
                 {"major", std::to_string(first->major)},
                 {"floor", driver_version_str(*first->floor)}});
    }
    return head;
  }
  // Majors at or above the fully supported one are what compatibility adds.
  std::erase_if(runs, [&](long m) { return m < r.full->cuda.major(); });
  if (runs.empty()) return head;
  return tr("cuda.compat-also-runs",
            "{head}; with minor-version compatibility it can also run any CUDA {majors}",
            {{"head", head}, {"majors", join_majors(runs)}});
}

Text cuda_verdict(const CudaReport& r) {
  auto text = [](const std::optional<DottedVersion>& v) -> Text {
    if (v) return ">= " + driver_version_str(*v);
    return tr("cuda.not-listed", "not listed by NVIDIA");
  };
  std::string toolkit = r.releases.empty() ? "CUDA " + r.cuda.str() : r.releases.front().toolkit;
  if (r.only_os == DriverOs::kLinux) {
    return tr("cuda.needs-linux", "{toolkit} needs a Linux driver {driver}",
              {{"toolkit", toolkit}, {"driver", text(r.linux_min)}});
  }
  if (r.only_os == DriverOs::kWindows) {
    return tr("cuda.needs-windows", "{toolkit} needs a Windows driver {driver}",
              {{"toolkit", toolkit}, {"driver", text(r.windows_min)}});
  }
  return tr("cuda.needs-both", "{toolkit} needs driver {linux} on Linux, {windows} on Windows",
            {{"toolkit", toolkit}, {"linux", text(r.linux_min)}, {"windows", text(r.windows_min)}});
}

Expected<CudaReport> make_cuda_report(const CudaDriverTable& table, const std::string& cuda_text,
                                      std::optional<DriverOs> os) {
  std::string text = trim(cuda_text);
  constexpr const char* kHint = "give a CUDA version such as 12.4 (or a build tag such as cu124)";
  if (text.empty()) return usage("no CUDA version given", kHint);
  std::optional<DottedVersion> cuda;
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.rfind("cu", 0) == 0 && lower.size() >= 4 && lower.find('.') == std::string::npos) {
    // PyTorch build tags: cu92, cu102, cu124 -> the last digit is the minor.
    auto digits = lower.substr(2);
    if (std::all_of(digits.begin(), digits.end(),
                    [](unsigned char c) { return std::isdigit(c); })) {
      cuda = DottedVersion::parse(digits.substr(0, digits.size() - 1) + "." + digits.back());
    }
  } else {
    cuda = DottedVersion::parse(text);
  }
  if (!cuda || cuda->parts().size() > 3) {
    return usage(fmt::format("'{}' is not a CUDA version", text), kHint);
  }
  if (cuda->parts().size() < 2) {
    return usage(fmt::format("'{}' names only a CUDA major; give major.minor", text),
                 fmt::format("for example {}.0; every {}.x needs the same family floor, see "
                             "'torchup cuda-compat DRIVER'",
                             cuda->major(), cuda->major()));
  }
  CudaReport r;
  r.cuda = cuda->truncated(2);
  r.only_os = os;
  if (!table.knows_cuda(r.cuda)) {
    std::string known;
    std::optional<DottedVersion> last;
    for (const auto& row : table.rows()) {
      if (last && *last == row.cuda) continue;
      known += (known.empty() ? "" : " ") + row.cuda.str();
      last = row.cuda;
    }
    return make_error(ErrorKind::kNotFound,
                      fmt::format("CUDA {} is not in NVIDIA's Table 3", r.cuda.str()),
                      "known CUDA versions: " + known);
  }
  for (auto it = table.rows().rbegin(); it != table.rows().rend(); ++it) {
    if (it->cuda != r.cuda) continue;
    r.releases.push_back(*it);
    if (!it->windows_min && r.windows_note.empty()) r.windows_note = it->windows_note;
  }
  r.linux_min = table.min_driver_for_cuda(r.cuda, DriverOs::kLinux);
  r.windows_min = table.min_driver_for_cuda(r.cuda, DriverOs::kWindows);
  for (auto [family, o] : {std::pair{&r.linux_family, DriverOs::kLinux},
                           std::pair{&r.windows_family, DriverOs::kWindows}}) {
    family->major = r.cuda.major();
    family->floor = table.minor_compat_floor(r.cuda.major(), o);
    if (auto note = table.minor_compat_note(r.cuda.major())) family->note = *note;
  }
  return r;
}

json to_json(const DriverReport& r) {
  json majors = json::array();
  std::vector<long> runs;
  for (const auto& m : r.majors) {
    majors.push_back(major_json(m));
    if (m.runs) runs.push_back(m.major);
  }
  return {{"schema", "torchup.cuda-compat/1"},
          {"query", "driver"},
          {"driver", r.driver_text},
          {"windows_file_version", r.file_version ? json(*r.file_version) : json(nullptr)},
          {"os", os_id(r.os)},
          {"os_source", os_source_text(r).str()},
          {"max_cuda", r.full ? json(r.full->cuda.str()) : json(nullptr)},
          {"max_cuda_row", row_json(r.full, r.os)},
          {"next_cuda_row", row_json(r.next, r.os)},
          {"compatible_majors", runs},
          {"minor_version_compatibility", majors},
          {"verdict", driver_verdict(r).str()},
          {"notes",
           [&r] {
             json notes = json::array();
             for (const auto& n : r.notes) notes.push_back(n.str());
             return notes;
           }()},
          {"sources", {kTable3Source, kCompatGuide}}};
}

json to_json(const CudaReport& r) {
  json releases = json::array();
  for (const auto& row : r.releases) {
    releases.push_back({{"toolkit", row.toolkit},
                        {"linux", version_or_null(row.linux_min)},
                        {"windows", version_or_null(row.windows_min)}});
  }
  return {{"schema", "torchup.cuda-compat/1"},
          {"query", "cuda"},
          {"cuda", r.cuda.str()},
          {"toolkit", r.releases.empty() ? json(nullptr) : json(r.releases.front().toolkit)},
          {"min_driver",
           {{"linux", version_or_null(r.linux_min)}, {"windows", version_or_null(r.windows_min)}}},
          {"windows_note", r.windows_note.empty() ? json(nullptr) : json(r.windows_note)},
          {"os", r.only_os ? json(os_id(*r.only_os)) : json(nullptr)},
          {"releases", releases},
          {"minor_version_compatibility",
           {{"major", r.cuda.major()},
            {"linux", version_or_null(r.linux_family.floor)},
            {"windows", version_or_null(r.windows_family.floor)},
            {"note", r.linux_family.note.empty() ? json(nullptr) : json(r.linux_family.note)}}},
          {"verdict", cuda_verdict(r).str()},
          {"sources", {kTable3Source, kCompatGuide}}};
}

}  // namespace torchup::data
