// The .reg text registry (host/registry_text.cpp): regedit's export format, UTF-16LE and
// UTF-8, every value type Windows detection reads, case-insensitive lookups, and bad lines
// skipped with a note.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "host/registry.h"

namespace torchup::host {
namespace {

using Hive = RegHive;

const char* kExport = R"REG(Windows Registry Editor Version 5.00

; a comment
[HKEY_LOCAL_MACHINE\SOFTWARE\Python\PythonCore\3.12]
"DisplayName"="Python 3.12 (64-bit)"
"SysArchitecture"="64bit"

[HKEY_LOCAL_MACHINE\SOFTWARE\Python\PythonCore\3.12\InstallPath]
@="C:\\Program Files\\Python312\\"
"ExecutablePath"="C:\\Program Files\\Python312\\python.exe"
"Quoted"="say \"hi\""

[HKEY_CURRENT_USER\Environment]
"Path"=hex(2):25,00,55,00,53,00,45,00,52,00,50,00,52,00,4f,00,46,00,49,00,4c,00,\
  45,00,25,00,5c,00,62,00,69,00,6e,00,00,00
"Flag"=dword:0000001f
"Big"=hex(b):00,00,00,00,01,00,00,00
"List"=hex(7):41,00,00,00,42,00,43,00,00,00,00,00
"Blob"=hex:01,ff,7f
"Sz"=hex(1):68,00,69,00,00,00
)REG";

std::unique_ptr<Registry> load(const std::string& text, std::vector<std::string>* problems = nullptr) {
  return make_text_registry(text, problems);
}

TEST(RegistryText, StringsAndDefaultValues) {
  std::vector<std::string> problems;
  auto reg = load(kExport, &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  auto v = reg->value(Hive::local_machine, "SOFTWARE\\Python\\PythonCore\\3.12\\InstallPath", "");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->type, RegValue::Type::string);
  EXPECT_EQ(v->text, "C:\\Program Files\\Python312\\");
  EXPECT_EQ(reg->value(Hive::local_machine, "SOFTWARE\\Python\\PythonCore\\3.12\\InstallPath", "ExecutablePath")->text,
            "C:\\Program Files\\Python312\\python.exe");
  EXPECT_EQ(reg->value(Hive::local_machine, "SOFTWARE\\Python\\PythonCore\\3.12\\InstallPath", "Quoted")->text,
            "say \"hi\"");
}

TEST(RegistryText, LookupsIgnoreCase) {
  auto reg = load(kExport);
  auto v = reg->value(Hive::local_machine, "software\\PYTHON\\pythoncore\\3.12", "displayname");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->text, "Python 3.12 (64-bit)");
  // Names come back as written.
  EXPECT_EQ(reg->subkeys(Hive::local_machine, "SOFTWARE\\python"), std::vector<std::string>{"PythonCore"});
  EXPECT_EQ(reg->subkeys(Hive::local_machine, "SOFTWARE\\Python\\PythonCore"), std::vector<std::string>{"3.12"});
  // Leading and trailing backslashes do not matter; the hives are apart.
  EXPECT_TRUE(reg->value(Hive::local_machine, "\\SOFTWARE\\Python\\PythonCore\\3.12\\", "SysArchitecture"));
  EXPECT_FALSE(reg->value(Hive::current_user, "SOFTWARE\\Python\\PythonCore\\3.12", "SysArchitecture"));
  EXPECT_FALSE(reg->value(Hive::local_machine, "SOFTWARE\\Python\\PythonCore\\3.11", "SysArchitecture"));
  EXPECT_TRUE(reg->subkeys(Hive::local_machine, "SOFTWARE\\Missing").empty());
}

TEST(RegistryText, ValueNamesInclude_TheDefault) {
  auto reg = load(kExport);
  auto names = reg->value_names(Hive::local_machine, "SOFTWARE\\Python\\PythonCore\\3.12\\InstallPath");
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "");  // the default value
  EXPECT_EQ(names[1], "ExecutablePath");
}

TEST(RegistryText, TypedValues) {
  auto reg = load(kExport);
  const std::string env = "Environment";
  auto path = reg->value(Hive::current_user, env, "Path");
  ASSERT_TRUE(path);  // the hex(2) data continued on a second line
  EXPECT_EQ(path->type, RegValue::Type::expand_string);
  EXPECT_EQ(path->text, "%USERPROFILE%\\bin");  // not expanded
  auto flag = reg->value(Hive::current_user, env, "Flag");
  EXPECT_EQ(flag->type, RegValue::Type::dword);
  EXPECT_EQ(flag->number, 31u);
  auto big = reg->value(Hive::current_user, env, "Big");
  EXPECT_EQ(big->type, RegValue::Type::qword);
  EXPECT_EQ(big->number, 1ull << 32);
  auto list = reg->value(Hive::current_user, env, "List");
  EXPECT_EQ(list->type, RegValue::Type::multi_string);
  EXPECT_EQ(list->list, (std::vector<std::string>{"A", "BC"}));
  auto blob = reg->value(Hive::current_user, env, "Blob");
  EXPECT_EQ(blob->type, RegValue::Type::binary);
  EXPECT_EQ(blob->bytes, (std::vector<std::uint8_t>{0x01, 0xff, 0x7f}));
  auto sz = reg->value(Hive::current_user, env, "Sz");
  EXPECT_EQ(sz->type, RegValue::Type::string);
  EXPECT_EQ(sz->text, "hi");
}

