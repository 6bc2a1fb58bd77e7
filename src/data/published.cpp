// Implemented by its work item; see src/data/published.h.
