include(${CMAKE_SOURCE_DIR}/src/act/verify.cmake OPTIONAL)
include(${CMAKE_SOURCE_DIR}/src/act/install.cmake OPTIONAL)
include(${CMAKE_SOURCE_DIR}/src/act/mirrors.cmake OPTIONAL)
include(${CMAKE_SOURCE_DIR}/src/act/download.cmake OPTIONAL)
