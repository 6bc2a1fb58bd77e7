target_sources(torchup_tests PRIVATE
  cuda/cuda_table_test.cpp
  cuda/cuda_compat_test.cpp
)
