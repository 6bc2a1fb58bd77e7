// The probe-output parser: real captured output parses field by field; every
// kind of garbage (no marker, bad JSON, wrong types, truncation at any byte,
// random bytes) is an Error naming the problem, never a crash or a throw.
#include <gtest/gtest.h>

#include <random>

#include "act/verify_probe.h"

namespace torchup::act {
namespace {

// Captured from `python3 -c <probe>` with Debian's python3-torch 1.13 on this
// machine (CPU build), with a warning line printed before the marker by a site hook.
const std::string kDebianCpu =
    "some banner printed by sitecustomize\n"
    "@@TORCHUP_PROBE@@{\"schema\": \"torchup.probe/1\", \"python\": {\"executable\": "
    "\"/usr/bin/python3\", \"version\": \"3.11.2\", \"bits\": 64}, \"torch_locations\": "
    "[\"/usr/lib/python3/dist-packages/torch\"], \"torch_dists\": "
    "[\"/usr/lib/python3/dist-packages/torch-1.13.0a0+gitunknown.egg-info\"], \"import_error\": "
    "null, \"torch\": {\"version\": \"1.13.0a0\", \"location\": "
    "\"/usr/lib/python3/dist-packages/torch\", \"cuda\": null, \"hip\": null, \"xpu_available\": "
    "false, \"mps_available\": false, \"rand\": \"tensor([[0.5724, 0.7513, 0.8046],\\n        "
    "[0.7990, 0.6183, 0.0053]])\", \"rand_error\": null, \"cuda_available\": false, "
    "\"cuda_error\": null, \"device_count\": 0, \"arch_list\": [], \"driver_cuda\": null, "
    "\"gpus\": []}, \"torchvision\": {\"installed\": false, \"version\": null, \"error\": null}, "
    "\"torchaudio\": {\"installed\": false, \"version\": null, \"error\": null}, \"warnings\": []}\n";

// A CUDA machine as the probe reports it (shape of the probe's own output).
const std::string kCudaGpu =
    "@@TORCHUP_PROBE@@{\"schema\": \"torchup.probe/1\", \"python\": {\"executable\": \"/v/bin/python\","
    " \"version\": \"3.12.3\", \"bits\": 64}, \"torch\": {\"version\": \"2.5.1+cu124\", \"location\":"
    " \"/v/lib/python3.12/site-packages/torch\", \"cuda\": \"12.4\", \"hip\": null, \"rand\": \"t\","
    " \"cuda_available\": true, \"device_count\": 1, \"arch_list\": [\"sm_50\", \"sm_90\"],"
    " \"driver_cuda\": \"12.6\", \"gpus\": [{\"index\": 0, \"name\": \"NVIDIA H200\", \"capability\":"
    " \"9.0\", \"gcn_arch\": null, \"total_memory\": 150121545728, \"matmul_ok\": true,"
    " \"matmul_max_diff\": 1.9e-06, \"error\": null}]}, \"torchvision\": {\"installed\": true,"
    " \"version\": \"0.20.1+cu124\", \"error\": null}, \"torchaudio\": {\"installed\": true,"
    " \"version\": null, \"error\": \"OSError: libsox.so: cannot open\"}, \"warnings\": [\"w1\"]}\n";

TEST(ProbeParse, DebianCpuCaptureFieldByField) {
  auto parsed = parse_probe_output(kDebianCpu);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->python_executable, "/usr/bin/python3");
  EXPECT_EQ(parsed->python_version, "3.11.2");
  EXPECT_EQ(parsed->python_bits, 64);
  ASSERT_EQ(parsed->torch_locations.size(), 1u);
  ASSERT_EQ(parsed->torch_dists.size(), 1u);
  EXPECT_FALSE(parsed->import_error);
  ASSERT_TRUE(parsed->torch);
  EXPECT_EQ(parsed->torch->version, "1.13.0a0");
  EXPECT_FALSE(parsed->torch->cuda);
  EXPECT_FALSE(parsed->torch->cuda_available);
  ASSERT_TRUE(parsed->torch->rand_text);
  EXPECT_NE(parsed->torch->rand_text->find("tensor([[0.5724"), std::string::npos);
  EXPECT_TRUE(parsed->torch->gpus.empty());
  EXPECT_FALSE(parsed->torchvision.installed);
}

TEST(ProbeParse, CudaGpuFieldByField) {
  auto parsed = parse_probe_output(kCudaGpu);
  ASSERT_TRUE(parsed) << parsed.error().message;
  const auto& t = *parsed->torch;
  EXPECT_EQ(t.cuda, "12.4");
  EXPECT_TRUE(t.cuda_available);
  EXPECT_EQ(t.device_count, 1);
  EXPECT_EQ(t.arch_list, (std::vector<std::string>{"sm_50", "sm_90"}));
  EXPECT_EQ(t.driver_cuda, "12.6");
  ASSERT_EQ(t.gpus.size(), 1u);
  EXPECT_EQ(t.gpus[0].name, "NVIDIA H200");
  EXPECT_EQ(t.gpus[0].capability, "9.0");
  EXPECT_EQ(t.gpus[0].total_memory, 150121545728LL);
  EXPECT_EQ(t.gpus[0].matmul_ok, true);
  EXPECT_DOUBLE_EQ(*t.gpus[0].matmul_max_diff, 1.9e-06);
  EXPECT_EQ(parsed->torchvision.version, "0.20.1+cu124");
  EXPECT_EQ(parsed->torchaudio.error, "OSError: libsox.so: cannot open");
  EXPECT_EQ(parsed->warnings, std::vector<std::string>{"w1"});
}

TEST(ProbeParse, ImportErrorIsParsed) {
  auto parsed = parse_probe_output(
      "@@TORCHUP_PROBE@@{\"schema\":\"torchup.probe/1\",\"python\":{\"executable\":\"p\","
      "\"version\":\"3.9.1\",\"bits\":32},\"import_error\":{\"type\":\"ImportError\","
      "\"message\":\"libcudnn.so.9: cannot open shared object file\",\"traceback\":\"tb\"},"
      "\"torch\":null}");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->python_bits, 32);
  ASSERT_TRUE(parsed->import_error);
  EXPECT_EQ(parsed->import_error->type, "ImportError");
  EXPECT_FALSE(parsed->torch);
}

