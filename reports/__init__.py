"""Monthly SLA audit report."""
