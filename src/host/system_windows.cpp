// Live system facts on Windows, and the live and rooted hosts.
#include "host/http_winhttp.h"
#include "host/wide_windows.h"

#include "host/host.h"

namespace torchup::host {
namespace {

// The Windows version as the kernel reports it ("10.0.22631"): RtlGetVersion, which
// (unlike GetVersionEx) is not capped by the program's manifest (Microsoft Learn).
std::optional<std::string> windows_version() {
  using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOW*);
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  if (!ntdll) return std::nullopt;
  auto fn = reinterpret_cast<RtlGetVersionFn>(reinterpret_cast<void*>(::GetProcAddress(ntdll, "RtlGetVersion")));
  if (!fn) return std::nullopt;
  OSVERSIONINFOW info{};
  info.dwOSVersionInfoSize = sizeof info;
  if (fn(&info) != 0) return std::nullopt;
  return std::to_string(info.dwMajorVersion) + "." + std::to_string(info.dwMinorVersion) + "." +
         std::to_string(info.dwBuildNumber);
}

// The user's UI language as a locale name ("zh-CN", "en-US"): GetUserDefaultUILanguage
// gives its LANGID, LCIDToLocaleName its name (Microsoft Learn, "User Interface Language
// Management"). What the guide's readers see Windows speak.
std::string ui_language() {
  wchar_t name[LOCALE_NAME_MAX_LENGTH] = {};
  const LANGID lang = ::GetUserDefaultUILanguage();
  if (::LCIDToLocaleName(MAKELCID(lang, SORT_DEFAULT), name, LOCALE_NAME_MAX_LENGTH, 0) <= 0) return "";
  return win::narrow(name);
}

}  // namespace

SystemFacts live_system_facts() {
  SystemFacts facts;
  facts.os_family = "windows";
  facts.path_separator = ';';
  facts.venv_python = "Scripts/python.exe";  // Python docs, venv: "Scripts" on Windows
  // The machine's architecture, not this process's (an x64 torchup under ARM64 emulation).
  SYSTEM_INFO info{};
  ::GetNativeSystemInfo(&info);
  switch (info.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64: facts.arch = "x86_64"; break;
    case PROCESSOR_ARCHITECTURE_ARM64: facts.arch = "arm64"; break;
    case PROCESSOR_ARCHITECTURE_INTEL: facts.arch = "x86"; break;
    default: facts.arch = "unknown"; break;
  }
  facts.kernel_release = windows_version();
  facts.ui_language = ui_language();
  return facts;
}

std::unique_ptr<OwnedHost> OwnedHost::live() {
  auto h = std::unique_ptr<OwnedHost>(new OwnedHost());
  h->fs_ = make_rooted_fs("");
  h->runner_ = make_process_runner();
  h->env_ = make_process_environment();
  h->http_ = make_winhttp_http();
  h->terminal_ = make_stdin_terminal();
  h->registry_ = make_windows_registry();
  h->host_ = std::make_unique<Host>(Host{*h->fs_, *h->runner_, *h->env_, *h->http_, live_system_facts(), true,
                                         *h->terminal_, steady_clock(), *h->registry_});
  return h;
}

std::unique_ptr<OwnedHost> OwnedHost::rooted(const std::string& root) {
  if (root.empty() || root == "/") return live();
  auto h = std::unique_ptr<OwnedHost>(new OwnedHost());
  h->fs_ = make_rooted_fs(root);
  // DESIGN §2: with --root, torchup reads files only and never executes anything.
  h->runner_ = make_refusing_runner("--root given: torchup reads files only");
  h->env_ = make_map_environment({});
  h->http_ = make_winhttp_http();
  // OS family and architecture are inferred from the files by detect/.
  h->host_ = std::make_unique<Host>(Host{*h->fs_, *h->runner_, *h->env_, *h->http_, SystemFacts{}, false});
  return h;
}

}  // namespace torchup::host
