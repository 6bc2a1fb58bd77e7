# ctest driver for the browser test: `npm ci` (registry.npmjs.org, pinned by
# package-lock.json) unless node_modules is already there, then the node script.
# Usage: cmake -DBROWSER_DIR=... -DTORCHUP=... -DSCREENSHOTS=... -P run.cmake
find_program(NODE node)
find_program(NPM npm)
if(NOT NODE OR NOT NPM)
  message(FATAL_ERROR "node and npm are required for the browser test (scripts/install-deps installs nodejs)")
endif()
if(NOT EXISTS /usr/bin/chromium)
  message(FATAL_ERROR "/usr/bin/chromium is missing (scripts/install-deps installs Debian's chromium)")
endif()
if(NOT EXISTS "${BROWSER_DIR}/node_modules/playwright-core/package.json")
  execute_process(COMMAND ${NPM} ci --no-audit --no-fund WORKING_DIRECTORY "${BROWSER_DIR}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npm ci failed (${rc})")
  endif()
endif()
execute_process(COMMAND ${NODE} selector.test.js "${TORCHUP}" "${SCREENSHOTS}"
                WORKING_DIRECTORY "${BROWSER_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "browser test failed (${rc})")
endif()
