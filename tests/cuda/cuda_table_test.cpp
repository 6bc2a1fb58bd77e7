// NVIDIA Table 3 both ways, over the embedded data/cuda-driver-table.json, plus a
// cross-check against data/cuda-driver-min-versions.json and bad-data cases.
#include "data/cuda_table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <iostream>

#include "data/embedded.h"
#include "support/temp_dir.h"

namespace torchup::data {
namespace {

using torchup::testing::TempDir;

const CudaDriverTable& embedded_table() {
  static const CudaDriverTable table = [] {
    auto text = embedded_file("cuda-driver-table.json");
    auto parsed = CudaDriverTable::parse(std::string(*text));
    if (!parsed) throw std::runtime_error(parsed.error().message);
    return *parsed;
  }();
  return table;
}

DottedVersion v(const char* text) { return *DottedVersion::parse(text); }

struct DriverCase {
  const char* driver;
  DriverOs os;
  const char* max_cuda;  // nullptr: older than every row
  const char* toolkit;   // the row named in reports
  std::vector<long> majors;
};

TEST(CudaTable, DriverToCuda) {
  const std::vector<DriverCase> cases = {
      // Linux rows, exact boundaries and in-between values (Table 3).
      {"470.57.02", DriverOs::kLinux, "11.4", "CUDA 11.4 Update 2", {11}},
      {"470.57.01", DriverOs::kLinux, "11.4", "CUDA 11.4.0 GA", {11}},
      {"550.54.14", DriverOs::kLinux, "12.4", "CUDA 12.4 GA", {11, 12}},
      {"550.54.15", DriverOs::kLinux, "12.4", "CUDA 12.4 Update 1", {11, 12}},
      {"525.60.13", DriverOs::kLinux, "12.0", "CUDA 12.0 GA", {11, 12}},
      {"525.60.12", DriverOs::kLinux, "11.8", "CUDA 11.8 GA", {11}},
      {"450.51.05", DriverOs::kLinux, "11.0", "CUDA 11.0.2 GA", {}},
      {"450.80.02", DriverOs::kLinux, "11.0", "CUDA 11.0.3 Update 1", {11}},
      {"580", DriverOs::kLinux, "12.9", "CUDA 12.9 Update 1", {11, 12, 13}},
      {"580.65.06", DriverOs::kLinux, "13.0", "CUDA 13.0 GA", {11, 12, 13}},
      {"595.71.05", DriverOs::kLinux, "13.2", "CUDA 13.2 Update 2", {11, 12, 13}},
      {"999.1", DriverOs::kLinux, "13.2", "CUDA 13.2 Update 2", {11, 12, 13}},
      {"570.26", DriverOs::kLinux, "12.8", "CUDA 12.8 GA", {11, 12}},
      {"346.46", DriverOs::kLinux, "7.0", "CUDA 7.0 (7.0.28)", {}},
      {"346.45", DriverOs::kLinux, nullptr, nullptr, {}},
      // Windows rows.
      {"566.36", DriverOs::kWindows, "12.6", "CUDA 12.6 Update 3", {11, 12}},
      {"551.61", DriverOs::kWindows, "12.4", "CUDA 12.4 GA", {11, 12}},
      {"452.39", DriverOs::kWindows, "11.0", "CUDA 11.0.3 Update 1", {11}},
      {"452.38", DriverOs::kWindows, "11.0", "CUDA 11.0.3 Update 1", {}},
      {"528.33", DriverOs::kWindows, "12.0", "CUDA 12.0 Update 1", {11, 12}},
      {"528.32", DriverOs::kWindows, "12.0", "CUDA 12.0 GA", {11}},
      // Table 3 lists no Windows driver for 13.x; the 13.x family floor (>=580) still applies.
      {"591.44", DriverOs::kWindows, "12.9", "CUDA 12.9 Update 1", {11, 12, 13}},
      {"347.61", DriverOs::kWindows, nullptr, nullptr, {}},
  };
  const auto& table = embedded_table();
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.driver) + (c.os == DriverOs::kLinux ? " linux" : " windows"));
    auto max = table.max_cuda_for_driver(v(c.driver), c.os);
    if (c.max_cuda == nullptr) {
      EXPECT_FALSE(max);
      EXPECT_EQ(table.newest_row_for_driver(v(c.driver), c.os), nullptr);
    } else {
      ASSERT_TRUE(max);
      EXPECT_EQ(max->str(), c.max_cuda);
      ASSERT_NE(table.newest_row_for_driver(v(c.driver), c.os), nullptr);
      EXPECT_EQ(table.newest_row_for_driver(v(c.driver), c.os)->toolkit, c.toolkit);
    }
    EXPECT_EQ(table.compatible_majors(v(c.driver), c.os), c.majors);
  }
  std::cout << "[ cases    ] driver -> CUDA: " << cases.size() << " cases checked\n";
}

