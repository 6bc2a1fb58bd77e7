// The Windows host's facts and file system: Scripts\python.exe venvs, ';' PATH search
// with PATHEXT, drive-letter paths live and under --root, the LockFileEx install lock.
#include <gtest/gtest.h>

#include "act/install.h"
#include "host/host.h"
#include "host/wide_windows.h"
#include "support/temp_dir.h"

namespace torchup::host {
namespace {

using torchup::testing::TempDir;

TEST(HostWindows, LiveFacts) {
  auto facts = live_system_facts();
  EXPECT_EQ(facts.os_family, "windows");
  EXPECT_EQ(facts.path_separator, ';');
  EXPECT_EQ(facts.venv_python, "Scripts/python.exe");
  EXPECT_EQ(facts.arch, "x86_64");
}

struct Machine {
  std::unique_ptr<FileSystem> fs = make_rooted_fs("");
  std::unique_ptr<ProcessRunner> runner = make_refusing_runner("test");
  std::unique_ptr<Environment> env;
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<Host> host;
  explicit Machine(std::map<std::string, std::string> vars) : env(make_map_environment(std::move(vars))) {
    host = std::make_unique<Host>(Host{*fs, *runner, *env, *http_client(), live_system_facts(), true});
  }
  HttpClient* http_client() {
    struct None final : HttpClient {
      Expected<HttpResponse> get(const std::string&, const HttpOptions&) override {
        return make_error(ErrorKind::kNetwork, "none");
      }
    };
    http = std::make_unique<None>();
    return http.get();
  }
};

TEST(HostWindows, VenvInterpreterIsScriptsPythonExe) {
  TempDir dir;
  dir.write("env/Scripts/python.exe", "MZ");
  dir.write("env/pyvenv.cfg", "home = C:\\Python312\n");
  Machine m({});
  std::string venv = dir.str() + "\\env";
  std::string python = venv_python(*m.host, venv);
  EXPECT_EQ(python, venv + "/Scripts/python.exe");
  EXPECT_TRUE(m.fs->is_executable(python));
  EXPECT_FALSE(m.fs->is_executable(venv + "\\pyvenv.cfg"));  // no exec bit: extensions decide
}

TEST(HostWindows, PathSearchSplitsAtSemicolonsAndTriesPathext) {
  TempDir dir;
  dir.write("a/readme.txt", "");
  dir.write("b 中文/tool.EXE", "MZ");
  dir.write("c/tool.cmd", "@echo off");
  dir.write("c/other.bat", "@echo off");
  Machine m(std::map<std::string, std::string>{{"PATHEXT", ".COM;.EXE;.BAT;.CMD"}});
  std::string path = dir.str() + "\\a;" + dir.str() + "\\b 中文;;" + dir.str() + "/c";
  auto tool = find_program_in(*m.host, path, "tool");
  ASSERT_TRUE(tool);
  EXPECT_EQ(*tool, dir.str() + "\\b 中文/tool.exe");  // the first directory, the first PATHEXT match
  EXPECT_EQ(find_program_in(*m.host, path, "other").value_or(""), dir.str() + "/c/other.bat");
  EXPECT_EQ(find_program_in(*m.host, path, "tool.cmd").value_or(""), dir.str() + "/c/tool.cmd");
  EXPECT_FALSE(find_program_in(*m.host, path, "readme"));  // .txt is not in PATHEXT
  EXPECT_FALSE(find_program_in(*m.host, path, "missing"));
  // A name with a directory (either separator) is checked as given.
  EXPECT_EQ(find_program_in(*m.host, "", dir.str() + "\\c\\other").value_or(""), dir.str() + "\\c\\other.bat");
}

TEST(HostWindows, RootedPathsMapDriveLettersUnderTheRoot) {
  TempDir dir;
  dir.write("C/Users/张三/AppData/Local/Programs/Python/Python312/python.exe", "MZ");
  dir.write("etc/os-release", "ID=debian\n");
  auto fs = make_rooted_fs(dir.str());
  EXPECT_TRUE(fs->is_executable("C:\\Users\\张三\\AppData\\Local\\Programs\\Python\\Python312\\python.exe"));
  EXPECT_TRUE(fs->is_executable("c:/Users/张三/AppData/Local/Programs/Python/Python312/python.exe"));
  EXPECT_EQ(fs->read_file("/etc/os-release").value_or(""), "ID=debian\n");
  EXPECT_EQ(fs->list_dir("C:\\Users"), std::vector<std::string>{"张三"});
  EXPECT_TRUE(fs->is_dir("C:\\Users\\张三"));
  EXPECT_FALSE(fs->exists("C:\\Users\\..\\..\\escape"));  // ".." is refused
  EXPECT_FALSE(fs->exists("Users\\张三"));                 // relative
  EXPECT_FALSE(fs->exists("D:\\Users"));
}

TEST(HostWindows, LiveFileSystemReadsUtf8Names) {
  TempDir dir;
  dir.write("数据/文件.txt", "内容");
  auto fs = make_rooted_fs("");
  EXPECT_EQ(fs->read_file(dir.str() + "\\数据\\文件.txt").value_or(""), "内容");
  EXPECT_EQ(fs->read_file(dir.str() + "/数据/文件.txt").value_or(""), "内容");
  EXPECT_EQ(fs->list_dir(dir.str() + "\\数据"), std::vector<std::string>{"文件.txt"});
}

TEST(HostWindows, InstallLockIsHeldWhileTaken) {
  TempDir dir;
  auto env = make_map_environment({{"TEMP", dir.str()}});
  auto locker = act::make_flock_locker(*env);
  std::string venv = dir.str() + "\\venv 环境";
  auto first = locker(venv);
  ASSERT_TRUE(first.acquired) << first.note;
  EXPECT_TRUE(first.note.empty()) << first.note;
  auto second = locker(venv);  // another handle: LockFileEx refuses it
  EXPECT_FALSE(second.acquired);
  EXPECT_EQ(second.holder_pid.value_or(0), static_cast<long>(::GetCurrentProcessId()));
  first = {};  // released with its handle
  auto third = locker(venv);
  EXPECT_TRUE(third.acquired) << third.note;
}

}  // namespace
}  // namespace torchup::host
