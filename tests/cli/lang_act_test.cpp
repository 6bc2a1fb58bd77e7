// detect, verify, doctor and install --dry-run in the user's language (issue #14
// part 1): under LANG=zh_CN.UTF-8 their text is Chinese; commands, paths and
// versions stay as they are; each assertion fails on the English output.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "host/scripted.h"
#include "support/run_cli.h"
#include "support/temp_dir.h"

namespace torchup {
namespace {

using testing::interpreter_answer;
using testing::linux_x86_64;
using testing::run_cli;

std::string fixture(const std::string& name) {
  return std::string(TORCHUP_TEST_DIR) + "/fixtures/machines/" + name;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(LangAct, DetectSaysItsVerdictAndLabelsInChinese) {
  host::FakeMachine machine("/", {{"LANG", "zh_CN.UTF-8"}}, linux_x86_64(), true);
  auto r = run_cli(machine.host(), {"detect", "--root", fixture("nvidia-no-driver")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "未加载 NVIDIA 驱动")) << r.out;  // the verdict
  EXPECT_TRUE(has(r.out, "操作系统")) << r.out;
  EXPECT_TRUE(has(r.out, "显卡")) << r.out;
  EXPECT_FALSE(has(r.out, "no NVIDIA driver loaded")) << r.out;  // the verdict and the warning
  EXPECT_TRUE(
      has(r.out, "没有加载 NVIDIA 驱动（当前绑定的是 nouveau）：要使用 CUDA，请安装 NVIDIA 驱动"))
      << r.out;  // the warning
  EXPECT_FALSE(has(r.out, "  OS ")) << r.out;

  auto with_driver = run_cli(machine.host(), {"detect", "--root", fixture("nvidia-desktop")});
  ASSERT_EQ(with_driver.code, 0) << with_driver.err;
  EXPECT_TRUE(has(with_driver.out, "，驱动 ")) << with_driver.out;
  EXPECT_TRUE(has(with_driver.out, "  驱动  ")) << with_driver.out;  // the label, aligned
  EXPECT_FALSE(has(with_driver.out, "  Driver ")) << with_driver.out;

  // --lang en on the same machine: English, and --json keeps English.
  auto en =
      run_cli(machine.host(), {"detect", "--lang", "en", "--root", fixture("nvidia-no-driver")});
  EXPECT_TRUE(has(en.out, "no NVIDIA driver loaded")) << en.out;
  auto json = run_cli(machine.host(), {"detect", "--json", "--root", fixture("nvidia-no-driver")});
  EXPECT_FALSE(has(json.out, "操作系统")) << json.out;
}

host::ProcessResult segfault(const std::vector<std::string>&) {
  host::ProcessResult r;
  r.started = true;
  r.exit_code = -1;
  r.err = "Segmentation fault\n";
  r.signal = 11;
  return r;
}

TEST(LangAct, VerifyAndDoctorSayTheirChecksInChinese) {
  host::FakeMachine machine(fixture("nvidia-desktop"),
                            {{"PATH", "/usr/bin"}, {"LANG", "zh_CN.UTF-8"}}, linux_x86_64(), true);
  machine.runner().set_fallback(segfault);
  auto verify = run_cli(machine.host(), {"verify", "--python", "/usr/bin/python3"});
  EXPECT_EQ(verify.code, 1) << verify.err;
  EXPECT_TRUE(has(verify.out, "在 /usr/bin/python3 中运行探测脚本")) << verify.out;  // the title
  EXPECT_TRUE(has(verify.out, "/usr/bin/python3 在运行探测脚本时崩溃（SIGSEGV）"))
      << verify.out;  // the reason
  EXPECT_TRUE(has(verify.out, "解决办法：")) << verify.out;
  EXPECT_TRUE(has(verify.out, "存在问题：")) << verify.out;
  EXPECT_TRUE(has(verify.out, "项失败")) << verify.out;
  EXPECT_TRUE(has(verify.out, "`torchup doctor`")) << verify.out;  // commands as they are
  EXPECT_FALSE(has(verify.out, "run the probe in")) << verify.out;
  EXPECT_FALSE(has(verify.out, "PROBLEMS")) << verify.out;

  auto doctor = run_cli(machine.host(), {"doctor", "--python", "/usr/bin/python3"});
  EXPECT_EQ(doctor.code, 1) << doctor.err;
  EXPECT_TRUE(has(doctor.out, "个问题：")) << doctor.out;
  EXPECT_TRUE(has(doctor.out, "现象：")) << doctor.out;
  EXPECT_FALSE(has(doctor.out, "finding(s):")) << doctor.out;

  auto json = run_cli(machine.host(), {"verify", "--python", "/usr/bin/python3", "--json"});
  EXPECT_TRUE(has(json.out, "run the probe in /usr/bin/python3"))
      << json.out;  // JSON keeps English
}

TEST(LangAct, InstallDryRunSaysWhatItWouldRunInChinese) {
  host::FakeMachine machine(fixture("nvidia-desktop"),
                            {{"PATH", "/usr/bin"}, {"HOME", "/home/u"}, {"LANG", "zh_CN.UTF-8"}},
                            linux_x86_64(), true);
  machine.runner().set_fallback(interpreter_answer);
  auto r = run_cli(machine.host(), {"install", "--python", "/usr/bin/python3", "--dry-run"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(has(r.out, "方案：torch ")) << r.out;
  EXPECT_TRUE(has(r.out, "将要运行：")) << r.out;
  EXPECT_TRUE(has(r.out, "当前状态：")) << r.out;
  EXPECT_TRUE(has(r.out, "/usr/bin/python3 -m ")) << r.out;  // the command as it is
  EXPECT_FALSE(has(r.out, "Would run:")) << r.out;
  EXPECT_FALSE(has(r.out, "Plan: torch")) << r.out;
}

// cuda-compat, the guide's "read NVIDIA's Table 3" step, in Chinese: the verdict, the
// labels (aligned by display width) and the source; the versions as they are.
TEST(LangAct, CudaCompatSaysTable3InChinese) {
  host::FakeMachine machine("/", {{"LANG", "zh_CN.UTF-8"}}, linux_x86_64(), true);
  auto r = run_cli(machine.host(), {"cuda-compat", "550.54.14"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "驱动 550.54.14（Linux）最高支持 CUDA 12.4")) << r.out;
  EXPECT_TRUE(has(r.out, "  完整支持        CUDA 12.4"))
      << r.out;  // 4 CJK characters (8 columns), padded to 16
  EXPECT_TRUE(has(r.out, "来源：NVIDIA CUDA Toolkit 发行说明")) << r.out;
  EXPECT_FALSE(has(r.out, "supports CUDA up to")) << r.out;
  EXPECT_FALSE(has(r.out, "Full support")) << r.out;
  auto cuda = run_cli(machine.host(), {"cuda-compat", "--cuda", "12.4"});
  ASSERT_EQ(cuda.code, 0) << cuda.err;
  EXPECT_TRUE(has(cuda.out, "需要的驱动：Linux 上 >= ")) << cuda.out;
  auto usage = run_cli(machine.host(), {"cuda-compat"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_TRUE(has(usage.err, "请给出驱动版本或 --cuda X.Y")) << usage.err;
}

// An interpreter that is not externally managed (its prefix a temporary directory, so
// the install lock lands there), whose pip cannot look up the index's host name: pip's
// own output from tests/install/outputs/pip-dns-failure.txt.
host::ProcessResult offline_pip(const std::vector<std::string>& argv, const std::string& prefix) {
  host::ProcessResult r;
  if (argv.size() >= 3 && argv[0] == "/usr/bin/python3" && argv[1] == "-c" &&
      argv[2].find("EXTERNALLY-MANAGED") != std::string::npos) {
    r.started = true;
    r.exit_code = 0;
    r.out = "/usr/bin/python3\n3.10\n64\n" + prefix + "\n0\n";
    return r;
  }
  if (argv.size() >= 4 && argv[1] == "-m" && argv[2] == "pip" && argv[3] == "install") {
    std::ifstream in(std::string(TORCHUP_TEST_DIR) + "/install/outputs/pip-dns-failure.txt");
    std::stringstream text;
    text << in.rdbuf();
    r.started = true;
    r.exit_code = 1;
    r.err = text.str();
    return r;
  }
  r.start_error = argv.empty() ? "" : argv[0] + ": not scripted";
  return r;
}

// Issue #14 part 3: a failed name lookup names the mirrors torchup knows for China.
TEST(LangAct, NameLookupFailureNamesTheMirrors) {
  testing::TempDir prefix;
  for (const char* lang : {"en_US.UTF-8", "zh_CN.UTF-8"}) {
    host::FakeMachine machine(fixture("nvidia-desktop"),
                              {{"PATH", "/usr/bin"},
                               {"HOME", "/home/u"},
                               {"LANG", lang},
                               {"XDG_RUNTIME_DIR", prefix.str()}},
                              linux_x86_64(), true);
    const std::string dir = prefix.str();
    machine.runner().set_fallback(
        [dir](const std::vector<std::string>& argv) { return offline_pip(argv, dir); });
    auto r = run_cli(machine.host(), {"install", "--python", "/usr/bin/python3", "--yes"});
    EXPECT_EQ(r.code, 3) << r.err << r.out;
    for (const char* flag : {"--mirror nju", "--mirror sjtu", "--mirror aliyun", "--mirror auto"}) {
      EXPECT_TRUE(has(r.out, flag)) << lang << ": " << r.out;
    }
    if (std::string(lang) == "zh_CN.UTF-8") {
      EXPECT_TRUE(has(r.out, "中国大陆")) << r.out;
      EXPECT_TRUE(has(r.out, "安装失败：")) << r.out;
      EXPECT_FALSE(has(r.out, "could not be reached")) << r.out;
    } else {
      EXPECT_TRUE(has(r.out, "the official index could not be reached")) << r.out;
    }
  }
  // A mirror chosen by the user already: no list of the others.
  host::FakeMachine machine(fixture("nvidia-desktop"),
                            {{"PATH", "/usr/bin"}, {"XDG_RUNTIME_DIR", prefix.str()}},
                            linux_x86_64(), true);
  const std::string dir = prefix.str();
  machine.runner().set_fallback(
      [dir](const std::vector<std::string>& argv) { return offline_pip(argv, dir); });
  auto chosen = run_cli(machine.host(), {"install", "--python", "/usr/bin/python3", "--yes",
                                         "--mirror", "https://mirror.invalid/whl/cu126"});
  EXPECT_EQ(chosen.code, 3) << chosen.err << chosen.out;  // it did try, and failed the same way
  EXPECT_FALSE(has(chosen.out, "--mirror nju")) << chosen.out;
}

}  // namespace
}  // namespace torchup
