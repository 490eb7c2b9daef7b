"""Pipeline stage: checks."""
