"""Pipeline stage: resolve."""
