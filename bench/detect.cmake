# `cmake --build build --target bench` runs bench/detect/run.sh against the built torchup.
add_custom_target(bench_detect COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/detect/run.sh $<TARGET_FILE:torchup> 5 DEPENDS torchup VERBATIM)
add_dependencies(bench bench_detect)
