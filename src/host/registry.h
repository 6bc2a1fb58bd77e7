// The Windows registry as torchup reads it: a seam like FileSystem, so Windows
// detection runs against a fake (a .reg text, registry_text.cpp) in native tests and
// against the real registry (registry_windows.cpp) on Windows. Read-only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace torchup::host {

// The hives torchup reads (PEP 514 uses both; the display class lives in HKLM).
enum class RegHive { local_machine, current_user };

struct RegValue {
  enum class Type { string, expand_string, multi_string, dword, qword, binary };
  Type type = Type::string;
  std::string text;                // string / expand_string (UTF-8, unexpanded)
  std::vector<std::string> list;   // multi_string
  std::uint64_t number = 0;        // dword / qword
  std::vector<std::uint8_t> bytes; // binary
};

// Key paths use backslashes without the hive ("SOFTWARE\\Python\\PythonCore").
// Lookups are case-insensitive, as on Windows. The 64-bit view is read; a 32-bit
// program's keys are read through their WOW6432Node path explicitly.
class Registry {
 public:
  virtual ~Registry() = default;
  // Names of the subkeys of `key` (empty when the key is absent).
  virtual std::vector<std::string> subkeys(RegHive hive, const std::string& key) const = 0;
  // Names of the values of `key` ("" is the default value).
  virtual std::vector<std::string> value_names(RegHive hive, const std::string& key) const = 0;
  // One value; nullopt when the key or the value is absent. name "" is the default value.
  virtual std::optional<RegValue> value(RegHive hive, const std::string& key, const std::string& name) const = 0;
};

// A registry with no keys (Linux, macOS, --root trees without a registry file).
const Registry& no_registry();

// A registry read from the text of a regedit export (".reg", "Windows Registry Editor
// Version 5.00"): the fake for tests and --root fixtures (registry_text.cpp). Lines it
// cannot read are skipped and described in `problems` (never a throw).
std::unique_ptr<Registry> make_text_registry(std::string_view reg_text, std::vector<std::string>* problems = nullptr);

// The live registry through the Win32 API (registry_windows.cpp; Windows builds only).
std::unique_ptr<Registry> make_windows_registry();

}  // namespace torchup::host
