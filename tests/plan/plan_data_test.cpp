// The release / ROCm / platform-fact parsers: the embedded files parse and carry
// the facts the plan relies on; malformed input is an error naming file and field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/embedded.h"
#include "data/releases.h"
#include "plan_support.h"

namespace torchup {
namespace {

using ::testing::HasSubstr;

TEST(PlanData, EmbeddedReleasesHaveTheFactsThePlanUses) {
  const auto& k = testing::knowledge();
  const auto* r = k.releases.find("2.12.0");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->cuda_variants, (std::vector<std::string>{"cu126", "cu130", "cu132"}));
  EXPECT_EQ(r->torchvision, "0.27.0");
  EXPECT_FALSE(r->torchaudio);  // not verified for 2.12 (torch-releases.json torchaudio_note)
  ASSERT_TRUE(r->arch_lists.at("cu130"));
  EXPECT_TRUE(r->arch_lists.at("cu130")->back().ptx);
  EXPECT_FALSE(k.releases.find("2.9.0")->arch_lists.at("cu130"));  // null = not verified
  EXPECT_EQ(k.releases.find("1.10.1")->torchvision, "0.11.2");    // the newer of two pairings
  EXPECT_TRUE(std::is_sorted(k.releases.releases.begin(), k.releases.releases.end(),
                             [](const auto& a, const auto& b) { return a.parsed < b.parsed; }));
  EXPECT_EQ(k.releases.nightly.cuda_variants, (std::vector<std::string>{"cu126", "cu130", "cu132"}));
  EXPECT_EQ(k.releases.fallback_arch_lists.at("cu129").front().str(), "7.0");
  EXPECT_EQ(k.published.latest_stable, "2.12.0");
}

TEST(PlanData, ReleasesAfterTheSiteSnapshotCarryTheirFacts) {
  const auto& k = testing::knowledge();
  const auto* r = k.releases.find("2.14.1");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r, &k.releases.releases.back());  // the newest release torchup knows
  EXPECT_EQ(r->cuda_variants, (std::vector<std::string>{"cu126", "cu130", "cu132"}));  // cu134: not on the selector
  EXPECT_EQ(r->rocm_variants, (std::vector<std::string>{"rocm7.2", "rocm7.14"}));
  EXPECT_EQ(r->torchvision, "0.29.1");
  EXPECT_EQ(k.releases.find("2.14.0")->torchvision, "0.29.0");
  EXPECT_FALSE(r->torchaudio);
  ASSERT_TRUE(r->arch_lists.at("cu130"));
  EXPECT_EQ(r->arch_lists.at("cu130")->back().str(), "12.0");  // measured, no PTX (#188914)
  EXPECT_EQ(r->arch_lists.at("cu126")->front().str(), "5.0");
  EXPECT_EQ(r->torch_only_python, (std::vector<std::string>{"3.15", "3.15t"}));
  EXPECT_FALSE(r->sources.empty());
  // 2.13.0: cp315 on Linux only (the CPU index listing in the data).
  const auto* r213 = k.releases.find("2.13.0");
  ASSERT_NE(r213, nullptr);
  ASSERT_TRUE(r213->python);
  EXPECT_THAT(*r213->python, ::testing::Contains("3.15"));
  EXPECT_THAT(r213->python_os.at("windows"), ::testing::Not(::testing::Contains("3.15")));
  EXPECT_THAT(r213->python_os.at("macos"), ::testing::Not(::testing::Contains("3.15")));
}

TEST(PlanData, EmbeddedRocmAndFacts) {
  const auto& k = testing::knowledge();
  ASSERT_NE(k.rocm.targets("rocm7.2"), nullptr);
  EXPECT_THAT(*k.rocm.targets("rocm7.2"), ::testing::Contains("gfx1151"));
  EXPECT_THAT(*k.rocm.targets("rocm7.1"), ::testing::Not(::testing::Contains("gfx1151")));
  EXPECT_EQ(k.rocm.targets("rocm5.7"), nullptr);  // not verified
  // Every ROCm variant a release names is in the gfx table (null or not).
  for (const auto& r : k.releases.releases) {
    for (const auto& v : r.rocm_variants) EXPECT_TRUE(k.rocm.gfx.count(v)) << r.version << " " << v;
  }
  EXPECT_EQ(k.facts.macos_x86_64_last_torch.str(), "2.2.2");
  EXPECT_EQ(k.facts.xpu_first_torch.str(), "2.5.0");
  EXPECT_EQ(k.facts.glibc_for(*Version::parse("2.6.0"))->str(), "2.28");
  EXPECT_EQ(k.facts.glibc_for(*Version::parse("2.5.1"))->str(), "2.17");
}

struct Bad {
  const char* text;
  const char* needle;
};

