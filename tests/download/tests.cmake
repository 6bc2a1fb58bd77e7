# download: torchup's own downloader and wheel cache against local servers (issue 13).
find_library(TORCHUP_TEST_HTTPLIB NAMES cpp-httplib REQUIRED)
target_sources(torchup_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/download_test.cpp
)
target_link_libraries(torchup_tests PRIVATE ${TORCHUP_TEST_HTTPLIB})
