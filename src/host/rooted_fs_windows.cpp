// A FileSystem for Windows paths (host.h), live or under a root (--root DIR).
//
// Machine paths are absolute Windows paths, with "\" or "/" ("C:\Users\me",
// "C:/Program Files/NVIDIA GPU Computing Toolkit"), or POSIX-style absolute paths
// ("/etc/os-release", from code that reads Linux trees). Paths with ".." are refused.
// Under a root the drive letter is the first directory: "C:\Users\me" is
// ROOT\C\Users\me, "/etc/os-release" is ROOT\etc\os-release; a path that passes
// through a symbolic link or junction inside the root is refused (its target would
// name this computer's file, not the image's). Names are UTF-8 and reach Windows as
// UTF-16 (std::filesystem's wide paths), so Chinese user names work.
// "Executable" is a regular file with one of the default PATHEXT extensions
// (.COM;.EXE;.BAT;.CMD, "start" / "PATHEXT", Microsoft Learn: Windows has no exec bit).
#include <algorithm>
#include <cctype>
#include <cwctype>
#include <filesystem>
#include <fstream>

#include "host/host.h"
#include "host/wide_windows.h"

namespace torchup::host {
namespace {

namespace fs = std::filesystem;

bool is_sep(char c) { return c == '/' || c == '\\'; }

bool has_executable_extension(const fs::path& p) {
  std::wstring ext = p.extension().wstring();
  for (auto& c : ext) c = static_cast<wchar_t>(std::towlower(c));
  return ext == L".exe" || ext == L".com" || ext == L".bat" || ext == L".cmd";
}

class WindowsFileSystem final : public FileSystem {
 public:
  explicit WindowsFileSystem(std::string root) {
    while (root.size() > 1 && is_sep(root.back())) root.pop_back();
    if (root != "/") root_ = std::move(root);
  }

  std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes) const override {
    auto p = host_path(path);
    if (!p) return std::nullopt;
    std::error_code ec;
    if (!fs::is_regular_file(*p, ec)) return std::nullopt;
    std::ifstream in(*p, std::ios::binary);
    if (!in) return std::nullopt;
    std::string out;
    auto size = fs::file_size(*p, ec);
    if (!ec) out.reserve(std::min<std::size_t>(max_bytes, static_cast<std::size_t>(size)));
    char buf[65536];
    while (out.size() < max_bytes && in) {
      in.read(buf, static_cast<std::streamsize>(std::min<std::size_t>(sizeof buf, max_bytes - out.size())));
      out.append(buf, static_cast<std::size_t>(in.gcount()));
    }
    return out;
  }

  std::vector<std::string> list_dir(const std::string& path) const override {
    std::vector<std::string> out;
    auto p = host_path(path);
    if (!p) return out;
    std::error_code ec;
    for (fs::directory_iterator it(*p, ec), end; !ec && it != end; it.increment(ec)) {
      out.push_back(win::narrow(it->path().filename().wstring()));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  bool exists(const std::string& path) const override {
    auto p = host_path(path);
    std::error_code ec;
    return p && fs::exists(*p, ec);
  }

  bool is_dir(const std::string& path) const override {
    auto p = host_path(path);
    std::error_code ec;
    return p && fs::is_directory(*p, ec);
  }

  bool is_executable(const std::string& path) const override {
    auto p = host_path(path);
    std::error_code ec;
    return p && fs::is_regular_file(*p, ec) && has_executable_extension(*p);
  }

  std::optional<std::string> read_link(const std::string& path) const override {
    auto p = host_path(path, false);
    if (!p) return std::nullopt;
    std::error_code ec;
    auto target = fs::read_symlink(*p, ec);
    if (ec) return std::nullopt;
    return win::narrow(target.wstring());
  }

  std::string real_path(const std::string& path) const override {
    if (auto p = host_path(path)) return win::narrow(p->wstring());
    return root_ + path;
  }

 private:
  // Machine path -> path on this computer; nullopt for relative paths, "..", and (under
  // a root) links on the way (the last component only when follow_last).
  std::optional<fs::path> host_path(const std::string& path, bool follow_last = true) const {
    std::string_view rest(path);
    std::string drive;
    if (rest.size() >= 2 && std::isalpha(static_cast<unsigned char>(rest[0])) && rest[1] == ':') {
      drive = std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(rest[0]))));
      rest.remove_prefix(2);
    }
    const bool unc = drive.empty() && rest.size() >= 2 && is_sep(rest[0]) && is_sep(rest[1]);
    if (rest.empty() || !is_sep(rest.front())) return std::nullopt;  // relative ("C:x" too)
    std::vector<std::string> pieces;
    std::string piece;
    for (char c : rest) {
      if (is_sep(c)) {
        if (!piece.empty()) pieces.push_back(std::move(piece));
        piece.clear();
      } else {
        piece += c;
      }
    }
    if (!piece.empty()) pieces.push_back(std::move(piece));
    for (const auto& p : pieces) {
      if (p == "..") return std::nullopt;
    }
    if (root_.empty()) {
      std::string native = drive.empty() ? (unc ? "\\\\" : "\\") : drive + ":\\";
      for (std::size_t i = 0; i < pieces.size(); ++i) native += (i ? "\\" : "") + pieces[i];
      return fs::path(win::widen(native));
    }
    if (unc) return std::nullopt;  // a network share is not part of an image
    fs::path out(win::widen(root_));
    if (!drive.empty()) pieces.insert(pieces.begin(), drive);
    std::error_code ec;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (pieces[i] == ".") continue;
      out /= win::widen(pieces[i]);
      const bool last = i + 1 == pieces.size();
      if (last && !follow_last) break;
      auto status = fs::symlink_status(out, ec);
      if (ec || status.type() == fs::file_type::not_found) {
        if (!last) return std::nullopt;
        break;
      }
      if (status.type() == fs::file_type::symlink) return std::nullopt;
    }
    return out;
  }

  std::string root_;
};

}  // namespace

std::unique_ptr<FileSystem> make_rooted_fs(std::string root) {
  return std::make_unique<WindowsFileSystem>(std::move(root));
}

}  // namespace torchup::host
