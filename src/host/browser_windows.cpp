// Opening a URL in the user's browser on Windows, without a shell (no cmd.exe "start"):
// rundll32 runs url.dll's FileProtocolHandler, which hands the URL to ShellExecute and
// so to the user's default handler for http (the argv is run through ProcessRunner
// like xdg-open on Linux).
#include "host/desktop.h"

namespace torchup::host {

std::vector<std::string> browser_command(const std::string& url) {
  return {"rundll32.exe", "url.dll,FileProtocolHandler", url};
}

}  // namespace torchup::host
