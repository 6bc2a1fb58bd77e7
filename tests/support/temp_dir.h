// A scratch directory for one test, removed afterwards.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace torchup::testing {

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("torchup-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path in UTF-8 (on Windows path::string() is the ANSI code page, which garbles
  // names like 张三; torchup's Host takes UTF-8 everywhere).
  std::string str() const {
    const std::u8string u8 = path_.u8string();
    return std::string(u8.begin(), u8.end());
  }
  // Writes `text` to path/rel (UTF-8), creating directories.
  void write(const std::string& rel, const std::string& text) const {
    const std::filesystem::path file = path_ / std::filesystem::path(std::u8string(rel.begin(), rel.end()));
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace torchup::testing
