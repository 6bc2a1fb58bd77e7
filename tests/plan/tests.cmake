target_sources(torchup_tests PRIVATE
  plan/plan_table_test.cpp
  plan/plan_rules_test.cpp
  plan/plan_data_test.cpp
  plan/plan_cli_test.cpp
  plan/plan_outcomes_test.cpp
)
