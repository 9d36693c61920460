"""The sections of one project's page (pages/project.py): what it is, where, its money ladder, its results."""
from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import charts
from components.data import load
from components.figure_cache import figure
from components.figures import results as result_figures
from components.kpi import Kpi, kpi_row
from components.labels import country_frame
from components.links import donor_link, link_column, project_link
from components.state import lang, tr
from components.tables import data_table, dataframe
from components.text import caption, markdown, plain
from babel.dates import format_date

from ipmd.i18n import area_label, fmt_date, fmt_number, fmt_pct, fmt_usd, goal_label, label, usd_column_format
from ipmd import results as ipmd_results
from ipmd.portfolio.projects import ProjectPage


def date_text(value, empty: str) -> str:
    """A table's date in the page's language (e.g. "15 Apr 2014"), or `empty` (a word, never "None") when there is none.
    Shown as text: Streamlit draws a missing value of a date column as "None"."""
    if value is None or pd.isna(value):
        return empty
    return format_date(pd.Timestamp(value).date(), format="medium", locale=lang())


def number_text(value, empty: str = "–") -> str:
    """A recorded value as the page's language writes it (up to two decimals, none for a whole number), or `empty`."""
    if value is None or pd.isna(value):
        return empty
    value = float(value)
    return fmt_number(value, lang(), 0 if value.is_integer() else 2)


def status_label(status: str) -> str:
    return tr(f"project.status.{status}")


def picker_label(options: pd.DataFrame):
    """format_func for the picker: 'IPMD-2009-004 · title'."""
    titles = dict(zip(options["project_id"], options["title"]))
    return lambda pid: f"{pid} · {titles.get(pid, '')}"


def header(page: ProjectPage) -> None:
    p = page.project
    st.header(plain(p["title"]))
    caption(tr("project.identity", id=plain(p["project_id"]), status=status_label(p["status"]),
               partner=plain(p["partner_name"])))
    if p["status"] not in ("approved", "active", "closed"):
        st.warning(tr("project.confidential"), icon=":material/lock:")
    dates = [(tr("project.submitted"), p.get("submitted_date")), (tr("project.decided"), p.get("decision_date")),
             (tr("project.start"), p.get("start_date")), (tr("project.end"), p.get("end_date"))]
    caption(" · ".join(f"{label} {fmt_date(value, lang())}" for label, value in dates
                       if value is not None and not pd.isna(value)))


def purpose(page: ProjectPage) -> None:
    """Goals (with weights), area of work, the GFMD item it follows up, objectives and expected results."""
    p = page.project
    left, right = st.columns(2)
    with left:
        st.subheader(tr("project.goals"))
        for g in page.goals.itertuples():
            primary = tr("project.primary") if g.is_primary else ""
            line = tr("screens19.goal_weight", goal=plain(goal_label(g.goal_id, lang())), weight=fmt_pct(100 * g.weight, lang(), 0))
            markdown(f"- {line} {primary}".rstrip())
        if page.goals.empty:
            st.caption(tr("project.no_goal"))
        st.subheader(tr("project.area"))
        markdown(plain(area_label(p["area_id"], lang())))
        if p.get("gfmd_item_id"):
            caption(tr("project.gfmd_item", item=plain(p["gfmd_item_id"])))
    with right:
        st.subheader(tr("project.objectives"))
        markdown(plain(p.get("objectives") or "—"))
        st.subheader(tr("project.expected_results"))
        markdown(plain(p.get("expected_results") or "—"))


def countries(page: ProjectPage) -> None:
    st.subheader(tr("project.countries"))
    names = country_frame(lang()).set_index("iso3")["name"]
    shown = page.countries.assign(name=page.countries["iso3"].map(names).fillna(page.countries["iso3"]))
    if shown.empty:
        st.caption(tr("project.no_country"))
        return
    markdown(plain(", ".join(f"{n} ({fmt_pct(100 * s, lang(), 0)})" for n, s in zip(shown["name"], shown["share"]))))


