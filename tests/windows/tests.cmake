# Windows host parts (src/host/*_windows.cpp) under wine; the quoting rules everywhere.
target_sources(torchup_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/win_command_line_test.cpp  # MSVC quoting, as text (every system)
)
if(WIN32)
  target_sources(torchup_tests PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/process_windows_test.cpp  # CreateProcessW, job object, against the child below
    ${CMAKE_CURRENT_LIST_DIR}/http_winhttp_test.cpp     # WinHTTP against httplib on 127.0.0.1
    ${CMAKE_CURRENT_LIST_DIR}/host_windows_test.cpp     # venv path, PATH + PATHEXT, drive letters, LockFileEx
  )
  add_executable(torchup_test_child ${CMAKE_CURRENT_LIST_DIR}/child_main.cpp)
  target_link_options(torchup_test_child PRIVATE -municode)  # wmain: the C runtime parses the command line
  set_target_properties(torchup_test_child PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  add_dependencies(torchup_tests torchup_test_child)
  target_sources(torchup_tests PRIVATE ${CMAKE_SOURCE_DIR}/cmake/windows/torchup.rc)  # UTF-8 argv like torchup.exe
endif()
# plan --json of torchup.exe (under wine) equals the Linux binary's for the same profiles;
# scripts/test-windows passes the Linux build's binary when it is there.
if(WIN32 AND TORCHUP_LINUX_BINARY)
  set(profiles "")
  foreach(p ada-rtx4090-windows-566 cpu-windows amd-rx6800-gfx1030-windows ampere-rtx3090-linux-595
            hybrid-laptop-uhd-rtx4060-linux)
    list(APPEND profiles ${CMAKE_CURRENT_LIST_DIR}/../fixtures/profiles/${p}.json)
  endforeach()
  add_test(NAME WindowsEndToEnd.PlanJsonEqualsLinux
    COMMAND ${CMAKE_COMMAND} -DWINE_RUN=${CMAKE_SOURCE_DIR}/scripts/wine-run -DEXE=$<TARGET_FILE:torchup>
            -DLINUX_TORCHUP=${TORCHUP_LINUX_BINARY} "-DPROFILES=${profiles}"
            -P ${CMAKE_CURRENT_LIST_DIR}/plan_equal.cmake)
endif()
