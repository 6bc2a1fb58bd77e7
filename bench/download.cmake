# `cmake --build build --target bench_download_run` runs bench/download/run.sh (issue 13):
# plain pip vs torchup's downloader on a rate-limited, dropping local index.
if(WIN32)
  return()  # the downloader is Linux-only for now (src/act/sources.cmake)
endif()
find_library(BENCH_HTTPLIB NAMES cpp-httplib REQUIRED)
add_executable(bench_download ${CMAKE_CURRENT_SOURCE_DIR}/download/bench_download.cpp)
target_include_directories(bench_download PRIVATE ${CMAKE_SOURCE_DIR}/tests)
target_compile_definitions(bench_download PRIVATE TORCHUP_TEST_DIR="${CMAKE_SOURCE_DIR}/tests")
target_link_libraries(bench_download PRIVATE torchup_core ${BENCH_HTTPLIB})
add_custom_target(bench_download_run COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/download/run.sh $<TARGET_FILE:bench_download>
  DEPENDS bench_download VERBATIM)
add_dependencies(bench bench_download_run)
