// The Windows command line of an argument vector. Windows passes one string to a new
// process and each program splits it itself; the rules of the Microsoft C runtime
// ("Parsing C++ command-line arguments", Microsoft Learn) are what Python, pip and
// every MSVC-built program use: an argument with a space, tab or quote (or an empty
// one) is put in double quotes; inside, backslashes are literal unless they precede a
// quote, so 2n backslashes + quote stand for n backslashes and the closing quote, and
// 2n+1 backslashes + quote for n backslashes and a literal quote.
#pragma once

#include <string>
#include <vector>

namespace torchup::host::win {

// One argument quoted so that the MSVC runtime reads it back unchanged.
std::string quote_argument(const std::string& arg);
// The arguments quoted and joined by spaces (argv[0] included).
std::string command_line(const std::vector<std::string>& argv);

}  // namespace torchup::host::win
