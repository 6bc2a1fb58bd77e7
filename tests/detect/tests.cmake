target_sources(torchup_tests PRIVATE
  detect/fixtures_test.cpp
  detect/parse_test.cpp
  detect/detect_cli_test.cpp
)
