"""Every page runs inside app.py (navigation, sidebar, sign-in checks), even when opened by a deep link.

A Streamlit server whose main script sits beside a pages/ folder starts in the legacy "pages
directory" mode and leaves it only once app.py has called st.navigation. Until then a deep link such
as /country?country=PHL runs pages/country.py on its own: no sidebar, no language, no navigation,
and the whole server stays in that mode. Each page calls `require_app()` first: in that state it
switches the server to st.navigation mode and reruns, so the request goes through app.py.
"""
import json
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "ipmd.css"


def require_app() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def document_setup(language: str, title: str) -> None:
    """The app's stylesheet, and the document's language and tab title in the page's language.

    Streamlit has no setting for <html lang> (screen readers and the browser's hyphenation and translation
    offer read it): a one-line script sets it, in a sidebar container the stylesheet hides."""
    st.set_page_config(page_title=title)
    st.html(STYLESHEET)
    script = f"<script>document.documentElement.lang = {json.dumps(language)};</script>"
    with st.sidebar.container(key="ipmd_document"):
        st.html(script, unsafe_allow_javascript=True)
