target_sources(torchup_core PRIVATE
  src/render/selector.cpp       # select: published_versions.json + previous-versions page
  src/render/select_output.cpp  # select: text and JSON renderings
)
