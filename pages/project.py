"""One project's page (?project=<id>): its goals, countries, partner, dates, money ladder and results.

Reached mainly by link (components.links.project_link); without an id, a picker and the list of projects.
An undecided proposal is shown only to a viewer with the committee role; to anyone else its id names nothing.
"""
import streamlit as st

from components.access import current_user, ledger_is_illustrative
from components.data import load
from components.provenance import illustrative_notice
from components.shell import require_app
from components.state import tr, url_record
from components.views import project as view
from ipmd.portfolio import projects

require_app()

user = current_user()
committee = user is not None and "committee" in user.roles
options = load(projects.project_options, committee)

st.title(tr("project.title"))
illustrative_notice(ledger_is_illustrative())
project_id = url_record("project", options["project_id"].tolist(), "project", format_func=view.picker_label(options))
if project_id is None:
    view.picker_table(options)
else:
    page = load(projects.project_page, project_id, committee)
    view.header(page)
    view.purpose(page)
    view.countries(page)
    view.money(page)
    view.funders(page)
    view.results(page, load(projects.results_available))
