"""How figures read for people: the es-AR formatting shared by the dashboards and the audit report."""