// regedit writes UTF-16LE with a byte-order mark; non-ASCII names survive as UTF-8.
TEST(RegistryText, Utf16WithBom) {
  const std::u16string text =
      u"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\\u5f20\u4e09]\r\n"
      u"\"Name\"=\"C:\\\\Users\\\\\u5f20\u4e09\"\r\n";
  std::string bytes = "\xff\xfe";
  for (char16_t c : text) {
    bytes += static_cast<char>(c & 0xff);
    bytes += static_cast<char>(c >> 8);
  }
  std::vector<std::string> problems;
  auto reg = load(bytes, &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  auto v = reg->value(Hive::current_user, "Software\\\xe5\xbc\xa0\xe4\xb8\x89", "name");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->text, "C:\\Users\\\xe5\xbc\xa0\xe4\xb8\x89");
}

TEST(RegistryText, Utf8BomAndRegedit4) {
  auto reg = load("\xef\xbb\xbfWindows Registry Editor Version 5.00\n[HKLM\\A]\n\"x\"=\"1\"\n");
  EXPECT_EQ(reg->value(Hive::local_machine, "A", "x")->text, "1");
  // REGEDIT4: hex(2) bytes are ANSI, not UTF-16.
  auto old = load("REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\A]\n\"p\"=hex(2):25,41,25,00\n");
  EXPECT_EQ(old->value(Hive::local_machine, "A", "p")->text, "%A%");
}

TEST(RegistryText, BadLinesAreSkippedAndDescribed) {
  std::vector<std::string> problems;
  auto reg = load(
      "Windows Registry Editor Version 5.00\n"
      "\"early\"=\"before any key\"\n"
      "[HKEY_LOCAL_MACHINE\\Good]\n"
      "\"ok\"=\"yes\"\n"
      "\"noquote\"=\"abc\n"
      "\"d\"=dword:123456789\n"
      "\"h\"=hex:zz,01\n"
      "\"t\"=hex(xyz):00\n"
      "garbage line\n"
      "\"gone\"=-\n"
      "[-HKEY_LOCAL_MACHINE\\Good\\Old]\n"
      "[HKEY_CLASSES_ROOT\\.py]\n"
      "@=\"Python.File\"\n"
      "[HKEY_LOCAL_MACHINE\\Unclosed\n"
      "[HKEY_LOCAL_MACHINE\\Good]\n"
      "\"after\"=\"still read\"\n",
      &problems);
  EXPECT_EQ(reg->value(Hive::local_machine, "Good", "ok")->text, "yes");
  EXPECT_EQ(reg->value(Hive::local_machine, "Good", "after")->text, "still read");
  EXPECT_FALSE(reg->value(Hive::local_machine, "Good", "noquote"));
  EXPECT_FALSE(reg->value(Hive::local_machine, "Good", "d"));
  EXPECT_FALSE(reg->value(Hive::local_machine, "Good", "h"));
  EXPECT_FALSE(reg->value(Hive::local_machine, "Good", "t"));
  ASSERT_EQ(problems.size(), 11u);
  EXPECT_NE(problems[0].find("line 2: value \"early\" outside a readable key"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("line 5"), std::string::npos) << problems[1];
  EXPECT_NE(problems[5].find("neither a key"), std::string::npos) << problems[5];
  EXPECT_NE(problems[6].find("deletion"), std::string::npos) << problems[6];
  EXPECT_NE(problems[7].find("key deletion"), std::string::npos) << problems[7];
  EXPECT_NE(problems[8].find("HKEY_CLASSES_ROOT"), std::string::npos) << problems[8];
  EXPECT_NE(problems[10].find("closing ']'"), std::string::npos) << problems[10];
}

TEST(RegistryText, NotAnExportIsNoted) {
  std::vector<std::string> problems;
  auto reg = load("hello\n[HKLM\\A]\n\"x\"=\"1\"\n", &problems);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("header"), std::string::npos);
  EXPECT_EQ(reg->value(Hive::local_machine, "A", "x")->text, "1");
  // Arbitrary bytes never throw, and odd-length UTF-16 ends cleanly.
  EXPECT_NO_THROW(load(std::string("\xff\xfe\x5b\x00\x48", 5)));
  static const char kNuls[] = "\0\0\0[\\\\\\]\n@=hex(7):00";
  EXPECT_NO_THROW(load(std::string(kNuls, sizeof kNuls - 1)));
}

TEST(RegistryText, ProblemsAreCapped) {
  std::string text = "Windows Registry Editor Version 5.00\n";
  for (int i = 0; i < 500; ++i) text += "junk\n";
  std::vector<std::string> problems;
  load(text, &problems);
  ASSERT_EQ(problems.size(), 51u);
  EXPECT_EQ(problems.back(), "450 more problems not listed");
}

// The fixtures' registries read without a single problem.
TEST(RegistryText, FixtureRegistriesAreClean) {
  for (const char* name : {"rtx4090-desktop", "optimus-laptop", "gtx1060-old-driver", "radeon-7900xtx",
                           "python32-store"}) {
    std::ifstream in(std::string(TORCHUP_TEST_DIR) + "/fixtures/windows/" + name + "/registry.reg", std::ios::binary);
    ASSERT_TRUE(in) << name;
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> problems;
    auto reg = load(text.str(), &problems);
    EXPECT_TRUE(problems.empty()) << name << ": " << problems.front();
    EXPECT_FALSE(reg->subkeys(Hive::local_machine, "SOFTWARE\\Microsoft\\Windows NT").empty()) << name;
  }
}

}  // namespace
}  // namespace torchup::host
