// Live system facts on Linux (glibc or another libc), and the live and rooted hosts.
#include <sys/utsname.h>
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

#include "host/host.h"

namespace torchup::host {

SystemFacts live_system_facts() {
  SystemFacts facts;
  facts.os_family = "linux";
  facts.path_separator = ':';
  facts.venv_python = "bin/python";  // Python docs, venv: "bin" on POSIX
  struct utsname u {};
  if (::uname(&u) == 0) {
    facts.arch = u.machine;
    facts.kernel_release = u.release;
  }
#if defined(__GLIBC__)
  facts.libc_version = gnu_get_libc_version();
#endif
  return facts;
}

std::unique_ptr<OwnedHost> OwnedHost::live() {
  auto h = std::unique_ptr<OwnedHost>(new OwnedHost());
  h->fs_ = make_rooted_fs("/");
  h->runner_ = make_process_runner();
  h->env_ = make_process_environment();
  h->http_ = make_curl_http();
  h->terminal_ = make_stdin_terminal();
  h->host_ = std::make_unique<Host>(Host{*h->fs_, *h->runner_, *h->env_, *h->http_,
                                         live_system_facts(), true, *h->terminal_, steady_clock()});
  return h;
}

std::unique_ptr<OwnedHost> OwnedHost::rooted(const std::string& root) {
  if (root.empty() || root == "/") return live();
  auto h = std::unique_ptr<OwnedHost>(new OwnedHost());
  h->fs_ = make_rooted_fs(root);
  // DESIGN §2: with --root, torchup reads files only and never executes anything.
  h->runner_ = make_refusing_runner("--root given: torchup reads files only");
  h->env_ = make_map_environment({});
  h->http_ = make_curl_http();
  // OS family and architecture are inferred from the files by detect/.
  h->host_ = std::make_unique<Host>(Host{*h->fs_, *h->runner_, *h->env_, *h->http_, SystemFacts{}, false});
  return h;
}

}  // namespace torchup::host
