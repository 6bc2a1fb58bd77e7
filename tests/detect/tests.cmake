# Linux-only (not in the Windows build): Linux fixture trees with symbolic links, /proc and sysfs probes, the Linux binary.
if(NOT WIN32)
target_sources(torchup_tests PRIVATE
  detect/fixtures_test.cpp
  detect/parse_test.cpp
  detect/detect_cli_test.cpp
  detect/registry_text_test.cpp
  detect/windows_fixtures_test.cpp
  detect/windows_cli_test.cpp
  detect/macos_fixtures_test.cpp
  detect/active_python_test.cpp
  detect/wsl_driver_test.cpp
)
endif()
