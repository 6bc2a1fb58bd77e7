target_sources(torchup_tests PRIVATE
  unit/version_test.cpp
  unit/strings_test.cpp
  unit/store_test.cpp
  unit/text_test.cpp
  unit/resolve_test.cpp
)
# Linux-only (Windows build: tests/windows/ covers its host): the POSIX runner with
# /bin/sh, libcurl loading, a Python-probed machine JSON.
if(NOT WIN32)
  target_sources(torchup_tests PRIVATE
    unit/host_test.cpp
    unit/curl_load_test.cpp
    unit/machine_json_test.cpp
  )
endif()
