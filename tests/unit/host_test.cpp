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

// Links inside a root are resolved inside it: an absolute target is re-rooted and ".."
// stops at the root, as for a process chroot(2)ed there. The "outside" file stands for
// the host's own file that the OS would otherwise reach.
class RootedFsLinks : public ::testing::Test {
 protected:
  void SetUp() override {
    outside.write("secret", "HOST FILE\n");
    root.write("usr/lib/os-release", "ID=inside\n");
    root.write("usr/lib/x86_64-linux-gnu/libc.so.6", "libc inside\n");
    std::filesystem::create_directories(root.path() / "etc");
    std::filesystem::create_directories(root.path() / "opt/tool-1.0/bin");
    root.write("opt/tool-1.0/bin/run", "#!\n");
    std::filesystem::permissions(root.path() / "opt/tool-1.0/bin/run",
                                 std::filesystem::perms::owner_all);
  }
  void link(const std::string& target, const std::string& rel) const {
    std::filesystem::create_directories((root.path() / rel).parent_path());
    std::filesystem::create_symlink(target, root.path() / rel);
  }

  TempDir outside;
  TempDir root;
};

TEST_F(RootedFsLinks, AbsoluteTargetIsReRooted) {
  link("/usr/lib/os-release", "etc/os-release");
  link(outside.str() + "/secret", "etc/escape");  // the host's path, absent under the root
  link("/usr/lib", "lib");                         // merged /usr, absolute
  link("/opt/tool-1.0", "opt/tool");
  auto fs = make_rooted_fs(root.str());
  EXPECT_EQ(fs->read_file("/etc/os-release"), "ID=inside\n");
  EXPECT_FALSE(fs->read_file("/etc/escape"));
  EXPECT_FALSE(fs->exists("/etc/escape"));
  EXPECT_EQ(fs->read_file("/lib/x86_64-linux-gnu/libc.so.6"), "libc inside\n");
  EXPECT_TRUE(fs->is_dir("/lib/x86_64-linux-gnu"));
  EXPECT_EQ(fs->list_dir("/lib"), (std::vector<std::string>{"os-release", "x86_64-linux-gnu"}));
  EXPECT_TRUE(fs->is_executable("/opt/tool/bin/run"));
  EXPECT_TRUE(fs->is_dir("/opt/tool"));
  EXPECT_EQ(fs->real_path("/opt/tool/bin/run"), root.str() + "/opt/tool-1.0/bin/run");
  EXPECT_EQ(fs->real_path("/etc/os-release"), root.str() + "/usr/lib/os-release");
}

TEST_F(RootedFsLinks, ReadLinkResolvesTheDirectoriesButNotTheLink) {
  link("/usr/lib", "lib");
  link("os-release", "usr/lib/os-release-link");
  link(outside.str(), "usr/lib/out");  // a directory link to the host's directory
  auto fs = make_rooted_fs(root.str());
  EXPECT_EQ(fs->read_link("/lib/os-release-link"), "os-release");  // through the /lib link
  EXPECT_EQ(fs->read_link("/lib"), "/usr/lib");
  EXPECT_FALSE(fs->read_link("/usr/lib/os-release"));  // a file, not a link
  EXPECT_FALSE(fs->read_link("/usr/lib/out/secret"));  // not followed to the host
  EXPECT_FALSE(fs->read_file("/usr/lib/out/secret"));
  EXPECT_TRUE(fs->list_dir("/usr/lib/out").empty());
}

TEST_F(RootedFsLinks, DotDotStopsAtTheRoot) {
  // From <root>/etc, eight ".." climb past the root on the host; inside, they stop at it.
  link("../../../../../../../../usr/lib/os-release", "etc/os-release");
  std::string up;
  for (int i = 0; i < 20; ++i) up += "../";
  link(up + outside.path().relative_path().string() + "/secret", "etc/escape");
  auto fs = make_rooted_fs(root.str());
  EXPECT_EQ(fs->read_file("/etc/os-release"), "ID=inside\n");
  EXPECT_FALSE(fs->read_file("/etc/escape"));
  EXPECT_FALSE(fs->exists("/etc/escape"));
  EXPECT_EQ(fs->read_file("/etc/../../etc/passwd"), std::nullopt);  // ".." in the path asked
}

TEST_F(RootedFsLinks, LoopsAndLongChainsAreUnreadable) {
  link("b", "etc/a");
  link("a", "etc/b");
  link("self", "etc/self");
  // A chain of 40 links (Linux's limit) still resolves; 41 do not.
  for (int i = 0; i < 41; ++i) link("c" + std::to_string(i + 1), "etc/c" + std::to_string(i));
  root.write("etc/c41", "end\n");
  auto fs = make_rooted_fs(root.str());
  EXPECT_FALSE(fs->read_file("/etc/a"));
  EXPECT_FALSE(fs->exists("/etc/self"));
  EXPECT_FALSE(fs->is_dir("/etc/self"));
  EXPECT_EQ(fs->read_link("/etc/self"), "self");  // the link itself can still be read
  EXPECT_EQ(fs->read_file("/etc/c1"), "end\n");   // 40 links
  EXPECT_FALSE(fs->read_file("/etc/c0"));          // 41 links
}

TEST_F(RootedFsLinks, MissingOrFileDirectoriesOnTheWayAreNotFound) {
  link("/nowhere/at/all", "etc/dangling");
  link("/missing/../usr/lib/os-release", "etc/via-missing");  // ENOENT at /missing
  auto fs = make_rooted_fs(root.str());
  EXPECT_FALSE(fs->exists("/etc/dangling"));
  EXPECT_EQ(fs->read_link("/etc/dangling"), "/nowhere/at/all");
  EXPECT_FALSE(fs->read_file("/usr/lib/os-release/x"));  // a file is not a directory
  EXPECT_FALSE(fs->exists("/etc/via-missing"));
  EXPECT_TRUE(fs->is_dir("/"));
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
