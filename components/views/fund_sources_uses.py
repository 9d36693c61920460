"""The funds screen's sources-and-uses section: the table and the delivery rates (ipmd.portfolio.sources_uses),
then the Secretariat's annual report to download (ipmd.documents.annual_report), PDF or DOCX, built when clicked.

The funds page calls `section(year)` where it wants it (the lead wires it in); it reads its own data.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import charts
from components.data import load
from components.figure_cache import figure
from components.state import lang, report_unknown, tr, url_selectbox
from components.tables import data_table, dataframe
from components.text import caption, markdown, plain
from ipmd.i18n import fmt_pct, fmt_usd, usd_column_format
from ipmd.documents.annual_report.data import report_years
from ipmd.documents.annual_report.docx import annual_report_docx
from ipmd.documents.annual_report.pdf import annual_report_pdf
from ipmd.portfolio.sources_uses import SourcesUses, sources_uses
from ipmd.ticks import ticks_for

TOTAL_LINES = ("total_sources", "total_uses", "balance")


def table_frame(data: SourcesUses) -> pd.DataFrame:
    """The table as shown: translated line names; a line the ledger does not carry says so in every column."""
    language = lang()
    shown = pd.DataFrame({"line": [tr(f"sources_uses.line.{line}") for line in data.table["line"]]})
    for column in ("prior", "year", "total"):
        shown[column] = [fmt_usd(v, language, compact=False, digits=0) if recorded else tr("sources_uses.not_recorded")
                         for v, recorded in zip(data.table[column], data.table["recorded"])]
    return shown


def rate_figure(years: tuple[str, ...], annual: tuple[float, ...], cumulative: tuple[float, ...],
                provisional: tuple[bool, ...], names: tuple[str, str], title: str) -> go.Figure:
    pattern = ["/" if p else "" for p in provisional]
    return go.Figure(data=[
        go.Bar(x=list(years), y=list(annual), name=names[0], marker={"color": "#41b6c4", "pattern": {"shape": pattern}},
               hovertemplate="%{x}: %{y:.0%}<extra></extra>"),
        go.Scatter(x=list(years), y=list(cumulative), name=names[1], mode="lines+markers",
                   line={"color": "#253494"}, hovertemplate="%{x}: %{y:.0%}<extra></extra>")],
        layout={**charts.title_layout(title), "height": 340,
                "yaxis": {**ticks_for([annual, cumulative], lang(), "share"), "rangemode": "tozero"},
                "legend": {"orientation": "h", "y": -0.25, "yanchor": "top"}})


def section(year: int, illustrative: bool) -> None:
    """Sources and uses of funds to the end of `year`, and the delivery rate by partner and by year."""
    data = load(sources_uses, int(year))
    language = lang()
    st.subheader(tr("sources_uses.title", year=year))
    caption(tr("sources_uses.intro"))
    if data.provisional:
        st.warning(tr("sources_uses.provisional", year=year), icon=":material/pending:")
    headers = {"line": tr("sources_uses.col.line"), "prior": tr("sources_uses.col.prior", year=year),
               "year": tr("sources_uses.col.year", year=year), "total": tr("sources_uses.col.total", year=year)}
    dataframe(table_frame(data).rename(columns=headers), key="sources_uses_table")
    missing = [tr(f"sources_uses.line.{line}") for line, rec in zip(data.table["line"], data.table["recorded"])
               if not rec]
    if missing:
        caption(tr("sources_uses.missing", lines=plain(", ".join(missing))))
    raw = data.table.assign(line=[tr(f"sources_uses.line.{line}") for line in data.table["line"]])
    usd = usd_column_format(language)
    data_table(raw.drop(columns=["side"]), key="sources_uses", file_name=f"ipmd_sources_uses_{year}.csv",
               column_config={"line": headers["line"], "recorded": tr("sources_uses.col.recorded"),
                              **{c: st.column_config.NumberColumn(headers[c], format=usd)
                                 for c in ("prior", "year", "total")}})

    st.subheader(tr("sources_uses.delivery.title"))
    caption(tr("sources_uses.delivery.intro"))
    by_year = data.by_year
    if by_year.empty:
        st.info(tr("sources_uses.delivery.none"))
        report_section(year)
        return
    title = tr("sources_uses.delivery.chart_title", year=year)
    if illustrative:
        title = tr("figures.illustrative", text=title)
    labels = tuple(str(y) + (" *" if p else "") for y, p in zip(by_year["year"], by_year["provisional"]))
    fig = figure(rate_figure, labels, tuple(by_year["delivery_rate"].astype(float).tolist()),   # no rate: a gap, not 0
                 tuple(by_year["cumulative_rate"].astype(float).tolist()),
                 tuple(bool(p) for p in by_year["provisional"]),
                 (tr("sources_uses.delivery.annual"), tr("sources_uses.delivery.cumulative")),
                 title)
    last = by_year.iloc[-1]
    summary = tr("sources_uses.delivery.summary", year=int(last["year"]),
                 rate=fmt_pct(100 * last["cumulative_rate"], language, 0), spent=fmt_usd(by_year["spent"].sum(), language),
                 transferred=fmt_usd(by_year["transferred"].sum(), language))
    charts.show(fig, "sources_uses_delivery", alt=summary, title=title, sources=charts.ledger_sources(illustrative),
                illustrative=illustrative)
    markdown(summary)
    if by_year["provisional"].any():
        caption(plain(tr("sources_uses.delivery.provisional_mark")))
    rate = st.column_config.NumberColumn(tr("sources_uses.col.delivery_rate"), format="percent")
    data_table(by_year, key="delivery_by_year", file_name=f"ipmd_delivery_by_year_{year}.csv", column_config={
        "year": st.column_config.NumberColumn(tr("sources_uses.col.year_plain"), format="%d"),
        "transferred": st.column_config.NumberColumn(tr("sources_uses.col.transferred"), format=usd),
        "spent": st.column_config.NumberColumn(tr("sources_uses.col.spent"), format=usd), "delivery_rate": rate,
        "cumulative_rate": st.column_config.NumberColumn(tr("sources_uses.col.cumulative_rate"), format="percent"),
        "provisional": st.column_config.CheckboxColumn(tr("sources_uses.col.provisional"))})
    st.markdown(f"**{plain(tr('sources_uses.delivery.by_partner', year=year))}**")
    dataframe(data.by_partner, key="delivery_by_partner", source_text=("name",), column_config={
        "partner_id": tr("sources_uses.col.partner_id"), "name": tr("sources_uses.col.partner"),
        "transferred": st.column_config.NumberColumn(tr("sources_uses.col.transferred"), format=usd),
        "spent": st.column_config.NumberColumn(tr("sources_uses.col.spent"), format=usd), "delivery_rate": rate})
    report_section(year)


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_section(year: int) -> None:
    """The annual progress report for a year picked here (kept in the URL as ?report=, the page's year by
    default), in the page's language, as PDF and DOCX: each built only when its button is clicked. It shows
    funded projects only, so it is not confidential."""
    years, certified_through = load(report_years)
    if not years:
        return
    st.subheader(tr("annual_report.download.title"))
    caption(tr("annual_report.download.help"))
    default = int(year) if int(year) in years else years[-1]
    picked, rejected = url_selectbox(tr("annual_report.download.year"), list(years), key="report", default=default)
    if rejected:
        report_unknown([rejected] if isinstance(rejected, str) else rejected)
    picked = int(picked if picked is not None else default)
    if certified_through is None or picked > certified_through:
        caption(tr("annual_report.download.provisional", year=picked))
    language = lang()
    stem = f"ipmd_annual_report_{picked}_{language}"
    left, right = st.columns(2)
    left.download_button(tr("annual_report.download.pdf"), data=lambda: load(annual_report_pdf, picked, language),
                         file_name=f"{stem}.pdf", mime=PDF, key="annual_report_pdf", on_click="ignore",
                         icon=":material/picture_as_pdf:", type="primary", width="stretch")
    right.download_button(tr("annual_report.download.docx"), data=lambda: load(annual_report_docx, picked, language),
                          file_name=f"{stem}.docx", mime=DOCX, key="annual_report_docx", on_click="ignore",
                          icon=":material/description:", width="stretch")