TEST(PlanData, PythonPerOsAndTorchOnlyFieldsAreChecked) {
  const Bad rows[] = {
      {R"({"versions": {"2.0.0": {"python_os": ["3.10"]}}})", "versions.2.0.0.python_os: expected an object"},
      {R"({"versions": {"2.0.0": {"python_os": {"windows": null}}}})", "versions.2.0.0.python_os.windows"},
      {R"({"versions": {"2.0.0": {"python_os": {"windows": [3]}}}})", "versions.2.0.0.python_os.windows[0]"},
      {R"({"versions": {"2.0.0": {"torch_only_python": "3.15"}}})", "versions.2.0.0.torch_only_python"},
      {R"({"versions": {"2.0.0": {"sources": [1]}}})", "versions.2.0.0.sources[0]"},
  };
  for (const auto& b : rows) {
    auto r = data::parse_torch_releases(b.text);
    ASSERT_FALSE(r) << b.text;
    EXPECT_THAT(r.error().message, HasSubstr(b.needle)) << b.text;
  }
  auto ok = data::parse_torch_releases(
      R"({"versions": {"2.0.0": {"python": ["3.10", "3.15"], "python_os": {"windows": ["3.10"]}, "torch_only_python": ["3.15"]}}})");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->releases.front().python_os.at("windows"), (std::vector<std::string>{"3.10"}));
  EXPECT_EQ(ok->releases.front().torch_only_python, (std::vector<std::string>{"3.15"}));
}

TEST(PlanData, MalformedReleasesNameTheField) {
  const Bad rows[] = {
      {"not json", "torch-releases.json: not valid JSON"},
      {"[]", "expected an object"},
      {R"({"versions": {}})", "versions: missing or empty"},
      {R"({"versions": {"x.y": {}}})", "versions.x.y: not a version number"},
      {R"({"versions": {"2.0.0": {"python": "3.10"}}})", "versions.2.0.0.python: expected a list"},
      {R"({"versions": {"2.0.0": {"python": [3.10]}}})", "versions.2.0.0.python[0]: expected a string"},
      {R"({"versions": {"2.0.0": {"cuda_variants": ["gpu"]}}})", "'gpu' is not a cuXYZ name"},
      {R"({"versions": {"2.0.0": {"arch_lists": {"cu118": ["8.x"]}}}})", "versions.2.0.0.arch_lists.cu118[0]"},
      {R"({"versions": {"2.0.0": {"torchvision": 5}}})", "versions.2.0.0.torchvision"},
  };
  for (const auto& b : rows) {
    auto r = data::parse_torch_releases(b.text);
    ASSERT_FALSE(r) << b.text;
    EXPECT_EQ(r.error().kind, ErrorKind::kParse);
    EXPECT_THAT(r.error().message, HasSubstr(b.needle)) << b.text;
  }
}

TEST(PlanData, MalformedRocmAndFactsNameTheField) {
  const Bad rocm[] = {
      {"{}", "rocm-gfx.json: rocm: missing"},
      {R"({"rocm": {"cuda12": {"gfx": []}}})", "rocm.cuda12"},
      {R"({"rocm": {"rocm7.2": {"gfx": ["sm_90"]}}})", "'sm_90' is not a gfx name"},
      {R"({"rocm": {"rocm7.2": {"gfx": "gfx1100"}}})", "rocm.rocm7.2.gfx"},
  };
  for (const auto& b : rocm) {
    auto r = data::parse_rocm_gfx(b.text);
    ASSERT_FALSE(r) << b.text;
    EXPECT_THAT(r.error().message, HasSubstr(b.needle)) << b.text;
  }
  const Bad facts[] = {
      {"{}", "platform-facts.json: facts: missing"},
      {R"({"facts": {}})", "facts.python_bits: missing"},
      {R"({"facts": {"python_bits": {"value": "64", "source": "x"}}})", "facts.python_bits.value"},
      {R"({"facts": {"python_bits": {"value": 64}}})", "facts.python_bits: has no 'source'"},
  };
  for (const auto& b : facts) {
    auto r = data::parse_platform_facts(b.text);
    ASSERT_FALSE(r) << b.text;
    EXPECT_THAT(r.error().message, HasSubstr(b.needle)) << b.text;
  }
  // The shipped file with the MPS fact's "min_macos" renamed (the fuzzer's first find:
  // reading a missing key of a const json was undefined behaviour, not an error).
  std::string shipped(data::embedded_file("platform-facts.json").value());
  const auto at = shipped.find("\"min_macos\"");
  ASSERT_NE(at, std::string::npos);
  shipped.replace(at, 11, "\"minmacos\"");
  const Bad renamed[] = {{shipped.c_str(), "facts.mps_first_torch.min_macos: expected a version string"}};
  for (const auto& b : renamed) {
    auto r = data::parse_platform_facts(b.text);
    ASSERT_FALSE(r) << b.text;
    EXPECT_THAT(r.error().message, HasSubstr(b.needle)) << b.text;
  }
}

TEST(PlanData, CudaArchParsing) {
  EXPECT_EQ(data::parse_cuda_arch("12.0+PTX")->str(), "12.0+PTX");
  EXPECT_FALSE(data::parse_cuda_arch("8"));
  EXPECT_FALSE(data::parse_cuda_arch("sm_86"));
  EXPECT_FALSE(data::parse_cuda_arch("8.6+ptx"));
}

}  // namespace
}  // namespace torchup
