// `torchup cuda-compat`: the report layer (data/cuda_compat.h) over the embedded
// Table 3, and the command through cli::run with bad input and bad data.
#include "data/cuda_compat.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "data/embedded.h"
#include "support/temp_dir.h"

namespace torchup::data {
namespace {

using torchup::testing::TempDir;

const CudaDriverTable& table() {
  static const CudaDriverTable t = *CudaDriverTable::parse(std::string(*embedded_file("cuda-driver-table.json")));
  return t;
}

TEST(CudaCompatReport, WindowsFileVersionDecoding) {
  // Convention from data/cuda-driver-min-versions.json "windows_driver_version_decoding".
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"32.0.15.6636", "566.36"}, {"32.0.15.6094", "560.94"}, {"31.0.15.3623", "536.23"},
      {"27.21.14.5671", "456.71"}, {"32.0.15.7680", "576.80"},
  };
  for (const auto& [file, nvidia] : cases) {
    auto decoded = decode_windows_file_version(*DottedVersion::parse(file));
    ASSERT_TRUE(decoded) << file;
    EXPECT_EQ(driver_version_str(*decoded), nvidia) << file;
  }
  EXPECT_FALSE(decode_windows_file_version(*DottedVersion::parse("32.0.15.66360")));
  EXPECT_FALSE(decode_windows_file_version(*DottedVersion::parse("1.0.0.5")));
  EXPECT_FALSE(decode_windows_file_version(*DottedVersion::parse("566.36")));
}

struct VerdictCase {
  std::string text;
  std::optional<DriverOs> os;
  std::string host_os;
  std::string verdict;
  DriverOs used_os;
  OsSource source;
};

TEST(CudaCompatReport, Verdicts) {
  const std::vector<VerdictCase> cases = {
      {"470.57.02", std::nullopt, "linux",
       "Driver 470.57.02 (Linux) supports CUDA up to 11.4; with minor-version compatibility it can "
       "also run any CUDA 11.x",
       DriverOs::kLinux, OsSource::kShape},
      {"470.57.02", std::nullopt, "windows",
       "Driver 470.57.02 (Linux) supports CUDA up to 11.4; with minor-version compatibility it can "
       "also run any CUDA 11.x",
       DriverOs::kLinux, OsSource::kShape},
      {"550.54.14", DriverOs::kLinux, "linux",
       "Driver 550.54.14 (Linux) supports CUDA up to 12.4; with minor-version compatibility it can "
       "also run any CUDA 12.x",
       DriverOs::kLinux, OsSource::kGiven},
      {" 566.36 ", std::nullopt, "windows",
       "Driver 566.36 (Windows) supports CUDA up to 12.6; with minor-version compatibility it can "
       "also run any CUDA 12.x",
       DriverOs::kWindows, OsSource::kThisComputer},
      {"32.0.15.6636", std::nullopt, "linux",
       "Driver 566.36 (Windows) supports CUDA up to 12.6; with minor-version compatibility it can "
       "also run any CUDA 12.x",
       DriverOs::kWindows, OsSource::kFileVersion},
      {"595.71.05", std::nullopt, "linux",
       "Driver 595.71.05 (Linux) supports CUDA up to 13.2; with minor-version compatibility it can "
       "also run any CUDA 13.x",
       DriverOs::kLinux, OsSource::kShape},
      {"591.44", DriverOs::kWindows, "linux",
       "Driver 591.44 (Windows) supports CUDA up to 12.9; with minor-version compatibility it can "
       "also run any CUDA 12.x or 13.x",
       DriverOs::kWindows, OsSource::kGiven},
      {"450.51.05", std::nullopt, "linux",
       "Driver 450.51.05 (Linux) supports CUDA up to 11.0; it is below the 11.x "
       "minor-version-compatibility floor (450.80.02), so newer CUDA 11.x needs a driver upgrade",
       DriverOs::kLinux, OsSource::kShape},
      {"440.33", DriverOs::kLinux, "linux",
       "Driver 440.33 (Linux) supports CUDA up to 10.2; minor-version compatibility (CUDA 11.x and "
       "later) needs 450.80.02 or newer",
       DriverOs::kLinux, OsSource::kGiven},
      {"300.1", DriverOs::kLinux, "linux",
       "Driver 300.1 (Linux) is older than every driver in NVIDIA's Table 3 (CUDA 7.0 needs "
       "346.46); it cannot run any CUDA toolkit listed there",
       DriverOs::kLinux, OsSource::kGiven},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = make_driver_report(table(), DriverQuery{c.text, c.os, c.host_os});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(driver_verdict(*r), c.verdict);
    EXPECT_EQ(r->os, c.used_os);
    EXPECT_EQ(r->os_source, c.source);
  }
  std::cout << "[ cases    ] driver verdicts: " << cases.size() << " cases checked\n";
}

