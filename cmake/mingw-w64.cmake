# Cross-compiling torchup for 64-bit Windows with Debian's mingw-w64 (package
# g++-mingw-w64-x86-64-posix: GCC 12, the -posix thread model for std::thread).
# Used by scripts/build-windows, which also prepares TORCHUP_WINDOWS_DEPS (GoogleTest
# built for mingw, cpp-httplib's single header, links to the header-only libraries).
# Measured recipe: ../shared/research/windows-port.md.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

if(NOT TORCHUP_WINDOWS_DEPS AND DEFINED ENV{TORCHUP_WINDOWS_DEPS})
  set(TORCHUP_WINDOWS_DEPS "$ENV{TORCHUP_WINDOWS_DEPS}")
endif()
# try_compile projects see the same dependency prefix.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TORCHUP_WINDOWS_DEPS)

# Only mingw's own headers and libraries, never /usr/include (glibc's headers would
# shadow mingw's): the Debian header-only libraries come in through links.
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${TORCHUP_WINDOWS_DEPS}/prefix)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# One torchup.exe with no DLLs beside it: libstdc++, libgcc and winpthreads linked in.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# Tests (gtest_discover_tests, add_test) run the .exe files through wine, headless.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/../scripts/wine-run")

# The prepared headers (httplib.h, the links to Debian's header-only libraries) are
# system headers: their own warnings are not this project's (-Werror).
set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES "${TORCHUP_WINDOWS_DEPS}/prefix/include")
# mingw-w64's <time.h> declares the POSIX gmtime_r/localtime_r when asked to.
set(CMAKE_CXX_FLAGS_INIT "-D_POSIX_THREAD_SAFE_FUNCTIONS")