TEST(ProbeParse, LastMarkerWins) {
  auto parsed = parse_probe_output("@@TORCHUP_PROBE@@{broken\n" + kDebianCpu);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->python_version, "3.11.2");
}

struct BadCase {
  const char* name;
  std::string text;
  const char* expected_in_message;
};

TEST(ProbeParse, GarbageGivesErrorsNamingTheProblem) {
  const std::string m = "@@TORCHUP_PROBE@@";
  const std::string py = "\"python\":{\"executable\":\"p\",\"version\":\"3.11.2\"}";
  const std::vector<BadCase> cases = {
      {"empty", "", "no result line"},
      {"plain text", "Python 3.11.2\n>>> ", "no result line"},
      {"binary", std::string("\x7f" "ELF\x02\x01\x01\0\0", 9), "no result line"},
      {"marker only", m, "not valid JSON"},
      {"truncated json", m + "{\"schema\":\"torchup.probe/1\",", "not valid JSON"},
      {"json array", m + "[1,2]", "not a JSON object"},
      {"wrong schema", m + "{\"schema\":\"other/2\"}", "unknown schema"},
      {"no python", m + "{\"schema\":\"torchup.probe/1\"}", "python: missing"},
      {"python version number",
       m + "{\"schema\":\"torchup.probe/1\",\"python\":{\"executable\":\"p\",\"version\":3}}",
       "python.version: expected a string"},
      {"neither torch nor error", m + "{\"schema\":\"torchup.probe/1\"," + py + "}",
       "neither torch nor import_error"},
      {"torch not object", m + "{\"schema\":\"torchup.probe/1\"," + py + ",\"torch\":5}",
       "torch: expected an object"},
      {"torch version missing", m + "{\"schema\":\"torchup.probe/1\"," + py + ",\"torch\":{}}",
       "torch.version: missing"},
      {"cuda_available string",
       m + "{\"schema\":\"torchup.probe/1\"," + py +
           ",\"torch\":{\"version\":\"2.0\",\"cuda_available\":\"yes\"}}",
       "torch.cuda_available: expected true or false"},
      {"device_count negative",
       m + "{\"schema\":\"torchup.probe/1\"," + py +
           ",\"torch\":{\"version\":\"2.0\",\"device_count\":-1}}",
       "torch.device_count"},
      {"arch_list numbers",
       m + "{\"schema\":\"torchup.probe/1\"," + py +
           ",\"torch\":{\"version\":\"2.0\",\"arch_list\":[86]}}",
       "torch.arch_list: expected a list of strings"},
      {"gpu not object",
       m + "{\"schema\":\"torchup.probe/1\"," + py + ",\"torch\":{\"version\":\"2.0\",\"gpus\":[1]}}",
       "torch.gpus[0]: expected an object"},
      {"gpu name number",
       m + "{\"schema\":\"torchup.probe/1\"," + py +
           ",\"torch\":{\"version\":\"2.0\",\"gpus\":[{\"name\":7}]}}",
       "torch.gpus[0].name: expected a string"},
      {"package not object",
       m + "{\"schema\":\"torchup.probe/1\"," + py + ",\"torch\":{\"version\":\"2.0\"},\"torchvision\":[]}",
       "torchvision: expected an object"},
      {"import_error not object",
       m + "{\"schema\":\"torchup.probe/1\"," + py + ",\"import_error\":\"x\"}",
       "import_error: expected an object"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_probe_output(c.text);
    ASSERT_FALSE(parsed) << c.name;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kParse) << c.name;
    EXPECT_NE(parsed.error().message.find(c.expected_in_message), std::string::npos)
        << c.name << ": " << parsed.error().message;
  }
}

