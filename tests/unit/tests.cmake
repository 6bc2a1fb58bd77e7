target_sources(torchup_tests PRIVATE
  unit/version_test.cpp
  unit/strings_test.cpp
  unit/host_test.cpp
  unit/store_test.cpp
  unit/curl_load_test.cpp
  unit/machine_json_test.cpp
)
