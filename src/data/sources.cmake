target_sources(torchup_core PRIVATE
  src/data/store.cpp
)