TEST(CudaCompatReport, WindowsThirteenIsSaidToBeUnlisted) {
  auto r = make_driver_report(table(), DriverQuery{"591.44", DriverOs::kWindows, "linux"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("no Windows driver for CUDA 13.0"), std::string::npos) << r->notes[0];
  EXPECT_FALSE(r->next);
}

TEST(CudaCompatReport, BadDriverTextIsAUsageError) {
  const std::vector<std::pair<std::string, std::optional<DriverOs>>> cases = {
      {"abc", std::nullopt},        {"1.2.3.4.5.6.7", std::nullopt}, {"", std::nullopt},
      {"   ", std::nullopt},        {"550.54.14x", std::nullopt},    {"1.2.3.4.5", std::nullopt},
      {"-550", std::nullopt},       {"550..54", std::nullopt},       {"470.57.02", DriverOs::kWindows},
      {"32.0.15.6636", DriverOs::kLinux}, {"32.0.15.66360", std::nullopt},
  };
  for (const auto& [text, os] : cases) {
    SCOPED_TRACE("'" + text + "'");
    auto r = make_driver_report(table(), DriverQuery{text, os, "linux"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
    EXPECT_FALSE(r.error().message.empty());
    EXPECT_FALSE(r.error().hint.empty());
  }
  std::cout << "[ cases    ] bad driver text: " << cases.size() << " cases checked\n";
}

TEST(CudaCompatReport, CudaQueries) {
  struct Case {
    const char* text;
    const char* verdict;
  };
  const std::vector<Case> cases = {
      {"12.4", "CUDA 12.4 GA needs driver >= 550.54.14 on Linux, >= 551.61 on Windows"},
      {"cu124", "CUDA 12.4 GA needs driver >= 550.54.14 on Linux, >= 551.61 on Windows"},
      {"12.4.1", "CUDA 12.4 GA needs driver >= 550.54.14 on Linux, >= 551.61 on Windows"},
      {"13.0", "CUDA 13.0 GA needs driver >= 580.65.06 on Linux, not listed by NVIDIA on Windows"},
      {"cu92", "CUDA 9.2 (9.2.88) needs driver >= 396.26 on Linux, >= 397.44 on Windows"},
      {"11.0", "CUDA 11.0.1 RC needs driver >= 450.36.06 on Linux, >= 451.22 on Windows"},
  };
  for (const auto& c : cases) {
    auto r = make_cuda_report(table(), c.text, std::nullopt);
    ASSERT_TRUE(r) << c.text << ": " << r.error().message;
    EXPECT_EQ(cuda_verdict(*r), c.verdict);
  }
  auto win = make_cuda_report(table(), "13.0", DriverOs::kWindows);
  ASSERT_TRUE(win);
  EXPECT_EQ(cuda_verdict(*win), "CUDA 13.0 GA needs a Windows driver not listed by NVIDIA");
  auto j = to_json(*win);
  EXPECT_TRUE(j["min_driver"]["windows"].is_null());
  EXPECT_EQ(j["min_driver"]["linux"], "580.65.06");
  EXPECT_NE(j["windows_note"].get<std::string>().find("N/A in NVIDIA Table 3"), std::string::npos);
  EXPECT_EQ(j["releases"].size(), 3u);
  EXPECT_EQ(j["minor_version_compatibility"]["linux"], "580");

  for (const char* bad : {"", "abc", "12", "cu", "cuda", "12.4.1.2"}) {
    auto r = make_cuda_report(table(), bad, std::nullopt);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kUsage) << bad;
  }
  auto missing = make_cuda_report(table(), "12.7", std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(missing.error().hint.find("12.8 12.6"), std::string::npos) << missing.error().hint;
}

TEST(CudaCompatReport, DriverJsonContract) {
  auto r = make_driver_report(table(), DriverQuery{"470.57.02", std::nullopt, "linux"});
  ASSERT_TRUE(r);
  auto j = to_json(*r);
  EXPECT_EQ(j["schema"], "torchup.cuda-compat/1");
  EXPECT_EQ(j["driver"], "470.57.02");
  EXPECT_EQ(j["os"], "linux");
  EXPECT_EQ(j["max_cuda"], "11.4");
  EXPECT_EQ(j["max_cuda_row"]["toolkit"], "CUDA 11.4 Update 2");
  EXPECT_EQ(j["next_cuda_row"]["toolkit"], "CUDA 11.5 GA");
  EXPECT_EQ(j["compatible_majors"], nlohmann::json::array({11}));
  EXPECT_EQ(j["minor_version_compatibility"][1]["floor"], "525.60.13");
  EXPECT_EQ(j["minor_version_compatibility"][1]["runs"], false);
  EXPECT_TRUE(j["windows_file_version"].is_null());
}

// ---- the command, through cli::run ----

struct Run {
  int rc;
  std::string out;
  std::string err;
};

Run run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "torchup");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  int rc = cli::run(static_cast<int>(argv.size()), argv.data(), out, err, false);
  return {rc, out.str(), err.str()};
}

TEST(CudaCompatCli, AnswersAndErrors) {
  struct Case {
    std::vector<std::string> args;
    int rc;
    const char* in_out;
    const char* in_err;
  };
  const std::vector<Case> cases = {
      {{"cuda-compat", "470.57.02"}, 0,
       "Driver 470.57.02 (Linux) supports CUDA up to 11.4; with minor-version compatibility it can "
       "also run any CUDA 11.x.",
       ""},
      {{"cuda-compat", "566.36", "--os", "windows"}, 0, "Table           Windows (chosen with --os)", ""},
      {{"cuda-compat", "566.36", "--os", "WINDOWS"}, 0, "Driver 566.36 (Windows)", ""},
      {{"cuda-compat", "32.0.15.6636"}, 0, "File version    32.0.15.6636 -> 566.36", ""},
      {{"cuda-compat", "--cuda", "12.4"}, 0,
       "CUDA 12.4 GA needs driver >= 550.54.14 on Linux, >= 551.61 on Windows.", ""},
      {{"cuda-compat", "--cuda", "13.0", "--os", "windows"}, 0, "not listed by NVIDIA", ""},
      {{"cuda-compat", "--cuda", "12.4", "--json"}, 0, "\"linux\": \"550.54.14\"", ""},
      {{"cuda-compat", "abc"}, 2, "", "torchup: error: 'abc' is not a driver version"},
      {{"cuda-compat", "1.2.3.4.5.6.7"}, 2, "", "torchup: error: '1.2.3.4.5.6.7' is not a driver version"},
      {{"cuda-compat", ""}, 2, "", "torchup: error: no driver version given"},
      {{"cuda-compat"}, 2, "", "give a driver version or --cuda X.Y"},
      {{"cuda-compat", "470.57.02", "--cuda", "12.4"}, 2, "", "not both"},
      {{"cuda-compat", "470.57.02", "--os", "macos"}, 2, "", "hint: run 'torchup cuda-compat --help'"},
      {{"cuda-compat", "--cuda", "12.7"}, 2, "", "CUDA 12.7 is not in NVIDIA's Table 3"},
      {{"cuda-compat", "--cuda", "abc"}, 2, "", "'abc' is not a CUDA version"},
  };
  for (const auto& c : cases) {
    std::string line;
    for (const auto& a : c.args) line += a + " ";
    SCOPED_TRACE(line);
    auto r = run_cli(c.args);
    EXPECT_EQ(r.rc, c.rc) << r.err;
    EXPECT_NE(r.out.find(c.in_out), std::string::npos) << r.out;
    EXPECT_NE(r.err.find(c.in_err), std::string::npos) << r.err;
    if (c.rc != 0) {
      EXPECT_TRUE(r.out.empty()) << r.out;
      EXPECT_NE(r.err.find("  hint: "), std::string::npos) << r.err;
    }
  }
  std::cout << "[ cases    ] cuda-compat command lines: " << cases.size() << " cases checked\n";
}

TEST(CudaCompatCli, JsonIsValidAndNamesTheOrigin) {
  auto r = run_cli({"cuda-compat", "550.54.14", "--json"});
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["max_cuda"], "12.4");
  EXPECT_EQ(j["data_origin"], "embedded");
  EXPECT_EQ(j["compatible_majors"], nlohmann::json::array({11, 12}));
}

TEST(CudaCompatCli, MalformedDataDirFileWarnsAndFallsBack) {
  for (const char* bad : {R"({"table3": [{"toolkit": "CUDA 12.4 GA", "linux_x86)",
                          R"({"table3": [{"toolkit": "CUDA 12.4 GA", "linux_x86_64_min_driver": 550}]})",
                          R"({"table3": {}})"}) {
    TempDir dir;
    dir.write("cuda-driver-table.json", bad);
    auto r = run_cli({"--data-dir", dir.str(), "cuda-compat", "470.57.02"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.out.find("supports CUDA up to 11.4"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("torchup: warning: data file cuda-driver-table.json (" + dir.str() +
                         "/cuda-driver-table.json): cuda-driver-table.json: "),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("using embedded instead"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace torchup::data
