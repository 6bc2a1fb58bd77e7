# `cmake --build build --target bench_fleet_run` runs bench/fleet/run.sh (issue 15):
# `torchup fleet plan` over 1,000 and 10,000 generated facts files.
add_custom_target(bench_fleet_run COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fleet/run.sh $<TARGET_FILE:torchup> 10000
  DEPENDS torchup VERBATIM)
add_dependencies(bench bench_fleet_run)
