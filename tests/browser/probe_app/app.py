"""A minimal app for the harness's self-test (test_harness.py): one map with the local topojson, one without.

Not part of the dashboard. It proves the browser suite can see a map that is blank offline.
"""
import streamlit as st

st.navigation([
    st.Page("pages/local.py", title="Local topojson", url_path="local", default=True),
    st.Page("pages/cdn.py", title="CDN topojson", url_path="cdn"),
]).run()
