"""Goal coverage: how the partnership's projects cover its goals and areas of work, where the money goes,
which high-need countries have none, and which GFMD 2007/2008 items nobody follows up.
Settings (filters, counting mode, open view) -> load(ipmd.coverage.report) -> components/views/coverage.py, all below
the title in one fragment (`body`): a filter or a tab reruns it, not the navigation, the sidebar and the title."""
import streamlit as st

from components.shell import require_app
from components.labels import country_frame
from components.sidebar import year
from components.state import lang, tr
from components.views import coverage as view

require_app()

chosen_year = year()
names = country_frame(lang())
name_of = dict(zip(names["iso3"], names["name"]))
st.title(tr("coverage.title"))
st.caption(tr("coverage.intro"))
view.body(chosen_year, names, name_of)   # a fragment: a filter or a tab reruns it, not the navigation and sidebar
