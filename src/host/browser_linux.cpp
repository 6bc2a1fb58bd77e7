// Opening a URL in the user's browser on Linux desktops: xdg-open (freedesktop.org
// xdg-utils, "xdg-open - opens a file or URL in the user's preferred application").
#include "host/desktop.h"

namespace torchup::host {

std::vector<std::string> browser_command(const std::string& url) { return {"xdg-open", url}; }

}  // namespace torchup::host
