target_sources(torchup_core PRIVATE
  src/host/rooted_fs.cpp
  src/host/process_posix.cpp
  src/host/interrupt_posix.cpp
  src/host/env_http.cpp
  src/host/curl_load_posix.cpp
  src/host/system_linux.cpp
  src/host/scripted.cpp
  src/host/registry.cpp
  src/host/tracing.cpp
  src/host/registry_text.cpp
  src/host/programs.cpp
  src/host/clock.cpp
  src/host/terminal_posix.cpp
  src/host/browser_linux.cpp
)
# The live registry through the Win32 API: Windows builds only.
if(WIN32)
  target_sources(torchup_core PRIVATE src/host/registry_windows.cpp)
endif()
