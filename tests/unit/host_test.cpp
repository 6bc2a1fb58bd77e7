// The host seams: the rooted file system confines reads to its root; the real
// process runner runs argv without a shell, captures output, enforces timeouts.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "host/host.h"
#include "host/interrupt.h"
#include "host/scripted.h"
#include "support/temp_dir.h"

namespace torchup::host {
namespace {

using torchup::testing::TempDir;

TEST(RootedFs, ReadsUnderRootOnly) {
  TempDir root;
  root.write("etc/os-release", "ID=debian\n");
  root.write("sys/bus/pci/devices/0000:01:00.0/class", "0x030000\n");
  auto fs = make_rooted_fs(root.str());
  EXPECT_EQ(fs->read_file("/etc/os-release"), "ID=debian\n");
  EXPECT_TRUE(fs->exists("/etc/os-release"));
  EXPECT_TRUE(fs->is_dir("/sys/bus/pci/devices"));
  EXPECT_EQ(fs->list_dir("/sys/bus/pci/devices"), std::vector<std::string>{"0000:01:00.0"});
  EXPECT_FALSE(fs->read_file("/etc/missing"));
  EXPECT_FALSE(fs->read_file("/../../etc/passwd"));  // no escape through ".."
  EXPECT_FALSE(fs->read_file("etc/os-release"));     // relative paths refused
  EXPECT_FALSE(fs->read_file("/etc"));                // a directory is not a file
  EXPECT_EQ(fs->read_file("/etc/os-release", 3), "ID=");
}

TEST(ProcessRunner, RunsArgvWithoutShell) {
  auto runner = make_process_runner();
  RunOptions opts;
  // A shell would expand $HOME and split on ';': argv must arrive verbatim.
  auto r = runner->run({"printf", "%s|", "$HOME;echo", "two words"}, opts);
  ASSERT_TRUE(r.started) << r.start_error;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "$HOME;echo|two words|");
}

TEST(ProcessRunner, CapturesExitCodeStderrAndStdin) {
  auto runner = make_process_runner();
  RunOptions opts;
  opts.stdin_text = "hello from stdin";
  auto r = runner->run({"sh", "-c", "cat; echo oops >&2; exit 7"}, opts);
  ASSERT_TRUE(r.started);
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.out, "hello from stdin");
  EXPECT_EQ(r.err, "oops\n");
  EXPECT_FALSE(r.ok());
}

TEST(ProcessRunner, MissingProgramIsNotStarted) {
  auto runner = make_process_runner();
  auto r = runner->run({"/nonexistent/torchup-no-such-program"}, RunOptions{});
  EXPECT_FALSE(r.started);
  EXPECT_FALSE(r.start_error.empty());
}

TEST(ProcessRunner, TimeoutKillsTheChild) {
  auto runner = make_process_runner();
  RunOptions opts;
  opts.timeout = std::chrono::milliseconds(300);
  auto r = runner->run({"sleep", "30"}, opts);
  EXPECT_TRUE(r.started);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
}

// Ctrl-C inside an InterruptScope: the child's group gets the signal; a child that
// ignores it is killed after the grace period; nothing new starts afterwards. The
// Ctrl-C comes when the child says it is ready (its trap is set), never after a
// fixed delay: a slow machine could still be starting the shell.
TEST(ProcessRunner, InterruptIsForwardedThenEnforced) {
  auto runner = make_process_runner();
  InterruptScope scope;
  RunOptions opts;
  opts.timeout = std::chrono::seconds(60);
  std::string seen;
  opts.on_output = [&](std::string_view chunk, bool) {
    seen += chunk;
    if (seen.find("ready") != std::string::npos) request_interrupt(SIGINT);
  };
  auto stops = runner->run({"sh", "-c", "trap 'echo got INT; exit 7' INT; echo ready; sleep 30 & wait"}, opts);
  EXPECT_TRUE(stops.interrupted);
  EXPECT_FALSE(stops.ok());
  EXPECT_NE(stops.out.find("got INT"), std::string::npos) << stops.out << stops.err;
  EXPECT_EQ(stops.exit_code, 7);

  auto refused = runner->run({"true"}, opts);  // still interrupted: nothing new runs
  EXPECT_FALSE(refused.started);
  EXPECT_TRUE(refused.interrupted);

  clear_interrupt();
  seen.clear();
  opts.interrupt_grace = std::chrono::milliseconds(300);  // the default 10 s, shortened: same path
  auto stubborn = runner->run({"sh", "-c", "trap '' INT; echo ready; sleep 30"}, opts);
  EXPECT_TRUE(stubborn.interrupted);
  EXPECT_EQ(stubborn.signal, SIGKILL);  // the grace period ended it, not the sleep
}

TEST(ProcessRunner, StreamsOutputAndPassesEnv) {
  auto runner = make_process_runner();
  RunOptions opts;
  opts.env["TORCHUP_TEST_VAR"] = "value-42";
  std::string streamed;
  opts.on_output = [&](std::string_view chunk, bool) { streamed += chunk; };
  auto r = runner->run({"sh", "-c", "echo $TORCHUP_TEST_VAR"}, opts);
  EXPECT_EQ(r.out, "value-42\n");
  EXPECT_EQ(streamed, "value-42\n");
}

TEST(RefusingRunner, NeverRuns) {
  auto runner = make_refusing_runner("--root given");
  auto r = runner->run({"true"}, RunOptions{});
  EXPECT_FALSE(r.started);
  EXPECT_NE(r.start_error.find("--root given"), std::string::npos);
}

TEST(OwnedHost, RootedHostNeverExecutes) {
  TempDir root;
  auto h = OwnedHost::rooted(root.str());
  EXPECT_FALSE(h->host().live);
  EXPECT_FALSE(h->host().runner.run({"true"}, RunOptions{}).started);
  EXPECT_FALSE(h->host().env.get("PATH"));  // the live environment does not leak in
}

TEST(ScriptedRunner, AnswersFromTable) {
  ScriptedRunner runner;
  runner.add_output({"nvidia-smi", "--version"}, "DRIVER version: 550.54.14\n");
  auto r = runner.run({"nvidia-smi", "--version"}, RunOptions{});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.out, "DRIVER version: 550.54.14\n");
  EXPECT_FALSE(runner.run({"nvidia-smi"}, RunOptions{}).started);
  EXPECT_EQ(runner.calls().size(), 2u);
}

TEST(Http, RefusesPlainHttpOffLoopback) {
  auto http = make_curl_http();
  auto r = http->get("http://example.com/x.json", HttpOptions{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
  // Look-alike hosts are not loopback.
  for (const char* url : {"http://127.0.0.1.evil.com/x", "http://localhost.evil.com/x",
                          "http://localhostx:80/"}) {
    auto refused = http->get(url, HttpOptions{});
    ASSERT_FALSE(refused) << url;
    EXPECT_EQ(refused.error().kind, ErrorKind::kUsage) << url;
  }
}

}  // namespace
}  // namespace torchup::host