def ladder_figure(stages: tuple[str, ...], amounts: tuple[float, ...], labels: tuple[str, ...],
                  texts: tuple[str, ...], title: str) -> go.Figure:
    return go.Figure(data=[go.Bar(x=list(labels), y=list(amounts), text=list(texts), textposition="outside",
                                  marker={"color": ["#2c7fb8", "#41b6c4", "#a1dab4"][:len(stages)]},
                                  hovertemplate="%{x}: %{text}<extra></extra>")],
                     layout={**charts.title_layout(title), "height": 320, "showlegend": False,
                             "yaxis": {"rangemode": "tozero", "showticklabels": False}})


def money(page: ProjectPage) -> None:
    """The ladder approved -> transferred -> spent, its chart, by year and transaction by transaction."""
    st.subheader(tr("project.money"))
    caption(tr("project.money_intro"))
    stages = page.ladder_stages
    language = lang()
    values = [fmt_usd(v, language) for v in stages["amount_usd"]]
    labels = [tr(f"project.ladder.{s}") for s in stages["stage"]]
    kpi_row([Kpi(label, value, tr(f"project.ladder.{s}_note")) for s, label, value in
             zip(stages["stage"], labels, values)]
            + [Kpi(tr("project.ladder.not_transferred"), fmt_usd(page.not_yet_transferred, language),
                   tr("project.ladder.not_transferred_note"))])
    if stages["amount_usd"].sum() > 0:
        title = tr("project.ladder.title", id=page.project["project_id"])
        fig = figure(ladder_figure, tuple(stages["stage"]), tuple(map(float, stages["amount_usd"])), tuple(labels),
                     tuple(values), title)
        summary = tr("project.ladder.summary", approved=values[0], disbursed=values[1], spent=values[2])
        charts.show(fig, "project_ladder", alt=summary, title=title,
                    sources=charts.ledger_sources(page.is_illustrative), illustrative=page.is_illustrative)
        markdown(summary)
    else:
        st.info(tr("project.ladder.none"))
    usd = usd_column_format(language)
    st.markdown(f"**{plain(tr('project.by_year'))}**")
    data_table(page.by_year, key="project_by_year", file_name=f"ipmd_project_{page.project['project_id']}_by_year.csv",
               column_config={"year": st.column_config.NumberColumn(tr("project.col.year"), format="%d"),
                              **{c: st.column_config.NumberColumn(tr(f"project.ladder.{c}"), format=usd)
                                 for c in ("approved", "disbursed", "spent")}})
    st.markdown(f"**{plain(tr('project.transactions'))}**")
    txns = page.transactions.assign(txn_type=[tr(f"project.txn.{t}") for t in page.transactions["txn_type"]])
    data_table(txns, key="project_txns", file_name=f"ipmd_project_{page.project['project_id']}_transactions.csv",
               caption=tr("project.txns_caption"),
               column_config={"txn_id": tr("project.col.txn_id"), "txn_type": tr("project.col.txn_type"),
                              "iati_code": tr("project.col.iati_code"),
                              "txn_date": st.column_config.DateColumn(tr("project.col.date")),
                              "amount_usd": st.column_config.NumberColumn(tr("project.col.amount_usd"), format=usd),
                              "currency": tr("project.col.currency"),
                              "amount_original": tr("project.col.amount_original")})


def funders(page: ProjectPage) -> None:
    """Whose money it is: the donors whose deposits its approvals drew on (pooled-fund attribution)."""
    st.subheader(tr("project.funders"))
    caption(tr("project.funders_intro"))
    if page.funders.empty:
        st.caption(tr("project.no_funders"))
        return
    shown = page.funders.assign(link=[donor_link(d) if isinstance(d, str) else None for d in page.funders["donor_id"]],
                                name=page.funders["name"].fillna(tr("project.not_covered")))
    dataframe(shown[["link", "name", "attributed_usd", "share"]], key="project_funders", source_text=("name",),
              column_config={"link": link_column(tr("project.col.donor_id"), "donor"),
                             "name": tr("project.col.donor"),
                             "attributed_usd": st.column_config.NumberColumn(tr("project.col.attributed_usd"),
                                                                             format=usd_column_format(lang())),
                             "share": st.column_config.NumberColumn(tr("project.col.share"), format="percent")})


