"""Goal coverage: how the partnership's projects cover its goals and areas of work, where the money goes,
which high-need countries have none, and which GFMD 2007/2008 items nobody follows up.
Settings (filters, counting mode, open view) -> load(ipmd.coverage.report) -> components/views/coverage.py."""
import streamlit as st

from components.shell import require_app
from components.data import load
from components.labels import country_frame
from components.provenance import illustrative_notice
from components.sidebar import year
from components.state import lang, report_unknown, tr, url_tabs
from components.views import coverage as view
from components.views import results as results_view
from ipmd.coverage import report as cr

require_app()

chosen_year = year()
names = country_frame(lang())
name_of = dict(zip(names["iso3"], names["name"]))
st.title(tr("coverage.title"))
st.caption(tr("coverage.intro"))
answers_box = st.container(border=True)   # filled by the gap finder's section, once it has its result

filters, goal_id = view.filters(load(cr.filter_options))
mode = view.mode_control()
m = load(cr.matrix, mode=mode, **filters)
illustrative_notice(m.is_illustrative)     # above the tabs: it holds for every view
# the four views as tabs (?view=matrix|map|gaps|gfmd): only the open one is drawn; the answers above need the
# matrix, the gap finder (and its settings, drawn in their tab even while hidden) and the GFMD tracker
tabs, shown, bad_view = url_tabs({v: tr(f"coverage.tab.{v}") for v in view.VIEWS} | {"results": tr("results_views.tab")},
                                 key="view", default="matrix")
if bad_view:
    report_unknown(bad_view)

if shown == "matrix":
    with tabs["matrix"]:
        view.matrix_section(m, mode, filters)
if shown == "map":
    with tabs["map"]:
        view.map_section(m, goal_id, mode, filters, names, name_of)
gfmd = load(cr.gfmd_tracker, **filters)
with tabs["gaps"]:                         # its settings always (the answers need them); it fills the answers box
    view.gap_finder_section(chosen_year, goal_id, mode, filters, name_of, shown == "gaps", m, gfmd, answers_box)
if shown == "gfmd":
    with tabs["gfmd"]:
        view.gfmd_section(gfmd)
if shown == "results":                    # results against targets, reporting, gender marker (issue 20)
    with tabs["results"]:
        results_view.results_section(m.is_illustrative)
