"""Reusable Streamlit and plotly pieces. Figure builders return go.Figure; `show_*` functions render.

Every page imports this package first, which is why the guard below lives here: a fresh Streamlit
server with a pages/ folder starts in the legacy "pages directory" mode and leaves it only when
app.py calls st.navigation. If the first request of a new server is a deep link (/country?country=PHL),
the legacy mode runs the page on its own, without app.py, and keeps the whole server in that mode:
no sidebar, no navigation, for every visitor. Switching to st.navigation mode and rerunning makes
the deep link go through app.py like any other request.
"""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

if PagesManager.uses_pages_directory and st.runtime.exists():
    PagesManager.uses_pages_directory = False
    st.rerun()
