include(${CMAKE_SOURCE_DIR}/web/assets.cmake)  # builds torchup_web (the embedded page)
target_sources(torchup_core PRIVATE
  src/serve/web_assets.cpp  # lookup of the embedded page files, MIME types
  src/serve/api.cpp         # the JSON API: pure request -> response over Selector + providers
  src/serve/options.cpp     # /api/options: the selector rows per version
  src/serve/server.cpp      # cpp-httplib on 127.0.0.1, Host header check, start/stop
)
# Debian builds cpp-httplib as a shared library (libcpp-httplib.so, package
# libcpp-httplib-dev): its header declares, the library defines.
# Windows: the full single header (scripts/build-windows) holds the code; it needs Winsock.
if(WIN32)
  target_link_libraries(torchup_core PUBLIC ws2_32)
else()
  find_library(HTTPLIB_LIBRARY NAMES cpp-httplib REQUIRED)
  target_link_libraries(torchup_core PUBLIC ${HTTPLIB_LIBRARY})
endif()
