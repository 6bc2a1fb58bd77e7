// Standard input and output as the user's console on Windows.
//
// The console speaks UTF-8 both ways (SetConsoleOutputCP/SetConsoleCP(CP_UTF8)), so
// Chinese text is shown and typed as torchup's UTF-8 strings are. Colours are escape
// sequences, which a console shows only in virtual-terminal mode
// (ENABLE_VIRTUAL_TERMINAL_PROCESSING, Windows 10 1511+, "Console Virtual Terminal
// Sequences", Microsoft Learn): output counts as a terminal (coloured) only when that
// mode could be switched on. Standard output and error are binary ("\n", not "\r\n"):
// the bytes of `--json` are the same as on Linux.
#include <fcntl.h>
#include <io.h>

#include <cstdio>
#include <iostream>

#include "host/host.h"
#include "host/wide_windows.h"

namespace torchup::host {
namespace {

bool is_console(DWORD which) {
  DWORD mode = 0;
  return ::GetConsoleMode(::GetStdHandle(which), &mode) != 0;
}

bool enable_virtual_terminal(DWORD which) {
  HANDLE h = ::GetStdHandle(which);
  DWORD mode = 0;
  if (!::GetConsoleMode(h, &mode)) return false;
  if (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) return true;
  return ::SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

class ConsoleTerminal final : public Terminal {
 public:
  ConsoleTerminal() {
    ::SetConsoleOutputCP(CP_UTF8);
    ::SetConsoleCP(CP_UTF8);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
    colours_ = enable_virtual_terminal(STD_OUTPUT_HANDLE);
    enable_virtual_terminal(STD_ERROR_HANDLE);
  }
  bool interactive() const override { return is_console(STD_INPUT_HANDLE); }
  bool output_is_terminal() const override { return colours_; }
  std::optional<std::string> read_line() override {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // a console line ends in "\r\n"
    return line;
  }

 private:
  bool colours_ = false;
};

}  // namespace

std::unique_ptr<Terminal> make_stdin_terminal() { return std::make_unique<ConsoleTerminal>(); }

}  // namespace torchup::host
