# ctest driver for the browser test: `npm ci` (registry.npmjs.org, pinned by
# package-lock.json) into WORK_DIR unless its node_modules is already there, then the
# node script from BROWSER_DIR, which finds playwright-core through NODE_PATH. Nothing is
# written to the source tree: packages and screenshots go to WORK_DIR (the build tree).
# Usage: cmake -DBROWSER_DIR=... -DWORK_DIR=... -DTORCHUP=... -DSCREENSHOTS=... -P run.cmake
find_program(NODE node)
find_program(NPM npm)
if(NOT NODE OR NOT NPM)
  message(FATAL_ERROR "node and npm are required for the browser test (scripts/install-deps installs nodejs)")
endif()
if(NOT EXISTS /usr/bin/chromium)
  message(FATAL_ERROR "/usr/bin/chromium is missing (scripts/install-deps installs Debian's chromium)")
endif()
if(NOT WORK_DIR OR NOT SCREENSHOTS)
  message(FATAL_ERROR "run.cmake needs -DWORK_DIR and -DSCREENSHOTS (both in the build tree)")
endif()
file(MAKE_DIRECTORY "${WORK_DIR}")
foreach(f package.json package-lock.json)
  file(COPY_FILE "${BROWSER_DIR}/${f}" "${WORK_DIR}/${f}" ONLY_IF_DIFFERENT)
endforeach()
if(NOT EXISTS "${WORK_DIR}/node_modules/playwright-core/package.json")
  execute_process(COMMAND ${NPM} ci --no-audit --no-fund WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npm ci failed (${rc})")
  endif()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env "NODE_PATH=${WORK_DIR}/node_modules"
                        ${NODE} "${BROWSER_DIR}/selector.test.js" "${TORCHUP}" "${SCREENSHOTS}"
                WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "browser test failed (${rc})")
endif()
