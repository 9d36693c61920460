"""Trust fund flows: follow every dollar from donor to country (ladder, flow diagram, map, donors, over time).

Settings (the top filters, kept in the URL) -> the ladder -> the open tab -> downloads. Each section loads only
what it depends on; the sections and their controls are in components/views/funds.py.
"""
import streamlit as st

from components.data import load
from components.provenance import illustrative_notice
from components.shell import require_app
from components.state import lang, tr, url_multiselect, url_selectbox, url_tabs
from components.text import caption, link_values, literal
from components.views import funds as view
from ipmd.fund import report as fund_report

require_app()

# --------------------------------------------------------------------------------------------- filters
st.title(tr("funds.title"))
caption(tr("funds.intro"))
options = load(fund_report.fund_options, lang())
illustrative_notice(options.is_illustrative)
if options.first_year is None:
    st.info(tr("funds.no_flows", period="–"))
    st.stop()

years = list(range(options.first_year, options.last_year + 1))
goal_label = dict(zip(options.goals["goal_id"], options.goals["label"]))
partner_name = dict(zip(options.partners["partner_id"], options.partners["name"]))
with st.container(border=True):
    cols = st.columns([1.4, 1.4, 2, 2, 3])  # a year (and its arrow) fits in the first two at 1280 px
    start, bad_from = url_selectbox(tr("funds.filter.from"), view.year_options("from", years), key="from",
                                    default=years[0], container=cols[0])
    end, bad_to = url_selectbox(tr("funds.filter.to"), view.year_options("to", years), key="to",
                                default=years[-1], container=cols[1])
    donor_types, bad_types = url_multiselect(tr("funds.filter.donor_type"), options.donor_types, key="donor_type",
                                             container=cols[2], placeholder=tr("funds.filter.all"),
                                             format_func=lambda d: tr(f"funds.donor_type.{d}"))
    goals, bad_goals = url_multiselect(tr("funds.filter.goal"), list(goal_label), key="goal", container=cols[3],
                                       placeholder=tr("funds.filter.all"), format_func=goal_label.get)
    partners, bad_partners = url_multiselect(tr("funds.filter.partner"), list(partner_name), key="partner",
                                             container=cols[4], placeholder=tr("funds.filter.all"),
                                             format_func=lambda p: f"{p} ({partner_name[p]})")
start, end, swapped = fund_report.period_years(start, end)
problems = [tr("funds.filter.bad_year", value=link_values(bad)) for bad in (bad_from, bad_to) if bad]
problems += [tr("funds.filter.unknown", values=link_values(bad), what=tr(what).lower())
             for bad, what in ((bad_types, "funds.filter.donor_type"), (bad_goals, "funds.filter.goal"),
                               (bad_partners, "funds.filter.partner")) if bad]
if swapped:
    problems.append(tr("funds.filter.swapped", start=end, end=start))
notice = st.empty()
sel = view.Selection(start, end, tuple(donor_types), tuple(goals), tuple(partners), options.is_illustrative)

# ------------------------------------------------------------------------- the ladder, the open tab, downloads
ladder = load(fund_report.fund_ladder, *sel.args)
if ladder.has_money:
    view.ladder_section(sel, ladder)
    tabs, shown, bad_view = url_tabs({"flows": tr("funds.sankey.title"), "map": tr("funds.map.title"),
                                      "donors": tr("funds.donors.title"), "time": tr("funds.time.title")},
                                     key="view", default="flows")
    if bad_view:
        problems.append(tr("funds.filter.bad_value", value=link_values(bad_view), what="?view="))
    with tabs[shown]:
        view.TABS[shown](sel)           # only the open tab is computed and drawn
    view.downloads_section(sel, ladder.n_transactions)
else:
    st.info(tr("funds.no_flows", period=sel.period), icon=":material/info:")
if problems:
    notice.warning(literal("\n".join(f"- {problem}" for problem in problems)), icon=":material/help:")
