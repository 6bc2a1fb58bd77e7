// Implemented by its work item; see src/data/failures.h.
