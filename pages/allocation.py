"""Allocation review: the Oversight Committee weighs the pipeline against the money and the gaps."""
import streamlit as st

from components.shell import require_app
from components import allocation_view as view
from components.access import require_role
from components.data import load
from components.provenance import illustrative_notice
from components.sidebar import year
from components.state import lang, tr
from ipmd.allocation import report as allocation

require_app()
user = require_role("committee")

chosen_year = year()
st.title(tr("allocation.title"))
st.caption(tr("allocation.intro"))
view.committee_notice()

env = load(allocation.envelope)
illustrative_notice(env.is_illustrative)
view.envelope(env)
pipe = load(allocation.pipeline, lang())

tab_pipeline, tab_round, tab_since = st.tabs([tr("allocation.tab.pipeline", n=len(pipe)), tr("allocation.tab.round"),
                                              tr("allocation.tab.since")])

with tab_pipeline:
    filters = view.pipeline_filters(pipe)
    shown = allocation.filter_pipeline(pipe, filters["partner"], filters["goal"], filters["area"], filters["status"])
    if shown.empty:
        st.info(tr("allocation.pipeline.none"))
    else:
        view.pipeline_table(shown)
    picked = view.proposal_picker(pipe)
    if picked is None:
        st.caption(tr("allocation.record.hint"))
    else:
        view.proposal_record(load(allocation.proposal, picked, lang()))

with tab_round:
    st.caption(tr("allocation.round.intro"))
    mode = view.counting_mode()
    selection = view.round_editor(pipe)
    result = load(allocation.effects, selection, chosen_year, mode)
    if not selection:
        st.info(tr("allocation.round.empty"))
    view.balance(result)
    view.coverage(result, (selection, chosen_year, mode))
    view.high_need(result, chosen_year)
    view.concentration(result)
    view.world_bank(result, env)
    view.decision_downloads(selection, chosen_year, mode)

with tab_since:
    default = load(allocation.last_meeting)
    since = view.since_picker(default, None, env.as_of)
    st.caption(tr("allocation.since.explain", date=view.day(since),
                  last=view.day(default) if default else "–"))
    view.changes(load(allocation.changes_since, since.isoformat()))
