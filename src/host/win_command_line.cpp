// Windows command-line quoting (win_command_line.h; pure, compiled and tested on every system).
#include "host/win_command_line.h"

namespace torchup::host::win {

std::string quote_argument(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string::npos) return arg;
  std::string out = "\"";
  std::size_t backslashes = 0;
  for (char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == '"') {
      out.append(backslashes * 2 + 1, '\\');  // each backslash doubled, then the quote escaped
    } else {
      out.append(backslashes, '\\');  // backslashes not before a quote are literal
    }
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, '\\');  // before the closing quote: doubled
  out += '"';
  return out;
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    out += quote_argument(arg);
  }
  return out;
}

}  // namespace torchup::host::win
