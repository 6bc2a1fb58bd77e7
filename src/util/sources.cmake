target_sources(torchup_core PRIVATE
  src/util/columns.cpp
  src/util/expected.cpp
  src/util/strings.cpp
  src/util/text.cpp
  src/util/version.cpp
)
