// Implemented by its work item; see src/data/previous_versions.h.
