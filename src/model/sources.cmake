target_sources(torchup_core PRIVATE
  src/model/machine.cpp
  src/model/message.cpp
  src/model/plan.cpp
)
