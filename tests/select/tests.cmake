target_sources(torchup_tests PRIVATE
  select/published_test.cpp
  select/previous_versions_test.cpp
  select/golden_test.cpp
  select/seed_test.cpp
)
# Linux-only for now: runs the torchup binary as a Linux program.
if(NOT WIN32)
  target_sources(torchup_tests PRIVATE select/select_cli_test.cpp)
endif()
