// DownloadFiles for POSIX (download.h): pread/pwrite on one descriptor, statvfs for
// the free space, rename(2) for the finished file and the sidecar.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "act/download.h"

namespace torchup::act {
namespace {

Error disk_error(const std::string& what, const std::string& path, int err) {
  std::string hint = err == ENOSPC || err == EDQUOT
                         ? "free some space there, or set XDG_CACHE_HOME to a disk with room"
                         : "check that the directory is writable";
  return make_error(ErrorKind::kEnvironment,
                    "could not " + what + " " + path + ": " + std::strerror(err), hint);
}

class PosixFile final : public WritableFile {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }

  Status write_at(std::uint64_t offset, std::string_view bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return disk_error("write", path_, errno);
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
      offset += static_cast<std::uint64_t>(n);
    }
    return Ok{};
  }

  Expected<std::string> read_at(std::uint64_t offset, std::size_t size) override {
    std::string out(size, '\0');
    std::size_t got = 0;
    while (got < size) {
      ssize_t n = ::pread(fd_, out.data() + got, size - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return disk_error("read", path_, errno);
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
  }

  Status truncate(std::uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0)
      return disk_error("truncate", path_, errno);
    return Ok{};
  }

 private:
  int fd_;
  std::string path_;
};

class PosixFiles final : public DownloadFiles {
 public:
  std::optional<std::uint64_t> file_size(const std::string& path) const override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return static_cast<std::uint64_t>(st.st_size);
  }

  std::optional<std::string> read_small(const std::string& path) const override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    PosixFile file(fd, path);
    auto text = file.read_at(0, 1u << 20);
    if (!text) return std::nullopt;
    return *text;
  }

  Status write_small(const std::string& path, const std::string& text) override {
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return disk_error("write", tmp, errno);
    {
      PosixFile file(fd, tmp);
      if (auto wrote = file.write_at(0, text); !wrote) return wrote;
    }
    return rename(tmp, path);
  }

  Status make_dirs(const std::string& path) override {
    std::string sofar;
    for (std::size_t i = 0; i <= path.size(); ++i) {
      if (i == path.size() || (path[i] == '/' && i > 0)) {
        sofar = path.substr(0, i);
        if (::mkdir(sofar.c_str(), 0755) != 0 && errno != EEXIST)
          return disk_error("create", sofar, errno);
      }
    }
    return Ok{};
  }

  Expected<std::unique_ptr<WritableFile>> open(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return disk_error("open", path, errno);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixFile>(fd, path));
  }

  Expected<std::unique_ptr<WritableFile>> open_read(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return disk_error("open", path, errno);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixFile>(fd, path));
  }

  Status rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return disk_error("rename " + from + " to", to, errno);
    return Ok{};
  }

  void remove(const std::string& path) override { ::unlink(path.c_str()); }

  Status link(const std::string& from, const std::string& to) override {
    ::unlink(to.c_str());
    if (::link(from.c_str(), to.c_str()) != 0) return disk_error("link " + from + " to", to, errno);
    return Ok{};
  }

  std::optional<std::uint64_t> free_space(const std::string& dir) const override {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) return std::nullopt;
    return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
  }
};

}  // namespace

std::unique_ptr<DownloadFiles> make_download_files() { return std::make_unique<PosixFiles>(); }

}  // namespace torchup::act
