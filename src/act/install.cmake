# install (issue 5, install half).
target_sources(torchup_core PRIVATE
  src/act/install.cpp  # run the plan's pip install, classify failures, retry, report state
)
