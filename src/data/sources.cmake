target_sources(torchup_core PRIVATE
  src/data/store.cpp
  src/data/published.cpp          # published_versions.json (select)
  src/data/previous_versions.cpp  # previous-versions.md (select)
  src/data/cuda_table.cpp         # Table 3 (cuda-compat)
  src/data/cuda_compat.cpp        # cuda-compat reports over Table 3
  src/data/update.cpp             # torchup update: download + cache published_versions.json
  src/data/gpu_db.cpp             # PCI id -> compute capability (detect)
  src/data/releases.cpp           # torch-releases.json, rocm-gfx.json (plan)
  src/data/failures.cpp           # install-failures.json (install, doctor)
)
