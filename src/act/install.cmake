# install.
target_sources(torchup_core PRIVATE
  src/act/install.cpp             # argv for pip/uv/conda, index checks, interpreter facts, JSON
  src/act/install_run.cpp         # one install: lock, environment, the attempt loop (remedy_for), verify
)
# The lock per environment (a second install is refused): per platform.
if(WIN32)
  target_sources(torchup_core PRIVATE src/act/install_lock_windows.cpp)  # LockFileEx
else()
  target_sources(torchup_core PRIVATE src/act/install_lock_posix.cpp)    # flock(2)
endif()
target_sources(torchup_core PRIVATE
  src/act/pip_config.cpp          # pip's proxy/cert/index settings (`pip config list`), adopted by torchup's own HTTP
)
