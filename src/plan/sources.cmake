# plan/: machine + knowledge + preferences -> ranked candidates with reasons (pure).
target_sources(torchup_core PRIVATE
  src/plan/rules.cpp
  src/plan/planner.cpp
  src/plan/gpu_unused.cpp
  src/render/equivalents.cpp   # pip/uv/conda command text for a plan (owned by plan)
)
