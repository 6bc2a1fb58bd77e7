#include "model/machine.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace torchup::model {
namespace {

TEST(MachineJson, RoundTrips) {
  Machine m;
  m.os = {"linux", "Debian GNU/Linux 12 (bookworm)", "12", "x86_64", "2.36", false};
  m.gpus.push_back({"nvidia", "NVIDIA GeForce RTX 4090", "10de:2684", "8.9", std::nullopt, "proc"});
  m.nvidia = NvidiaDriver{"550.54.14", "12.4", "/sys/module/nvidia/version"};
  m.pythons.push_back({"/usr/bin/python3", "3.11.2", 64,
                       InstalledTorch{"2.5.1+cu124", "12.4", std::nullopt, "/usr/lib/python3/dist-packages"},
                       true, true});
  auto j = to_json(m);
  EXPECT_EQ(j["schema"], "torchup.machine/1");
  EXPECT_EQ(j["gpus"][0]["compute_capability"], "8.9");
  EXPECT_EQ(j["rocm"], nullptr);
  auto back = machine_from_json(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(to_json(*back), j);
}

TEST(MachineJson, MissingFieldsAreUnknown) {
  auto m = machine_from_text(R"({"gpus": [{"vendor": "nvidia"}]})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->gpus.size(), 1u);
  EXPECT_FALSE(m->gpus[0].compute_capability);
  EXPECT_FALSE(m->nvidia);
  EXPECT_TRUE(m->os.family.empty());
}

TEST(MachineJson, WrongTypesNameTheField) {
  struct Case {
    const char* text;
    const char* field;
  } cases[] = {
      {R"({"gpus": [{"vendor": "nvidia"}, {"pci_id": 4318}]})", "gpus[1].pci_id"},
      {R"({"os": {"wsl": "yes"}})", "os.wsl"},
      {R"({"nvidia": {"driver_version": 550}})", "nvidia.driver_version"},
      {R"({"pythons": [{"bits": 48}]})", "pythons[0].bits"},
      {R"({"gpus": {}})", "$.gpus"},
      {R"({"schema": "torchup.plan/1"})", "schema"},
  };
  for (const auto& c : cases) {
    auto m = machine_from_text(c.text);
    ASSERT_FALSE(m) << c.text;
    EXPECT_NE(m.error().message.find(c.field), std::string::npos) << m.error().message;
  }
  auto bad = machine_from_text("{\"os\": ");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace torchup::model