struct CudaCase {
  const char* cuda;
  const char* linux_min;    // nullptr: none listed
  const char* windows_min;  // nullptr: none listed
};

TEST(CudaTable, CudaToDriver) {
  const std::vector<CudaCase> cases = {
      {"12.4", "550.54.14", "551.61"}, {"12.4.1", "550.54.14", "551.61"},
      {"11.4", "470.42.01", "471.11"}, {"11.0", "450.36.06", "451.22"},
      {"12.0", "525.60.13", "527.41"}, {"13.0", "580.65.06", nullptr},
      {"13.2", "595.45.04", nullptr},  {"10.1", "418.39", "418.96"},
      {"12.7", nullptr, nullptr},      {"14.0", nullptr, nullptr},
      {"6.5", nullptr, nullptr},
  };
  const auto& table = embedded_table();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cuda);
    auto lin = table.min_driver_for_cuda(v(c.cuda), DriverOs::kLinux);
    auto win = table.min_driver_for_cuda(v(c.cuda), DriverOs::kWindows);
    EXPECT_EQ(lin ? driver_version_str(*lin) : "none", c.linux_min ? c.linux_min : "none");
    EXPECT_EQ(win ? driver_version_str(*win) : "none", c.windows_min ? c.windows_min : "none");
    EXPECT_EQ(table.knows_cuda(v(c.cuda)), c.linux_min != nullptr);
  }
  std::cout << "[ cases    ] CUDA -> driver: " << cases.size() << " cases checked\n";
}

TEST(CudaTable, MinorCompatFloorsAreTheDesignValues) {
  // DESIGN §3 rule 3, as data/cuda-driver-table.json "minor_version_compatibility" gives them.
  const auto& table = embedded_table();
  EXPECT_EQ(table.compat_majors(), (std::vector<long>{11, 12, 13}));
  EXPECT_EQ(driver_version_str(*table.minor_compat_floor(11, DriverOs::kLinux)), "450.80.02");
  EXPECT_EQ(driver_version_str(*table.minor_compat_floor(11, DriverOs::kWindows)), "452.39");
  EXPECT_EQ(driver_version_str(*table.minor_compat_floor(12, DriverOs::kLinux)), "525.60.13");
  EXPECT_EQ(driver_version_str(*table.minor_compat_floor(12, DriverOs::kWindows)), "528.33");
  EXPECT_EQ(driver_version_str(*table.minor_compat_floor(13, DriverOs::kLinux)), "580");
  EXPECT_EQ(driver_version_str(*table.minor_compat_floor(13, DriverOs::kWindows)), "580");
  EXPECT_FALSE(table.minor_compat_floor(10, DriverOs::kLinux));
  ASSERT_TRUE(table.minor_compat_note(13));
  EXPECT_NE(table.minor_compat_note(13)->find(">= 580"), std::string::npos);
}

