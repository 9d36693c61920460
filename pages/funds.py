"""Trust fund flows: follow every dollar from donor to country (ladder, flow diagram, map, donors, over time).

Settings (the top filters, kept in the URL) -> the ladder -> the open tab -> downloads, all in one fragment
(components/views/funds.py `body`), so a filter or a tab reruns them and not the navigation, sidebar and title. Each
section loads only what it depends on; the sections and their controls are in components/views/funds.py.
"""
import streamlit as st

from components.data import load
from components.provenance import illustrative_notice
from components.shell import require_app
from components.state import lang, tr
from components.text import caption
from components.views import funds as view
from ipmd.fund import report as fund_report

require_app()

# --------------------------------------------------------------------- title; the filters and sections below
st.title(tr("funds.title"))
caption(tr("funds.intro"))
options = load(fund_report.fund_options, lang())
illustrative_notice(options.is_illustrative)
if options.first_year is None:
    st.info(tr("funds.no_flows", period="–"))
    st.stop()

view.body(options)       # a fragment: a filter or a tab reruns it alone, not the navigation and sidebar
