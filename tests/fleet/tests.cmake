# fleet: many machines planned together (issue 15): grouping, --common, the lock and a
# node's group (pure, on tests/fixtures/fleet), and the CLI on them.
target_sources(torchup_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/fleet_plan_test.cpp
)
