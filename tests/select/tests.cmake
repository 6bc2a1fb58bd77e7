target_sources(torchup_tests PRIVATE
  select/published_test.cpp
  select/previous_versions_test.cpp
  select/golden_test.cpp
  select/seed_test.cpp
  select/select_cli_test.cpp
)
