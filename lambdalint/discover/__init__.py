"""Pipeline stage: discover."""
