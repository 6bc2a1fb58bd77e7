// torchup_test_child.exe: the tiny program the Windows process tests run (vcpkg-tool's
// way: the real runner against in-tree children). Its arguments are parsed by the C
// runtime (wmain: the MSVC rules CreateProcessW's command line must follow).
//   args               print each argument (argv[1..]) as UTF-8, each followed by "\n--\n"
//   env NAME           print the variable's value (UTF-16 read, UTF-8 written)
//   cat                copy standard input to standard output
//   exit N             end with exit code N, after "out" on stdout and "err" on stderr
//   sleep MS           sleep, then exit 0
//   tree MS            start "sleep MS" as a child, print its process id, then sleep MS
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <cstdio>
#include <cwchar>
#include <string>

namespace {

void write_out(const std::string& bytes) {
  DWORD wrote = 0;
  ::WriteFile(::GetStdHandle(STD_OUTPUT_HANDLE), bytes.data(), static_cast<DWORD>(bytes.size()), &wrote, nullptr);
}

std::string utf8(const wchar_t* text) {
  int n = ::WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(n > 0 ? n - 1 : 0), '\0');
  if (n > 1) ::WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), n, nullptr, nullptr);
  return out;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc < 2) return 2;
  std::wstring mode = argv[1];
  if (mode == L"args") {
    for (int i = 2; i < argc; ++i) write_out(utf8(argv[i]) + "\n--\n");
    return 0;
  }
  if (mode == L"env" && argc == 3) {
    wchar_t value[4096];
    DWORD n = ::GetEnvironmentVariableW(argv[2], value, 4096);
    if (n == 0 || n >= 4096) return 1;
    write_out(utf8(value));
    return 0;
  }
  if (mode == L"cat") {
    char buffer[4096];
    DWORD got = 0;
    while (::ReadFile(::GetStdHandle(STD_INPUT_HANDLE), buffer, sizeof buffer, &got, nullptr) && got > 0) {
      write_out(std::string(buffer, got));
    }
    return 0;
  }
  if (mode == L"exit" && argc == 3) {
    write_out("out");
    DWORD wrote = 0;
    ::WriteFile(::GetStdHandle(STD_ERROR_HANDLE), "err", 3, &wrote, nullptr);
    return static_cast<int>(std::wcstol(argv[2], nullptr, 10));
  }
  if (mode == L"sleep" && argc == 3) {
    ::Sleep(static_cast<DWORD>(std::wcstol(argv[2], nullptr, 10)));
    return 0;
  }
  if (mode == L"tree" && argc == 3) {
    wchar_t self[MAX_PATH];
    ::GetModuleFileNameW(nullptr, self, MAX_PATH);
    std::wstring command = L"\"" + std::wstring(self) + L"\" sleep " + argv[2];
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    PROCESS_INFORMATION info{};
    if (!::CreateProcessW(nullptr, command.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr, &startup, &info)) {
      return 3;
    }
    write_out(std::to_string(info.dwProcessId) + "\n");
    ::Sleep(static_cast<DWORD>(std::wcstol(argv[2], nullptr, 10)));
    return 0;
  }
  return 2;
}
