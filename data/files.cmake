# The knowledge base files embedded into the binary (see data/manifest.json for provenance).
set(TORCHUP_DATA_FILES
  manifest.json
  published_versions.json
  previous-versions.md
  releases.json
  torch-releases.json
  cuda-driver-table.json
  cuda-driver-min-versions.json
  nvidia-compute-capability.json
  install-failures.json
  mirrors.json
  rocm-gfx.json
  platform-facts.json
)
