# --mirror auto|NAME|URL.
target_sources(torchup_core PRIVATE
  src/act/mirrors.cpp  # mirrors.json parser, measured-throughput probes, source order
)
