// Implemented by its work item; see src/data/releases.h.
