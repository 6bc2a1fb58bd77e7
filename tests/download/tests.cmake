# download: torchup's own downloader and wheel cache against local servers (issue 13).
# Linux-only: the downloader is not in the Windows build yet (src/act/sources.cmake).
if(WIN32)
  return()
endif()
find_library(TORCHUP_TEST_HTTPLIB NAMES cpp-httplib REQUIRED)
target_sources(torchup_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/download_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fetch_test.cpp      # resolve, download, install, fetch --profile, install --from (real pip)
  ${CMAKE_CURRENT_LIST_DIR}/fleet_lock_test.cpp # fleet plan --lock, fleet fetch, install --lock (real pip)
)
target_link_libraries(torchup_tests PRIVATE ${TORCHUP_TEST_HTTPLIB})
