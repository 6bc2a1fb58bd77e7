# install (issue 5, install half).
target_sources(torchup_core PRIVATE
  src/act/install.cpp             # run the plan with pip/uv/conda, classify failures, retry, verify, report state
  src/act/install_lock_posix.cpp  # flock(2) lock per environment (a second install is refused)
)
target_sources(torchup_core PRIVATE
  src/act/pip_config.cpp          # pip's proxy/cert/index settings (`pip config list`), adopted by torchup's own HTTP
)
