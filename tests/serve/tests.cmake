# Linux-only (not in the Windows build): POSIX sockets, Chromium and node.
if(NOT WIN32)
target_sources(torchup_tests PRIVATE
  serve/serve_api_test.cpp     # the JSON API as a function: validation, Selector equality, providers
  serve/serve_server_test.cpp  # the real server on port 0: Host check, loopback only, assets, stop
  serve/serve_cli_test.cpp     # `serve --profile` checks the file at start: exit 2 before listening (real binary)
)

# The web page in a real browser: headless Chromium (Debian's /usr/bin/chromium)
# driven by playwright-core from npm, against a `torchup serve --port 0` the script
# starts. It fails (never skips) when node, npm or chromium is missing:
# scripts/install-deps installs them. It writes only to the build tree: npm's packages
# and the screenshots go to build/tests/browser (docs/screenshots holds the committed copy;
# copy new ones there by hand when the page changes).
add_test(NAME ServeBrowser.SelectorPage
  COMMAND ${CMAKE_COMMAND}
          -DBROWSER_DIR=${CMAKE_CURRENT_SOURCE_DIR}/browser
          -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/browser
          -DTORCHUP=$<TARGET_FILE:torchup>
          -DSCREENSHOTS=${CMAKE_CURRENT_BINARY_DIR}/browser/screenshots
          -P ${CMAKE_CURRENT_SOURCE_DIR}/browser/run.cmake)
set_tests_properties(ServeBrowser.SelectorPage PROPERTIES TIMEOUT 600)
endif()
