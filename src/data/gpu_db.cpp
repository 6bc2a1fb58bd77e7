// Implemented by its work item; see src/data/gpu_db.h.
