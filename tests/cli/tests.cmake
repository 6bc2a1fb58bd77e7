# The command line in process over fake machines, and install's policy as tables.
target_sources(torchup_tests PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/install_policy_test.cpp    # situations -> decisions: start, installer, remedies, exit codes
  ${CMAKE_CURRENT_LIST_DIR}/lang_test.cpp              # --lang, LANG, UI language; plan, errors and JSON messages in Chinese
)
# Linux-only: Linux fixture machines with /bin/sh interpreters.
if(NOT WIN32)
  target_sources(torchup_tests PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/cli_fake_machine_test.cpp  # cli::run on fixture machines: detect, plan, install --dry-run
    ${CMAKE_CURRENT_LIST_DIR}/cli_conventions_test.cpp   # -V, help CMD, did you mean, --color, -q, -v, JSON errors, completions (bash, /usr/bin/python3)
    ${CMAKE_CURRENT_LIST_DIR}/readme_links_test.cpp     # README links name files inside the repository (POSIX paths)
    ${CMAKE_CURRENT_LIST_DIR}/pty_lang_test.cpp          # the binary on a pseudo-terminal under LANG=zh_CN.UTF-8 (forkpty)
    ${CMAKE_CURRENT_LIST_DIR}/lang_act_test.cpp         # detect, verify, doctor, install --dry-run in Chinese under LANG=zh_CN.UTF-8
  )
endif()
