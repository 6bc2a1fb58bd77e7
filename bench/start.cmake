# `cmake --build build-rel --target bench_start` runs bench/start/run.sh against the built
# torchup: --version and detect against a trivial C program and collect_env, install
# --dry-run against `pip config list` (issue 10). Pass a second binary by hand to compare
# with a build from before a change: bench/start/run.sh NEW 7 OLD.
add_custom_target(bench_start COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/start/run.sh $<TARGET_FILE:torchup> 7
  DEPENDS torchup VERBATIM)
add_dependencies(bench bench_start)
