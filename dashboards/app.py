"""Entry point: `streamlit run dashboards/app.py`."""

import sys
from pathlib import Path

# `streamlit run` puts only this folder on sys.path; the pages import
# `dashboards.*` and `ingestion.settings` from the project root.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st

st.set_page_config(
    page_title="SLA Telecentro", page_icon=":material/support_agent:", layout="wide"
)

page = st.navigation(
    [
        st.Page(
            "app_pages/resumen.py",
            title="Resumen",
            icon=":material/dashboard:",
            default=True,
        ),
        st.Page(
            "app_pages/cumplimiento.py",
            title="Cumplimiento SLA",
            icon=":material/gavel:",
        ),
    ]
)
page.run()