// Every prefix of a valid output: parses only once the whole JSON line is there.
TEST(ProbeParse, EveryTruncationIsAnErrorNotACrash) {
  const std::string full = kCudaGpu;
  std::size_t ok_count = 0;
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto parsed = parse_probe_output(full.substr(0, n));
    if (parsed) ++ok_count;
  }
  // Only the prefix that ends right after the closing brace (without '\n') still parses.
  EXPECT_EQ(ok_count, 1u);
}

TEST(ProbeParse, RandomBytesAndMutationsNeverThrow) {
  std::mt19937 rng(20260514);
  std::uniform_int_distribution<int> byte(0, 255);
  int parsed_ok = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string text = round % 2 == 0 ? kCudaGpu : std::string("@@TORCHUP_PROBE@@");
    if (round % 2 == 0) {
      // Flip a few bytes of a valid output.
      for (int k = 0; k < 3; ++k) {
        std::size_t at = static_cast<std::size_t>(rng()) % text.size();
        text[at] = static_cast<char>(byte(rng));
      }
    } else {
      for (int k = 0; k < 200; ++k) text += static_cast<char>(byte(rng));
    }
    Expected<ProbeOutput> parsed = make_error(ErrorKind::kParse, "unset");
    EXPECT_NO_THROW(parsed = parse_probe_output(text));
    if (parsed) ++parsed_ok;
  }
  EXPECT_LT(parsed_ok, 2000);  // random garbage cannot all parse
}

TEST(ProbeScript, IsOnePythonProgramThatPrintsTheMarker) {
  const std::string& script = probe_script();
  EXPECT_NE(script.find("import torch"), std::string::npos);
  EXPECT_NE(script.find("torch.rand(5, 3)"), std::string::npos);
  EXPECT_NE(script.find("torch.cuda.is_available()"), std::string::npos);
  EXPECT_NE(script.find("get_arch_list()"), std::string::npos);
  EXPECT_NE(script.find(kProbeMarker), std::string::npos);
  EXPECT_NE(script.find(kProbeSchema), std::string::npos);
}

}  // namespace
}  // namespace torchup::act