// Every major.minor of the table's own GA summary equals what the rows give.
TEST(CudaTable, RowsAgreeWithGaSummary) {
  auto doc = nlohmann::json::parse(*embedded_file("cuda-driver-table.json"));
  const auto& table = embedded_table();
  int checked = 0;
  for (const auto& [cuda, entry] : doc["min_driver_by_major_minor_ga"].items()) {
    SCOPED_TRACE(cuda);
    for (auto [key, os] : {std::pair{"linux", DriverOs::kLinux}, {"windows", DriverOs::kWindows}}) {
      auto got = table.min_driver_for_cuda(v(cuda.c_str()), os);
      if (entry[key].is_null()) {
        EXPECT_FALSE(got);
      } else {
        ASSERT_TRUE(got);
        EXPECT_EQ(driver_version_str(*got), entry[key].get<std::string>());
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 60);
  std::cout << "[ cases    ] GA summary cross-check: " << checked << " values checked\n";
}

// data/cuda-driver-min-versions.json is an independent transcription (CSDN/cnblogs
// mirrors of Table 3, arrayfire's CudaToDriverVersion with rounded numbers): every
// value it gives must match some Table 3 row of the same CUDA X.Y, to its precision.
TEST(CudaTable, AgreesWithIndependentMinVersions) {
  auto doc = nlohmann::json::parse(*embedded_file("cuda-driver-min-versions.json"));
  const auto& table = embedded_table();
  int checked = 0;
  for (const auto& [key, entry] : doc["toolkits"].items()) {
    SCOPED_TRACE(key);
    auto cuda = v(key.substr(0, key.find(' ')).c_str());
    for (auto [field, os] :
         {std::pair{"linux_min", DriverOs::kLinux}, {"windows_min", DriverOs::kWindows}}) {
      if (entry[field].is_null()) continue;  // "not verified" in that file
      auto want = v(entry[field].get<std::string>().c_str());
      bool found = false;
      for (const auto& row : table.rows()) {
        const auto& min = os == DriverOs::kLinux ? row.linux_min : row.windows_min;
        if (row.cuda == cuda && min && min->truncated(want.parts().size()) == want) found = true;
      }
      EXPECT_TRUE(found) << field << " " << want.str() << " is in no Table 3 row of " << cuda.str();
      ++checked;
    }
  }
  EXPECT_GE(checked, 40);
  std::cout << "[ cases    ] min-versions cross-check: " << checked << " values checked\n";
}

TEST(CudaTable, EveryDataDriverRoundTripsAsNvidiaWritesIt) {
  auto doc = nlohmann::json::parse(*embedded_file("cuda-driver-table.json"));
  int checked = 0;
  for (const auto& row : doc["table3"]) {
    for (const char* field : {"linux_x86_64_min_driver", "windows_x86_64_min_driver"}) {
      if (!row[field].is_string()) continue;
      auto text = row[field].get<std::string>();
      EXPECT_EQ(driver_version_str(v(text.c_str())), text);
      ++checked;
    }
  }
  EXPECT_GE(checked, 120);
  EXPECT_EQ(driver_version_str(v("580")), "580");
  EXPECT_EQ(driver_version_str(v("570.124.6")), "570.124.06");
}

struct BadCase {
  const char* what;
  std::string json;
  const char* expect_in_message;
};

TEST(CudaTable, BadDataGivesClearErrors) {
  const std::string row_ok = R"({"toolkit": "CUDA 12.4 GA", "linux_x86_64_min_driver": "550.54.14"})";
  const std::vector<BadCase> cases = {
      {"truncated", R"({"table3": [{"toolkit": "CUDA 12.4 GA", "linux_x86)", "not valid JSON"},
      {"empty", "", "not valid JSON"},
      {"not an object", "[1,2]", "expected a JSON object"},
      {"no table3", R"({"rows": []})", "table3: missing or not an array"},
      {"table3 is a string", R"({"table3": "x"})", "table3: missing or not an array"},
      {"no rows", R"({"table3": []})", "table3: has no rows"},
      {"row not object", R"({"table3": [5]})", "table3[0]: expected an object"},
      {"toolkit number", R"({"table3": [{"toolkit": 12.4}]})", "table3[0].toolkit: missing"},
      {"toolkit no version", R"({"table3": [{"toolkit": "CUDA Next"}]})", "names no CUDA X.Y"},
      {"driver is a number",
       "{\"table3\": [" + row_ok + R"(, {"toolkit": "CUDA 12.5 GA", "linux_x86_64_min_driver": 555.42}]})",
       "table3[1].linux_x86_64_min_driver: expected a version string"},
      {"driver not a version",
       R"({"table3": [{"toolkit": "CUDA 12.5 GA", "windows_x86_64_min_driver": "abc"}]})",
       "'abc' is not a version"},
      {"no driver at all", R"({"table3": [{"toolkit": "CUDA 12.5 GA"}]})", "neither a Linux"},
      {"bad compat key", "{\"table3\": [" + row_ok + R"(], "minor_version_compatibility": {"twelve": {}}})",
       "minor_version_compatibility.twelve: key should look like"},
      {"bad compat floor",
       "{\"table3\": [" + row_ok + R"(], "minor_version_compatibility": {"12.x": {"linux_min": [525]}}})",
       "minor_version_compatibility.12.x.linux_min: expected a version string"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto parsed = CudaDriverTable::parse(c.json);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::kParse);
    EXPECT_NE(parsed.error().message.find("cuda-driver-table.json"), std::string::npos)
        << parsed.error().message;
    EXPECT_NE(parsed.error().message.find(c.expect_in_message), std::string::npos)
        << parsed.error().message;
  }
  std::cout << "[ cases    ] bad cuda-driver-table.json: " << cases.size() << " cases checked\n";
  // A minimal good file parses (the checks above fail for the stated reason only).
  EXPECT_TRUE(CudaDriverTable::parse("{\"table3\": [" + row_ok + "]}"));
}

TEST(CudaTable, MalformedOverrideFallsBackToEmbedded) {
  for (const char* text : {R"({"table3": [{"toolkit": "CUDA 12.4 GA", "linux_x86)",
                           R"({"table3": [{"toolkit": 12}]})"}) {
    TempDir dir;
    dir.write("cuda-driver-table.json", text);
    auto fs = host::make_rooted_fs("/");
    DataStore store(*fs, StoreOptions{dir.str(), std::nullopt});
    auto table = load_cuda_table(store);
    ASSERT_TRUE(table);
    EXPECT_EQ(table->max_cuda_for_driver(v("470.57.02"), DriverOs::kLinux)->str(), "11.4");
    EXPECT_EQ(store.origins().at("cuda-driver-table.json"), "embedded");
    ASSERT_EQ(store.warnings().size(), 1u);
    EXPECT_NE(store.warnings()[0].find(dir.str() + "/cuda-driver-table.json"), std::string::npos)
        << store.warnings()[0];
    EXPECT_NE(store.warnings()[0].find("using embedded instead"), std::string::npos);
  }
}

TEST(CudaTable, GoodOverrideIsUsed) {
  TempDir dir;
  dir.write("cuda-driver-table.json",
            R"({"table3": [{"toolkit": "CUDA 99.1 GA", "linux_x86_64_min_driver": "1.0"}]})");
  auto fs = host::make_rooted_fs("/");
  DataStore store(*fs, StoreOptions{dir.str(), std::nullopt});
  auto table = load_cuda_table(store);
  ASSERT_TRUE(table);
  EXPECT_EQ(table->max_cuda_for_driver(v("470.57.02"), DriverOs::kLinux)->str(), "99.1");
  EXPECT_TRUE(store.warnings().empty());
}

}  // namespace
}  // namespace torchup::data
