"""Pipeline stage: report."""
