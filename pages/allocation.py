"""Allocation review: the Oversight Committee weighs the pipeline against the money and the gaps.
Settings (open view, year) -> load(ipmd.allocation.report) -> components/views/allocation.py; only the open tab
(?view=pipeline|whatif|since) is computed and drawn."""
import streamlit as st

from components.shell import require_app
from components.access import require_role
from components.data import load
from components.provenance import illustrative_notice
from components.sidebar import year
from components.state import lang, report_unknown, tr, url_tabs
from components.views import allocation as view
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

tabs, shown, bad_view = url_tabs({"pipeline": tr("allocation.tab.pipeline", n=len(pipe)),
                                  "whatif": tr("allocation.tab.round"), "since": tr("allocation.tab.since")},
                                 key="view", default="pipeline")
if bad_view:
    report_unknown(bad_view)

if shown == "pipeline":
    with tabs["pipeline"]:
        filters = view.pipeline_filters(pipe)
        listed = allocation.filter_pipeline(pipe, filters["partner"], filters["goal"], filters["area"],
                                            filters["status"])
        if listed.empty:
            st.info(tr("allocation.pipeline.none"))
        else:
            view.pipeline_table(listed)
        picked = view.proposal_picker(pipe)
        if picked is None:
            st.caption(tr("allocation.record.hint"))
        else:
            view.proposal_record(load(allocation.proposal, picked, lang()))

if shown == "whatif":
    with tabs["whatif"]:
        st.caption(tr("allocation.round.intro"))
        view.what_if_round(pipe, env, chosen_year)

if shown == "since":
    with tabs["since"]:
        default = load(allocation.last_meeting)
        since = view.since_picker(default, None, env.as_of)
        st.caption(tr("allocation.since.explain", date=view.day(since),
                      last=view.day(default) if default else "–"))
        view.changes(load(allocation.changes_since, since.isoformat()))
