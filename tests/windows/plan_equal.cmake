# End to end: `torchup.exe plan --profile P --json` under wine prints exactly what the
# Linux binary prints for the same profile (the planner is the same code; the profile
# names the machine). Run by ctest with -DWINE_RUN -DEXE -DLINUX_TORCHUP -DPROFILES.
foreach(profile IN LISTS PROFILES)
  execute_process(COMMAND ${LINUX_TORCHUP} plan --profile ${profile} --json
                  OUTPUT_VARIABLE linux_out RESULT_VARIABLE linux_rc)
  execute_process(COMMAND ${WINE_RUN} ${EXE} plan --profile ${profile} --json
                  OUTPUT_VARIABLE windows_out RESULT_VARIABLE windows_rc ERROR_VARIABLE windows_err)
  if(NOT linux_rc STREQUAL windows_rc)
    message(FATAL_ERROR "${profile}: exit code ${windows_rc} under wine, ${linux_rc} on Linux\n${windows_err}")
  endif()
  if(linux_out STREQUAL "")
    message(FATAL_ERROR "${profile}: the Linux binary printed nothing")
  endif()
  if(NOT linux_out STREQUAL windows_out)
    message(FATAL_ERROR "${profile}: plan --json differs\n--- Linux\n${linux_out}\n--- Windows\n${windows_out}\n${windows_err}")
  endif()
  message(STATUS "${profile}: equal (${linux_rc})")
endforeach()
