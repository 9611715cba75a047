"""The app's pages (run by `st.navigation` in dashboards/app.py), each with its queries beside it."""
