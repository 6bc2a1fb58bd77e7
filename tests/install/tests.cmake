# Linux-only (not in the Windows build): real pip and python3 venvs, a local index served by a forked python, /bin/sh scripts, flock.
if(NOT WIN32)
# install: failure catalogue, mirrors, lock, install engine, CLI.
target_sources(torchup_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/failures_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/install_engine_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/install_real_pip_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mirrors_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/install_failure_paths_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/install_cli_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pip_config_test.cpp
)
endif()
