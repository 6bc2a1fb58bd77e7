target_sources(torchup_core PRIVATE
  src/app/plan.cpp     # the machine, the knowledge base, the planner and the command renderer
  src/app/install.cpp  # installer choice, PEP 668, confirmation, index order, then act::run_install
  src/app/tasks.cpp    # detect, verify, doctor, select, update
  src/app/fetch.cpp    # the target interpreter of a download (this one, or a profile's)
  src/app/fleet.cpp       # fleets: planned, grouped, the common build; Slurm jobs
  src/app/fleet_lock.cpp  # a node's facts and fingerprint; the lock's format; a node's group
)
# Resolve, then download: where the build has torchup's downloader (act/download.cmake).
if(WIN32)
  target_sources(torchup_core PRIVATE src/app/fetch_unsupported.cpp)
else()
  target_sources(torchup_core PRIVATE
    src/app/fetch_posix.cpp  # fetch, install's download, install --from
    src/app/fleet_posix.cpp  # a fleet's lock, fleet fetch, install --lock
  )
endif()
