target_sources(torchup_tests PRIVATE
  plan/plan_table_test.cpp
  plan/plan_rules_test.cpp
  plan/plan_data_test.cpp
  plan/plan_outcomes_test.cpp
  plan/plan_chinese_test.cpp
)
# Linux-only for now: runs the torchup binary as a Linux program (the Windows
# end-to-end comparison of plan --json is tests/windows/).
if(NOT WIN32)
  target_sources(torchup_tests PRIVATE plan/plan_cli_test.cpp)
endif()