def _http(url) -> str | None:
    """The address when it is an http or https link, else None (shown as text, never linked)."""
    if not isinstance(url, str):
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


def results(page: ProjectPage, framework: bool) -> None:
    """Results against targets (chart and table), reports' timeliness, documents and the gender marker, from
    ipmd.results (project_results, project_reports, project_documents); or a plain statement that none are
    reported. Only called for a project the viewer may see (an undecided proposal stays hidden)."""
    project_id = page.project["project_id"]
    st.subheader(tr("project.results.title"))
    caption(tr("project.results.intro"))
    marker = page.project.get("gender_marker")
    if marker is not None and not pd.isna(marker):
        caption(tr("project.results.gender_marker", marker=int(marker),
                   meaning=tr(f"project.results.marker.{int(marker)}")))
    else:
        caption(tr("results_views.project.marker_none"))
    rows = load(ipmd_results.project_results, project_id)
    reports = load(ipmd_results.project_reports, project_id)
    documents = load(ipmd_results.project_documents, project_id)
    if not (len(rows) or len(reports) or len(documents)):
        st.info(tr("project.results.none" if framework else "project.results.no_framework"),
                icon=":material/pending_actions:")
        return
    if len(rows):
        indicators_section(page, rows)
    if len(reports):
        reports_section(reports)
    if len(documents):
        documents_section(documents)


def indicators_section(page: ProjectPage, rows: pd.DataFrame) -> None:
    """Each indicator's targets and achieved values over its reported periods (both sexes together), then every
    period by sex with its achievement."""
    project_id = page.project["project_id"]
    reported = rows[rows["actual_value"].notna()]
    sums = (reported.groupby("indicator_title", sort=False)[["target_value", "actual_value"]].sum()
            .reindex(rows["indicator_title"].unique()).dropna())
    if len(sums):
        title = tr("export.title_place", title=tr("project.results.chart_title"), place=project_id)
        fig = figure(result_figures.project_indicators, tuple(sums.index), tuple(map(float, sums["target_value"])),
                     tuple(map(float, sums["actual_value"])),
                     (tr("project.results.target"), tr("project.results.actual")), title)
        met = int((sums["actual_value"] >= sums["target_value"]).sum())
        summary = tr("results_views.project.summary", met=met, indicators=len(sums))
        pending = int(rows.loc[rows["actual_value"].isna(), "result_indicator_id"].nunique())
        if pending:
            summary += " " + tr("results_views.project.pending", n=pending)
        charts.show(fig, "project_results", alt=summary, title=title,
                    sources=charts.ledger_sources(page.is_illustrative), illustrative=page.is_illustrative)
        markdown(summary)
        caption(tr("project.results.chart_note"))
    else:
        st.caption(tr("results_views.project.none_reported"))
    language, not_set, not_reported = lang(), tr("text17.not_set"), tr("text17.not_reported")
    # values as text in the page's language, a word where there is none (a missing cell reads "None" otherwise)
    shown = pd.DataFrame({
        "result_type": [tr(f"project.results.type.{t}") for t in rows["result_type"]],
        "result_title": rows["result_title"], "indicator_title": rows["indicator_title"], "unit": rows["unit"],
        "sex": [tr(f"project.results.sex.{x}") for x in rows["sex"]],
        "baseline_value": [number_text(v) for v in rows["baseline_value"]],
        "period_start": [date_text(v, not_set) for v in rows["period_start"]],
        "period_end": [date_text(v, not_set) for v in rows["period_end"]],
        "target_value": [number_text(v) for v in rows["target_value"]],
        "actual_value": [number_text(v, not_reported) for v in rows["actual_value"]],
        "achieved": ["–" if pd.isna(v) else fmt_pct(100 * v, language, 0) for v in rows["achieved"]]})
    dataframe(shown, key="project_indicators", source_text=("result_title", "indicator_title", "unit"), column_config={
        **{c: tr(f"project.results.col.{c}") for c in ("result_type", "result_title", "indicator_title", "unit",
                                                      "sex", "baseline_value", "target_value", "actual_value",
                                                      "period_start", "period_end")},
        "achieved": tr("results_views.project.col.achieved")})


