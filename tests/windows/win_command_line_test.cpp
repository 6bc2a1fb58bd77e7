// The Windows command-line quoting (host/win_command_line.h), as text: runs on every
// system. The round trip through a real C runtime is in process_windows_test.cpp.
#include <gtest/gtest.h>

#include "host/win_command_line.h"

namespace torchup::host::win {
namespace {

struct QuoteCase {
  const char* arg;
  const char* quoted;
};

// Expected forms from the MSVC rules ("Parsing C++ command-line arguments", Microsoft
// Learn: a"b -> a\"b; backslashes are literal unless before a quote).
TEST(WinCommandLine, QuotesByTheMsvcRules) {
  const QuoteCase cases[] = {
      {"plain", "plain"},
      {"", "\"\""},
      {"two words", "\"two words\""},
      {"tab\there", "\"tab\there\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"a\"b", "\"a\\\"b\""},
      {"C:\\path\\", "C:\\path\\"},                      // no space: as is, backslashes literal
      {"C:\\Program Files\\", "\"C:\\Program Files\\\\\""},  // trailing backslash doubled before the quote
      {"x\\\\\"y", "\"x\\\\\\\\\\\"y\""},                 // 2 backslashes + quote -> 5 + quote
      {"a\\b c", "\"a\\b c\""},
      {"中文 参数", "\"中文 参数\""},
  };
  for (const auto& c : cases) EXPECT_EQ(quote_argument(c.arg), c.quoted) << c.arg;
}

TEST(WinCommandLine, JoinsArgumentsWithSpaces) {
  EXPECT_EQ(command_line({"C:\\Python 3\\python.exe", "-m", "pip", "install", ""}),
            "\"C:\\Python 3\\python.exe\" -m pip install \"\"");
}

}  // namespace
}  // namespace torchup::host::win
