include(${CMAKE_SOURCE_DIR}/src/act/verify.cmake OPTIONAL)
include(${CMAKE_SOURCE_DIR}/src/act/install.cmake OPTIONAL)
include(${CMAKE_SOURCE_DIR}/src/act/mirrors.cmake OPTIONAL)
# The downloader needs libcurl and OpenSSL's libcrypto, which Debian does not build for
# mingw: Windows gets it with WinHTTP and BCrypt (not yet written).
if(NOT WIN32)
  include(${CMAKE_SOURCE_DIR}/src/act/download.cmake OPTIONAL)
endif()
