"""The line families (`dim_lines.direction`) the dashboards know, in display order."""

DIRECTIONS = ("inbound", "outbound", "backoffice", "social")
# Lines whose direction is unknown (older serving copies carried only calls).
DEFAULT_DIRECTION = "inbound"
