// The live Windows registry (Windows builds only; src/host/sources.cmake adds it under
// if(WIN32)). UTF-8 inside torchup, UTF-16 at the API edge.
//
// Every key is opened with KEY_WOW64_64KEY so that a 32-bit torchup still reads the
// 64-bit view, and 32-bit programs' keys are read through their WOW6432Node path, as
// registry.h promises (Microsoft, "Accessing an Alternate Registry View"). Values are read
// with RegQueryValueExW, which returns REG_EXPAND_SZ data unexpanded; RegGetValueW would
// need RRF_NOEXPAND for that and without it fails with ERROR_INVALID_PARAMETER (87) when
// asked for RRF_RT_REG_EXPAND_SZ (research/windows-port.md, measured under wine; documented
// in RegGetValueW's remarks). Strings read from the registry need not end in a NUL
// (RegQueryValueExW remarks): the data is cut at its first NUL or its length.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <string>
#include <vector>

#include "host/registry.h"

namespace torchup::host {
namespace {

std::wstring widen(const std::string& s) {
  if (s.empty()) return {};
  int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  if (n <= 0) return {};
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), out.data(), n);
  return out;
}

std::string narrow(const wchar_t* s, std::size_t len) {
  if (len == 0) return {};
  int n = WideCharToMultiByte(CP_UTF8, 0, s, static_cast<int>(len), nullptr, 0, nullptr, nullptr);
  if (n <= 0) return {};
  std::string out(static_cast<std::size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, s, static_cast<int>(len), out.data(), n, nullptr, nullptr);
  return out;
}

// Closes an opened key when it goes out of scope.
class OpenKey {
 public:
  OpenKey(RegHive hive, const std::string& path) {
    HKEY root = hive == RegHive::local_machine ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER;
    auto wide = widen(path);
    if (RegOpenKeyExW(root, wide.c_str(), 0, KEY_READ | KEY_WOW64_64KEY, &key_) != ERROR_SUCCESS) key_ = nullptr;
  }
  ~OpenKey() {
    if (key_) RegCloseKey(key_);
  }
  OpenKey(const OpenKey&) = delete;
  OpenKey& operator=(const OpenKey&) = delete;
  HKEY get() const { return key_; }

 private:
  HKEY key_ = nullptr;
};

// Text of REG_SZ / REG_EXPAND_SZ data: up to the first NUL, or all of it.
std::string string_data(const std::vector<BYTE>& data) {
  const auto* w = reinterpret_cast<const wchar_t*>(data.data());
  std::size_t units = data.size() / sizeof(wchar_t);
  std::size_t len = 0;
  while (len < units && w[len] != L'\0') ++len;
  return narrow(w, len);
}

std::vector<std::string> multi_data(const std::vector<BYTE>& data) {
  std::vector<std::string> out;
  const auto* w = reinterpret_cast<const wchar_t*>(data.data());
  std::size_t units = data.size() / sizeof(wchar_t);
  std::size_t start = 0;
  while (start < units) {
    std::size_t end = start;
    while (end < units && w[end] != L'\0') ++end;
    if (end == start) break;  // the empty string ends the list
    out.push_back(narrow(w + start, end - start));
    start = end + 1;
  }
  return out;
}

class WindowsRegistry final : public Registry {
 public:
  std::vector<std::string> subkeys(RegHive hive, const std::string& key) const override {
    std::vector<std::string> out;
    OpenKey k(hive, key);
    if (!k.get()) return out;
    // Key names are at most 255 characters (Microsoft, "Registry Element Size Limits").
    wchar_t name[256];
    for (DWORD i = 0;; ++i) {
      DWORD len = 256;
      LONG rc = RegEnumKeyExW(k.get(), i, name, &len, nullptr, nullptr, nullptr, nullptr);
      if (rc == ERROR_NO_MORE_ITEMS) break;
      if (rc != ERROR_SUCCESS) continue;
      out.push_back(narrow(name, len));
    }
    return out;
  }

  std::vector<std::string> value_names(RegHive hive, const std::string& key) const override {
    std::vector<std::string> out;
    OpenKey k(hive, key);
    if (!k.get()) return out;
    DWORD max_len = 0;
    if (RegQueryInfoKeyW(k.get(), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &max_len, nullptr,
                         nullptr, nullptr) != ERROR_SUCCESS) {
      return out;
    }
    std::vector<wchar_t> name(max_len + 1);
    for (DWORD i = 0;; ++i) {
      DWORD len = static_cast<DWORD>(name.size());
      LONG rc = RegEnumValueW(k.get(), i, name.data(), &len, nullptr, nullptr, nullptr, nullptr);
      if (rc == ERROR_NO_MORE_ITEMS) break;
      if (rc != ERROR_SUCCESS) continue;
      out.push_back(narrow(name.data(), len));
    }
    return out;
  }

  std::optional<RegValue> value(RegHive hive, const std::string& key, const std::string& name) const override {
    OpenKey k(hive, key);
    if (!k.get()) return std::nullopt;
    auto wname = widen(name);
    DWORD type = 0;
    DWORD size = 0;
    if (RegQueryValueExW(k.get(), wname.c_str(), nullptr, &type, nullptr, &size) != ERROR_SUCCESS) return std::nullopt;
    std::vector<BYTE> data;
    // The value may grow between the two calls: retry while it says ERROR_MORE_DATA.
    for (int attempt = 0; attempt < 4; ++attempt) {
      data.resize(size + sizeof(wchar_t));
      DWORD got = size;
      LONG rc = RegQueryValueExW(k.get(), wname.c_str(), nullptr, &type, data.data(), &got);
      if (rc == ERROR_MORE_DATA) {
        size = got;
        continue;
      }
      if (rc != ERROR_SUCCESS) return std::nullopt;
      data.resize(got);
      RegValue v;
      switch (type) {
        case REG_SZ:
          v.type = RegValue::Type::string;
          v.text = string_data(data);
          break;
        case REG_EXPAND_SZ:
          v.type = RegValue::Type::expand_string;
          v.text = string_data(data);
          break;
        case REG_MULTI_SZ:
          v.type = RegValue::Type::multi_string;
          v.list = multi_data(data);
          break;
        case REG_DWORD:
        case REG_QWORD: {
          std::size_t n = type == REG_DWORD ? 4 : 8;
          if (data.size() < n) return std::nullopt;
          v.type = type == REG_DWORD ? RegValue::Type::dword : RegValue::Type::qword;
          for (std::size_t i = n; i-- > 0;) v.number = (v.number << 8) | data[i];
          break;
        }
        default:
          v.type = RegValue::Type::binary;
          v.bytes.assign(data.begin(), data.end());
      }
      return v;
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Registry> make_windows_registry() { return std::make_unique<WindowsRegistry>(); }

}  // namespace torchup::host
