"""One project's page (?project=<id>): its goals, countries, partner, dates, money ladder and results.

Reached mainly by link (components.links.project_link); without an id, a picker and the list of projects.
An undecided proposal is shown only to a viewer with the committee role; to anyone else its id names nothing.
"""
import streamlit as st

from components.access import current_user, ledger_is_illustrative
from components.data import load
from components.provenance import illustrative_notice
from components.shell import require_app
from components.state import report_unknown, tr, url_selectbox
from components.views import project as view
from ipmd.portfolio import projects

require_app()

user = current_user()
committee = user is not None and "committee" in user.roles
options = load(projects.project_options, committee)

st.title(tr("project.title"))
illustrative_notice(ledger_is_illustrative())
project_id, rejected = url_selectbox(tr("project.pick"), options["project_id"].tolist(), key="project", default=None,
                                     always_in_url=True, format_func=view.picker_label(options),
                                     placeholder=tr("project.pick_placeholder"), index=None)
if rejected:
    report_unknown(rejected, "project.unknown", "id")
if project_id is None:           # no st.stop(): the sidebar's link then shows the view as it is, without the bad value
    st.info(tr("project.choose"))
    view.picker_table(options)
else:
    page = load(projects.project_page, project_id, committee)
    view.header(page)
    view.purpose(page)
    view.countries(page)
    view.money(page)
    view.funders(page)
    view.results(page, load(projects.results_available))
