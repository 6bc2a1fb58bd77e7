// A FileSystem that reads a machine's files from under a root directory.
//
// Under a root (--root, a mounted image, a fixture) the OS must not resolve symbolic
// links: an absolute link inside the image names the image's file, but the OS would
// follow it to this computer's file. So links are resolved here, one component at a
// time, the way the kernel resolves them for a process chroot(2)ed into the root
// (path_resolution(7)): an absolute target restarts at the root, ".." at the root stays
// at the root, and after 40 links (Linux's MAXSYMLINKS) the path is unreadable (ELOOP).
// The live machine (root "/") is read through the OS, which resolves the same way.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <filesystem>

#include "host/host.h"
#include "util/strings.h"

namespace torchup::host {
namespace {

namespace fs = std::filesystem;

// Linux fs/namei.c: MAXSYMLINKS 40.
constexpr int kMaxLinks = 40;

class RootedFileSystem final : public FileSystem {
 public:
  explicit RootedFileSystem(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
    if (root_ == "/") root_.clear();
  }

  std::optional<std::string> read_file(const std::string& path,
                                       std::size_t max_bytes) const override {
    auto p = host_path(path, true);
    if (!p) return std::nullopt;
    // O_NOFOLLOW: the last component was checked not to be a link; a link swapped in
    // since then is refused rather than followed out of the root.
    int fd = ::open(p->c_str(), O_RDONLY | O_CLOEXEC | (root_.empty() ? 0 : O_NOFOLLOW));
    if (fd < 0) return std::nullopt;
    std::string out;
    // Sized once: growing by appends re-faults every page of a multi-MB file (pci.ids,
    // an interpreter scanned for its version) and cost ~20 ms for 7 MB on the dev VM.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      out.reserve(std::min(max_bytes, static_cast<std::size_t>(st.st_size)));
    }
    char buf[65536];
    bool failed = false;
    while (out.size() < max_bytes) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) failed = true;  // e.g. EISDIR: a directory is not a file
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (failed) return std::nullopt;
    if (out.size() > max_bytes) out.resize(max_bytes);
    return out;
  }

  std::vector<std::string> list_dir(const std::string& path) const override {
    std::vector<std::string> out;
    auto p = host_path(path, true);
    if (!p) return out;
    std::error_code ec;
    for (fs::directory_iterator it(*p, ec), end; !ec && it != end; it.increment(ec)) {
      out.push_back(it->path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  bool exists(const std::string& path) const override {
    struct stat st {};
    return stat_of(path, st);
  }

  bool is_dir(const std::string& path) const override {
    struct stat st {};
    return stat_of(path, st) && S_ISDIR(st.st_mode);
  }

  bool is_executable(const std::string& path) const override {
    struct stat st {};
    return stat_of(path, st) && S_ISREG(st.st_mode) &&
           (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
  }

  std::optional<std::string> read_link(const std::string& path) const override {
    auto p = host_path(path, false);  // the directories resolved, the link itself not
    if (!p) return std::nullopt;
    std::error_code ec;
    auto target = fs::read_symlink(*p, ec);
    if (ec) return std::nullopt;
    return target.string();
  }

  std::string real_path(const std::string& path) const override {
    if (auto p = host_path(path, true)) return *p;
    return root_ + path;
  }

 private:
  // stat(2) of the machine path; under a root the resolved last component is no link,
  // so lstat is stat there and never leaves the root.
  bool stat_of(const std::string& path, struct stat& st) const {
    auto p = host_path(path, true);
    if (!p) return false;
    return (root_.empty() ? ::stat(p->c_str(), &st) : ::lstat(p->c_str(), &st)) == 0;
  }

  // Machine path -> path on this computer. Relative paths and ".." in the path asked
  // for are refused; links met on the way are resolved inside the root.
  std::optional<std::string> host_path(const std::string& path, bool follow_last) const {
    if (path.empty() || path.front() != '/') return std::nullopt;
    for (auto piece : str::split(path, '/')) {
      if (piece == "..") return std::nullopt;
    }
    if (root_.empty()) return path;
    auto resolved = resolve(path, follow_last);
    if (!resolved) return std::nullopt;
    return root_ + *resolved;
  }

  // The machine path with every link resolved inside the root (the last component only
  // when follow_last); nullopt when a directory on the way is missing or not a
  // directory, or the links loop. A missing last component is returned as is.
  std::optional<std::string> resolve(const std::string& path, bool follow_last) const {
    std::deque<std::string> pending;
    auto push_front = [&pending](const std::string& text) {
      auto pieces = str::split(text, '/');
      for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
        if (!it->empty() && *it != ".") pending.emplace_front(*it);
      }
    };
    push_front(path);
    std::vector<std::string> parts;  // resolved components below the root
    auto joined = [&parts] {
      std::string out;
      for (const auto& p : parts) out += "/" + p;
      return out.empty() ? std::string("/") : out;
    };
    int links = 0;
    while (!pending.empty()) {
      std::string piece = std::move(pending.front());
      pending.pop_front();
      if (piece == "..") {
        if (!parts.empty()) parts.pop_back();  // ".." at the root is the root
        continue;
      }
      bool last = pending.empty();
      parts.push_back(std::move(piece));
      if (last && !follow_last) break;
      std::string here = root_ + joined();
      struct stat st {};
      if (::lstat(here.c_str(), &st) != 0) {
        if (!last) return std::nullopt;  // ENOENT on the way
        break;
      }
      if (S_ISLNK(st.st_mode)) {
        parts.pop_back();
        if (++links > kMaxLinks) return std::nullopt;  // ELOOP
        std::error_code ec;
        auto target = fs::read_symlink(here, ec).string();
        if (ec || target.empty()) return std::nullopt;
        if (target.front() == '/') parts.clear();  // absolute: from the root again
        push_front(target);
        continue;
      }
      if (!last && !S_ISDIR(st.st_mode)) return std::nullopt;  // ENOTDIR
    }
    return joined();
  }

  std::string root_;
};

}  // namespace

std::unique_ptr<FileSystem> make_rooted_fs(std::string root) {
  return std::make_unique<RootedFileSystem>(std::move(root));
}

}  // namespace torchup::host
