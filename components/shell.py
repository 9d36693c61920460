"""Every page runs inside app.py (navigation, sidebar, sign-in checks), even when opened by a deep link.

A Streamlit server whose main script sits beside a pages/ folder starts in the legacy "pages
directory" mode and leaves it only once app.py has called st.navigation. Until then a deep link such
as /country?country=PHL runs pages/country.py on its own: no sidebar, no language, no navigation,
and the whole server stays in that mode. Each page calls `require_app()` first: in that state it
switches the server to st.navigation mode and reruns, so the request goes through app.py.
"""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require_app() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
