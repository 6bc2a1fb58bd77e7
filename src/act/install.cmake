# install.
target_sources(torchup_core PRIVATE
  src/act/install.cpp             # argv for pip/uv/conda, index checks, interpreter facts, JSON
  src/act/install_run.cpp         # one install: lock, environment, the attempt loop (remedy_for), verify
  src/act/resolve.cpp             # the plan's wheels from index pages and PEP 658 metadata
  src/act/resolve_parse.cpp       # wheel tags, PEP 440 specifiers, PEP 508 requirements and markers
  src/act/bundle.cpp              # a bundle's manifest (JSON) and PEP 751 pylock.toml
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
