"""Entry point: `python -m streamlit run dashboards/app.py` from the project root (`make serve`).

The pages import `dashboards.*`, `presentation.*` and `ingestion.settings` as the installed
project: `python -m` puts the current checkout first on sys.path, and the editable install
finds it from anywhere else.
"""

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
            "app_pages/hoy.py",
            title="Hoy",
            icon=":material/timer:",
        ),
        st.Page(
            "app_pages/cumplimiento.py",
            title="Cumplimiento SLA",
            icon=":material/gavel:",
        ),
    ]
)
page.run()
