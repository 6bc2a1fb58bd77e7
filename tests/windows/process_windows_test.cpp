// The Windows process runner (host/process_windows.cpp) against torchup_test_child.exe:
// command lines read back by the C runtime, the UTF-16 environment, pipes, exit codes,
// timeouts that kill the whole tree, interrupts.
#include <gtest/gtest.h>

#include "host/host.h"
#include "host/interrupt.h"
#include "host/wide_windows.h"

namespace torchup::host {
namespace {

// The child sits beside the test program (tests/windows/tests.cmake).
std::string child_path() {
  wchar_t self[MAX_PATH];
  DWORD n = ::GetModuleFileNameW(nullptr, self, MAX_PATH);
  std::wstring path(self, n);
  path = path.substr(0, path.find_last_of(L"\\/") + 1) + L"torchup_test_child.exe";
  return win::narrow(path);
}

std::vector<std::string> child(std::vector<std::string> args) {
  args.insert(args.begin(), child_path());
  return args;
}

TEST(ProcessWindows, ArgumentsRoundTripThroughTheCRuntime) {
  auto runner = make_process_runner();
  const std::vector<std::string> args = {
      "plain", "two words", "", "say \"hi\"", "trailing\\", "C:\\Program Files\\", "x\\\\\"y", "a\\b c", "中文 参数",
      "tab\there", "\\\\server\\share"};
  std::vector<std::string> argv = {"args"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = runner->run(child(argv), RunOptions{});
  ASSERT_TRUE(r.ok()) << r.start_error << r.err;
  std::string expected;
  for (const auto& a : args) expected += a + "\n--\n";
  EXPECT_EQ(r.out, expected);
}

TEST(ProcessWindows, ProgramPathWithSpacesAndChinese) {
  // The child copied to a directory whose name needs quoting and is not ASCII.
  wchar_t temp[MAX_PATH];
  ::GetTempPathW(MAX_PATH, temp);
  std::wstring dir = std::wstring(temp) + L"torchup 测试 " + std::to_wstring(::GetCurrentProcessId());
  ::CreateDirectoryW(dir.c_str(), nullptr);
  std::wstring copy = dir + L"\\child 程序.exe";
  ASSERT_TRUE(::CopyFileW(win::widen(child_path()).c_str(), copy.c_str(), FALSE));
  auto runner = make_process_runner();
  auto r = runner->run({win::narrow(copy), "args", "ok"}, RunOptions{});
  ::DeleteFileW(copy.c_str());
  ::RemoveDirectoryW(dir.c_str());
  ASSERT_TRUE(r.ok()) << r.start_error;
  EXPECT_EQ(r.out, "ok\n--\n");
}

TEST(ProcessWindows, EnvironmentIsUtf16AndMerged) {
  auto runner = make_process_runner();
  RunOptions options;
  options.env["TORCHUP_TEST_VALUE"] = "用户 C:\\Users\\张三";
  auto r = runner->run(child({"env", "TORCHUP_TEST_VALUE"}), options);
  ASSERT_TRUE(r.ok()) << r.start_error;
  EXPECT_EQ(r.out, "用户 C:\\Users\\张三");
  // The inherited environment is still there (names are case-insensitive).
  auto path = runner->run(child({"env", "sYsTeMrOoT"}), RunOptions{});
  ASSERT_TRUE(path.ok());
  EXPECT_FALSE(path.out.empty());
}

TEST(ProcessWindows, StdinStdoutStderrAndExitCode) {
  auto runner = make_process_runner();
  RunOptions options;
  options.stdin_text = std::string(200000, 'x') + "end";  // more than a pipe buffer
  std::string streamed;
  options.on_output = [&](std::string_view chunk, bool is_stderr) {
    if (!is_stderr) streamed.append(chunk);
  };
  auto cat = runner->run(child({"cat"}), options);
  ASSERT_TRUE(cat.ok()) << cat.start_error;
  EXPECT_EQ(cat.out, *options.stdin_text);
  EXPECT_EQ(streamed, cat.out);

  auto fails = runner->run(child({"exit", "7"}), RunOptions{});
  EXPECT_TRUE(fails.started);
  EXPECT_FALSE(fails.ok());
  EXPECT_EQ(fails.exit_code, 7);
  EXPECT_EQ(fails.out, "out");
  EXPECT_EQ(fails.err, "err");
}

TEST(ProcessWindows, MissingProgramDoesNotStart) {
  auto runner = make_process_runner();
  auto r = runner->run({"torchup-no-such-program-x.exe"}, RunOptions{});
  EXPECT_FALSE(r.started);
  EXPECT_NE(r.start_error.find("torchup-no-such-program-x.exe"), std::string::npos) << r.start_error;
}

bool process_gone(DWORD pid) {
  HANDLE h = ::OpenProcess(SYNCHRONIZE, FALSE, pid);
  if (!h) return true;
  bool ended = ::WaitForSingleObject(h, 5000) == WAIT_OBJECT_0;
  ::CloseHandle(h);
  return ended;
}

TEST(ProcessWindows, TimeoutKillsTheWholeTree) {
  auto runner = make_process_runner();
  RunOptions options;
  options.timeout = std::chrono::milliseconds(1500);
  auto r = runner->run(child({"tree", "60000"}), options);
  EXPECT_TRUE(r.started);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  DWORD grandchild = static_cast<DWORD>(std::stoul(r.out));
  ASSERT_GT(grandchild, 0u);
  EXPECT_TRUE(process_gone(grandchild)) << "the grandchild " << grandchild << " survived the timeout";
}

TEST(ProcessWindows, InterruptWaitsTheGraceThenKills) {
  auto runner = make_process_runner();
  InterruptScope scope;
  RunOptions options;
  options.timeout = std::chrono::seconds(60);
  options.interrupt_grace = std::chrono::milliseconds(500);
  options.on_output = [](std::string_view, bool) { request_interrupt(2); };  // once it printed its pid
  auto r = runner->run(child({"tree", "60000"}), options);
  EXPECT_TRUE(r.interrupted);
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(process_gone(static_cast<DWORD>(std::stoul(r.out))));
  // Interrupted: nothing new is started.
  auto next = runner->run(child({"exit", "0"}), RunOptions{});
  EXPECT_FALSE(next.started);
  EXPECT_TRUE(next.interrupted);
}

}  // namespace
}  // namespace torchup::host
