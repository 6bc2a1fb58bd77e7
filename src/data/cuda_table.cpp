// Implemented by its work item; see src/data/cuda_table.h.
