# bench_plan: plans generated machine profiles and reports the time per plan and
# whether the cost grows linearly with the count. Built by the `bench` target.
add_executable(bench_plan EXCLUDE_FROM_ALL ${CMAKE_CURRENT_SOURCE_DIR}/plan/plan_bench.cpp)
target_link_libraries(bench_plan PRIVATE torchup_core)
add_dependencies(bench bench_plan)
