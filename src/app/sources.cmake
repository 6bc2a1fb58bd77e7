target_sources(torchup_core PRIVATE
  src/app/plan.cpp     # the machine, the knowledge base, the planner and the command renderer
  src/app/install.cpp  # installer choice, PEP 668, confirmation, index order, then act::run_install
  src/app/tasks.cpp    # detect, verify, doctor, select, update
)
