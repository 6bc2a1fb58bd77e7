target_sources(torchup_core PRIVATE
  src/cli/app.cpp
  src/cli/context.cpp
  src/cli/cmd_default.cpp
  src/cli/cmd_select.cpp
  src/cli/cmd_cuda_compat.cpp
)
