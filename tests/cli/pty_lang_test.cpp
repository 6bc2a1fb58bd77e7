// A first run in a real terminal under a Chinese locale (issue #14 part 1): the
// torchup binary on a pseudo-terminal (forkpty), LANG=zh_CN.UTF-8, as a user would
// type it. The verdict, the reasons and a hint must be Chinese; colour is on (a tty).
#include <gtest/gtest.h>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

namespace {

struct TtyRun {
  int code = -1;
  std::string screen;  // what the terminal showed (stdout and stderr), colour codes kept
};

TtyRun run_on_tty(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<char*> argv;
  std::string binary = TORCHUP_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> a = args, e = env;
  for (auto& s : a) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& s : e) envp.push_back(s.data());
  envp.push_back(nullptr);
  winsize size{};
  size.ws_row = 50;
  size.ws_col = 160;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) return {};
  if (pid == 0) {
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  TtyRun run;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has exited and the output is drained
    run.screen.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string plain(const std::string& s) { return std::regex_replace(s, std::regex("\x1b\\[[0-9;]*m"), ""); }

std::vector<std::string> chinese_env() {
  std::vector<std::string> env = {"LANG=zh_CN.UTF-8", "TERM=xterm-256color"};
  for (const char* name : {"PATH", "HOME"}) {
    if (const char* v = std::getenv(name)) env.push_back(std::string(name) + "=" + v);
  }
  return env;
}

TEST(PtyChinese, FirstRunShowsTheVerdictAndReasonsInChinese) {
  auto run = run_on_tty({}, chinese_env());  // `torchup`: detect this machine and recommend
  const std::string screen = plain(run.screen);
  EXPECT_EQ(run.code == 0 || run.code == 1, true) << run.screen;
  EXPECT_NE(run.screen.find("\x1b["), std::string::npos) << "a terminal gets colour";
  const bool verdict = screen.find("适用于 Python") != std::string::npos ||
                       screen.find("没有适合这台电脑的 PyTorch 版本") != std::string::npos ||
                       std::regex_search(screen, std::regex("torch [0-9.]+（[a-z0-9.]+）"));
  EXPECT_TRUE(verdict) << screen;
  EXPECT_NE(screen.find("原因"), std::string::npos) << screen;
  EXPECT_EQ(screen.find("\nwhy\n"), std::string::npos) << screen;
}

TEST(PtyChinese, AMistypedCommandGetsAChineseHint) {
  auto run = run_on_tty({"detetc"}, chinese_env());
  const std::string screen = plain(run.screen);
  EXPECT_EQ(run.code, 2) << screen;
  EXPECT_NE(screen.find("torchup：错误：未知命令 'detetc'"), std::string::npos) << screen;
  EXPECT_NE(screen.find("提示：你是不是想输入 `torchup detect`？"), std::string::npos) << screen;
}

TEST(PtyChinese, TheHelpListsCommandsInChinese) {
  auto run = run_on_tty({"--help"}, chinese_env());
  const std::string screen = plain(run.screen);
  EXPECT_EQ(run.code, 0) << screen;
  EXPECT_NE(screen.find("为这台电脑选出合适的 PyTorch 版本"), std::string::npos) << screen;
  EXPECT_NE(screen.find("退出码"), std::string::npos) << screen;
}

}  // namespace
