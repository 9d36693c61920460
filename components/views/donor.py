"""The sections of one donor's page (pages/donor.py): pledges and deposits over time, and where its money went."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import charts
from components.figure_cache import figure
from components.kpi import Kpi, kpi_row
from components.labels import country_frame
from components.links import donor_link, link_column, project_link
from components.state import lang, tr, url_tabs
from components.tables import data_table, dataframe, when_opened
from components.text import caption, markdown, plain
from ipmd.i18n import fmt_pct, fmt_usd, goal_label, plural, usd_column_format
from ipmd.fund.flows import UNSPECIFIED
from ipmd.portfolio.donors import DonorPage
from ipmd.ticks import ticks_for

PLEDGE_COLOUR, DEPOSIT_COLOUR, ATTRIBUTED_COLOUR = "#a1dab4", "#2c7fb8", "#41b6c4"


def picker_label(options: pd.DataFrame):
    names = dict(zip(options["donor_id"], options["name"]))
    return lambda did: f"{names.get(did, did)} ({did})"


def header(page: DonorPage) -> None:
    d = page.donor
    st.header(plain(d["name"]))
    caption(tr("donor.identity", id=plain(d["donor_id"]), kind=tr(f"donor.type.{d['donor_type']}"))
            + (" · " + tr("donor.world_bank_internal") if bool(d.get("is_world_bank_internal")) else ""))


def kpis(page: DonorPage) -> None:
    language = lang()
    kpi_row([Kpi(tr("donor.kpi.pledged"), fmt_usd(page.pledged, language), tr("donor.kpi.pledged_note")),
             Kpi(tr("donor.kpi.deposited"), fmt_usd(page.deposited, language), tr("donor.kpi.deposited_note")),
             Kpi(tr("donor.kpi.unpaid"), fmt_usd(page.unpaid, language), tr("donor.kpi.unpaid_note")),
             Kpi(tr("donor.kpi.attributed"), fmt_usd(page.attributed, language), tr("donor.kpi.attributed_note")),
             Kpi(tr("donor.kpi.unallocated"), fmt_usd(page.unallocated, language), tr("donor.kpi.unallocated_note"))],
            columns=3)


def over_time_figure(years: tuple[int, ...], pledged: tuple[float, ...], deposited: tuple[float, ...],
                     names: tuple[str, str], title: str, axis_title: str) -> go.Figure:
    x = [str(y) for y in years]
    return go.Figure(data=[go.Bar(x=x, y=list(pledged), name=names[0], marker={"color": PLEDGE_COLOUR}),
                           go.Bar(x=x, y=list(deposited), name=names[1], marker={"color": DEPOSIT_COLOUR})],
                     layout={**charts.title_layout(title), "barmode": "group", "height": 340,
                             "yaxis": {**ticks_for([pledged, deposited], lang(), "count"),
                                       "title": {"text": axis_title}},
                             "legend": {"orientation": "h", "y": -0.25, "yanchor": "top"}})


def over_time(page: DonorPage) -> None:
    st.subheader(tr("donor.over_time"))
    frame = page.by_year
    if frame.empty:
        st.info(tr("donor.no_money"))
        return
    fig = figure(over_time_figure, tuple(int(y) for y in frame["year"]), tuple(map(float, frame["pledged"])),
                 tuple(map(float, frame["deposited"])), (tr("donor.kpi.pledged"), tr("donor.kpi.deposited")),
                 tr("donor.over_time_title", donor=page.donor["name"]), tr("donor.axis_usd"))
    summary = tr("donor.over_time_summary", donor=plain(page.donor["name"]), first=int(frame["year"].min()),
                 last=int(frame["year"].max()), pledged=fmt_usd(page.pledged, lang()),
                 deposited=fmt_usd(page.deposited, lang()))
    charts.show(fig, "donor_over_time", alt=summary, title=tr("donor.over_time_title", donor=page.donor["name"]),
                sources=charts.ledger_sources(page.is_illustrative), illustrative=page.is_illustrative)
    markdown(summary)
    usd = usd_column_format(lang())
    data_table(frame, key="donor_by_year", file_name=f"ipmd_donor_{page.donor['donor_id']}_by_year.csv",
               column_config={"year": st.column_config.NumberColumn(tr("donor.col.year"), format="%d"),
                              **{c: st.column_config.NumberColumn(tr(f"donor.col.{c}"), format=usd)
                                 for c in ("pledged", "deposited", "cumulative_pledged", "cumulative_deposited")}})


def bars_figure(labels: tuple[str, ...], values: tuple[float, ...], texts: tuple[str, ...], title: str) -> go.Figure:
    # each amount under its label, not beside its bar: beside a short bar it ran past the chart's edge on a phone
    return go.Figure(data=[go.Bar(y=list(labels), x=list(values), text=list(texts), orientation="h",
                                  marker={"color": ATTRIBUTED_COLOUR}, textposition="none",
                                  hovertemplate="%{y}: %{text}<extra></extra>")],
                     layout={**charts.title_layout(title), "height": 120 + 40 * len(labels), "showlegend": False,
                             "yaxis": {"autorange": "reversed", "automargin": True, "tickvals": list(labels),
                                       "ticktext": [f"{label}<br>{text}" for label, text in zip(labels, texts)]},
                             "xaxis": {"showticklabels": False}})


def _breakdown(frame: pd.DataFrame, labels: list[str], key: str, title: str, total: float, page: DonorPage) -> None:
    language = lang()
    texts = [f"{fmt_usd(v, language)} ({fmt_pct(100 * v / total if total else 0, language, 0)})"
             for v in frame["attributed_usd"]]
    fig = figure(bars_figure, tuple(labels), tuple(map(float, frame["attributed_usd"])), tuple(texts), title)
    summary = tr("donor.breakdown_summary", top=plain(labels[0]), amount=texts[0]) if len(frame) else title
    charts.show(fig, f"donor_{key}", alt=summary, title=tr("export.title_place", title=title, place=page.donor["name"]),
                sources=charts.ledger_sources(page.is_illustrative), illustrative=page.is_illustrative)
    if len(frame):
        markdown(summary)
    usd = usd_column_format(language)
    data_table(frame.assign(label=labels)[["label", "attributed_usd"]], key=f"donor_{key}",
               file_name=f"ipmd_donor_{key}.csv",
               column_config={"label": title,
                              "attributed_usd": st.column_config.NumberColumn(tr("donor.col.attributed_usd"), format=usd)})


@st.fragment
def breakdown_tabs(page: DonorPage) -> None:
    """Its attributed money by goal, partner or country, one tab at a time (?by=). A fragment: switching the tab
    reruns this section only, not the page."""
    language = lang()
    names = country_frame(language).set_index("iso3")["name"]
    tabs, chosen, _ = url_tabs({"goal": tr("donor.by_goal"), "partner": tr("donor.by_partner"),
                                "country": tr("donor.by_country")}, key="by", default="goal")
    if chosen == "goal":
        with tabs["goal"]:
            _breakdown(page.by_goal, [tr("donor.unspecified") if g == UNSPECIFIED else goal_label(g, language)
                                      for g in page.by_goal["goal_id"]],
                       "by_goal", tr("donor.by_goal_title"), page.attributed, page)
    elif chosen == "partner":
        with tabs["partner"]:
            _breakdown(page.by_partner, list(page.by_partner["partner_id"]), "by_partner",
                       tr("donor.by_partner_title"), page.attributed, page)
    else:
        with tabs["country"]:
            top = page.by_country.head(15)
            _breakdown(top, [tr("donor.unspecified") if i == UNSPECIFIED else str(names.get(i, i)) for i in top["iso3"]],
                       "by_country", tr("donor.by_country_title"),
                       page.attributed, page)


def where_it_went(page: DonorPage) -> None:
    st.subheader(tr("donor.where"))
    caption(tr("donor.method"))
    if page.attributed <= 0:
        st.info(tr("donor.nothing_attributed"))
        return
    markdown(tr("donor.where_summary", donor=plain(page.donor["name"]), attributed=fmt_usd(page.attributed, lang()),
                deposited=fmt_usd(page.deposited, lang()),
                projects=plural("figures.count.projects", len(page.by_project), lang())))
    breakdown_tabs(page)
    language = lang()
    usd = usd_column_format(language)
    st.subheader(tr("donor.projects"))
    # the list sits at the foot of the page, below the charts: sent and laid out only when opened (issue 18: on a
    # first open it cost ~190 ms of script, the styled table of every project, and the browser loaded the data grid's
    # code for it alone)
    box = when_opened(tr("donor.projects_open", n=len(page.by_project)), key="donor_projects_open")
    if box is None:
        return
    projects = page.by_project.assign(link=[project_link(p) for p in page.by_project["project_id"]])
    with box:
        dataframe(projects[["link", "title", "partner_id", "approved_usd", "share", "attributed_usd"]],
                  key="donor_projects", source_text=("title",), column_config={
                      "link": link_column(tr("donor.col.project_id"), "project"), "title": tr("donor.col.title"),
                      "partner_id": tr("donor.col.partner"),
                      "approved_usd": st.column_config.NumberColumn(tr("donor.col.approved_usd"), format=usd),
                      "share": st.column_config.NumberColumn(tr("donor.col.share"), format="percent"),
                      "attributed_usd": st.column_config.NumberColumn(tr("donor.col.attributed_usd"), format=usd)})


def picker_table(options: pd.DataFrame) -> None:
    """Every donor, each a link to its page."""
    table = options.assign(link=[donor_link(d) for d in options["donor_id"]],
                           donor_type=[tr(f"donor.type.{t}") for t in options["donor_type"]])[["link", "name", "donor_type"]]
    dataframe(table, key="donor_list", source_text=("name",), column_config={
        "link": link_column(tr("donor.col.donor_id"), "donor"), "name": tr("donor.col.name"),
        "donor_type": tr("donor.col.donor_type")})
