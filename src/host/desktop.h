// The user's desktop: how this system opens a URL in the browser.
#pragma once

#include <string>
#include <vector>

namespace torchup::host {

// The argv that opens `url` in the user's browser (browser_linux.cpp: xdg-open).
std::vector<std::string> browser_command(const std::string& url);

}  // namespace torchup::host
