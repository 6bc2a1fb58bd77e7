# Linux-only (not in the Windows build): Debian's libcpp-httplib.so and the Linux binary.
if(NOT WIN32)
target_sources(torchup_tests PRIVATE
  update/update_test.cpp
)
# The test's local HTTP server: Debian builds cpp-httplib as a shared library.
find_library(TORCHUP_TEST_HTTPLIB NAMES cpp-httplib REQUIRED)
target_link_libraries(torchup_tests PRIVATE ${TORCHUP_TEST_HTTPLIB})
endif()
