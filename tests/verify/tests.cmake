# Linux-only (not in the Windows build): a real python3 and Debian's torch, /bin/sh fake interpreters.
if(NOT WIN32)
target_sources(torchup_tests PRIVATE
  verify/probe_parse_test.cpp
  verify/checks_test.cpp
  verify/run_probe_test.cpp
  verify/verify_cli_test.cpp
  verify/doctor_test.cpp
)
endif()