def reports_section(reports: pd.DataFrame) -> None:
    """The progress and final reports: due, received, on time / late / outstanding / not due, days late."""
    st.markdown(f"**{plain(tr('project.results.reports'))}**")
    shown = pd.DataFrame({
        "report_type": [tr(f"project.results.report.{t}") for t in reports["report_type"]],
        "due_date": [date_text(v, tr("text17.not_set")) for v in reports["due_date"]],
        "received_date": received_texts(reports),
        "status": [tr(f"results_views.status.{s}") for s in reports["status"]], "days_late": reports["days_late"]})
    dataframe(shown, key="project_reports", column_config={
        "report_type": tr("project.results.col.report_type"),
        "due_date": tr("project.results.col.due_date"),
        "received_date": tr("project.results.col.received_date"),
        "status": tr("results_views.col.status"),
        "days_late": st.column_config.NumberColumn(tr("results_views.col.days_late"), format="%d")})
    counts = reports["status"].value_counts()
    caption(tr("results_views.project.reports_summary", on_time=int(counts.get("on_time", 0)),
               late=int(counts.get("late", 0)), outstanding=int(counts.get("outstanding", 0)),
               not_due=int(counts.get("not_due", 0))))
    caption(tr("text17.reports_note"))


def received_texts(reports: pd.DataFrame) -> list[str]:
    """Each report's received date, or "Not yet due" / "Not received" (by its status) when it has none."""
    return [date_text(v, tr("text17.not_yet_due" if s == "not_due" else "text17.not_received"))
            for v, s in zip(reports["received_date"], reports["status"])]


def document_kind(category) -> str:
    """A document's kind from the ledger's vocabulary (ipmd.ledger.template.DOCUMENT_CATEGORIES) in the page's
    language; a kind the app does not know as written."""
    return label("text17.document", category, lang()) if isinstance(category, str) else "–"


def documents_section(documents: pd.DataFrame) -> None:
    """The project's documents; an address is a link only when it is http or https (anything else as text)."""
    st.markdown(f"**{plain(tr('project.results.documents'))}**")
    links = [_http(u) for u in documents["url"]]
    shown = pd.DataFrame({"title": documents["title"], "category": [document_kind(c) for c in documents["category"]],
                          "document_date": [date_text(v, tr("text17.not_set")) for v in documents["document_date"]],
                          "link": links,
                          "address": ["" if link else (u if isinstance(u, str) else "–")
                                      for link, u in zip(links, documents["url"])]})
    if (shown["address"] == "").all():
        shown = shown.drop(columns="address")
    dataframe(shown, key="project_documents", source_text=("title",), column_config={
        "title": tr("project.results.col.title"), "category": tr("project.results.col.category"),
        "document_date": tr("project.results.col.document_date"),
        "link": st.column_config.LinkColumn(tr("project.results.col.url"), display_text=tr("results_views.project.open")),
        "address": st.column_config.TextColumn(tr("results_views.project.col.address"),
                                               help=tr("results_views.project.address_help"))})


def picker_table(options: pd.DataFrame) -> None:
    """All the projects this visitor may open, each a link to its page."""
    table = options.assign(link=[project_link(p) for p in options["project_id"]],
                           status=[status_label(s) for s in options["status"]])[["link", "title", "status"]]
    dataframe(table, key="project_list", source_text=("title",), column_config={
        "link": link_column(tr("project.col.project_id"), "project"), "title": tr("project.col.title"),
        "status": tr("project.col.status")})
