# fmt (Debian's libfmt-dev headers) header-only for the mingw build (Debian's libfmt.so
# is Linux-only): FMT_HEADER_ONLY compiles fmt's code into each user.
set(fmt_VERSION 9.1.0)
if(NOT TARGET fmt::fmt)
  add_library(fmt::fmt INTERFACE IMPORTED)
  set_target_properties(fmt::fmt PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${CMAKE_CURRENT_LIST_DIR}/../../../include"
    INTERFACE_COMPILE_DEFINITIONS "FMT_HEADER_ONLY=1")
endif()
