target_sources(torchup_core PRIVATE
  src/host/scripted.cpp
  src/host/registry.cpp
  src/host/tracing.cpp
  src/host/registry_text.cpp
  src/host/programs.cpp
  src/host/clock.cpp
  src/host/win_command_line.cpp  # the MSVC runtime's quoting rules (pure: tested on every system)
)
# Per platform: whole files, no #ifdef (DESIGN §5).
if(WIN32)
  target_sources(torchup_core PRIVATE
    src/host/rooted_fs_windows.cpp     # drive letters, "\" and "/", --root
    src/host/process_windows.cpp       # CreateProcessW, pipes, a job object per run
    src/host/interrupt_windows.cpp     # SetConsoleCtrlHandler
    src/host/environment_windows.cpp   # GetEnvironmentVariableW (UTF-16 -> UTF-8)
    src/host/http_winhttp.cpp          # WinHTTP (no libcurl on Windows)
    src/host/system_windows.cpp        # facts, OwnedHost
    src/host/registry_windows.cpp      # the live registry (Win32 API)
    src/host/terminal_windows.cpp      # the console: UTF-8, virtual-terminal colours
    src/host/browser_windows.cpp       # url.dll's FileProtocolHandler (ShellExecute)
  )
  target_link_libraries(torchup_core PUBLIC winhttp ws2_32)
else()
  target_sources(torchup_core PRIVATE
    src/host/rooted_fs.cpp
    src/host/process_posix.cpp
    src/host/interrupt_posix.cpp
    src/host/env_http.cpp
    src/host/curl_load_posix.cpp
    src/host/system_linux.cpp
    src/host/terminal_posix.cpp
    src/host/browser_linux.cpp
  )
endif()
