"""Streamlit dashboards over the serving copy of the SLA warehouse."""
