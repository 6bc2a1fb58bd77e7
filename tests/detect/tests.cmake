target_sources(torchup_tests PRIVATE
  detect/fixtures_test.cpp
  detect/parse_test.cpp
  detect/detect_cli_test.cpp
  detect/registry_text_test.cpp
  detect/windows_fixtures_test.cpp
  detect/windows_cli_test.cpp
  detect/macos_fixtures_test.cpp
)
