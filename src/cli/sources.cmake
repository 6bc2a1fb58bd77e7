target_sources(torchup_core PRIVATE
  src/cli/app.cpp
  src/cli/context.cpp
  src/cli/cmd_default.cpp
  src/cli/cmd_select.cpp
  src/cli/cmd_cuda_compat.cpp
  src/cli/cmd_update.cpp
  src/cli/cmd_detect.cpp
  src/cli/cmd_plan.cpp
  src/cli/cmd_install.cpp
  src/cli/cmd_fetch.cpp
  src/cli/cmd_fleet.cpp
  src/cli/progress_line.cpp
  src/cli/cmd_verify.cpp
  src/cli/cmd_doctor.cpp
  src/cli/cmd_serve.cpp
  src/cli/cmd_completions.cpp
)
