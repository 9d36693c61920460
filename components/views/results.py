"""Results across the portfolio (issue 20, part 4): the coverage screen's "Results" tab (?view=results).

Results achieved against targets by goal, area of work or country (people reached by sex against people targeted;
indicators that reached their targets), the share of projects reporting on time with the late reports (each a
link to its project page), and the gender marker's spread. Every figure is ipmd.results' for the same grouping
and year (tests/app/test_page_results.py); the figures come from components/figures/results.py.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts
from components.data import load
from components.downloads import csv_download
from components.figure_cache import figure
from components.figures import results as figures
from components.kpi import Kpi, kpi_row
from components.labels import country_frame
from components.links import link_column, project_link
from components.state import lang, report_unknown, tr, url_choice
from components.tables import dataframe
from components.text import caption, markdown
from components.views.project import date_text, received_texts
from ipmd import results
from ipmd.i18n import area_label, fmt_number, fmt_pct, goal_label, usd_column_format

ALL_YEARS = "all"
STATUS_COLOURS = {"on_time": "#1b9e77", "late": "#e6ab02", "outstanding": "#d95f02"}


def group_names(by: str, groups) -> list[str]:
    """The groups' names in the interface language: goals, areas of work or countries."""
    language = lang()
    if by == "goal":
        return [goal_label(g, language) for g in groups]
    if by == "area":
        return [area_label(a, language) for a in groups]
    names = country_frame(language).set_index("iso3")["name"]
    return [str(names.get(g, g)) for g in groups]


def _sources(is_illustrative: bool) -> tuple[str, ...]:
    return ("illustrative_portfolio",) if is_illustrative else ()


def controls(years: tuple[int, ...]) -> tuple[str, int | None]:
    """The grouping (?rby=goal|area|country) and the reporting year (?ryear=, all years by default)."""
    left, right = st.columns([2, 1])
    with left:
        by, bad_by = url_choice(st.segmented_control, tr("results_views.by"), list(results.GROUPINGS), key="rby",
                                default="goal", format_func=lambda b: tr(f"results_views.by.{b}"))
    with right:
        options = [ALL_YEARS, *map(str, years)]
        chosen, bad_year = url_choice(st.selectbox, tr("results_views.year"), options, key="ryear",
                                      default=ALL_YEARS,
                                      format_func=lambda y: tr("results_views.year.all") if y == ALL_YEARS else y)
    bad = [v for v in (bad_by, bad_year) if v]
    if bad:
        report_unknown(bad)
    return by, (None if chosen == ALL_YEARS else int(chosen))


@st.fragment
def results_section(is_illustrative: bool) -> None:
    """The tab's content. A fragment: changing the grouping or the year reruns this tab only."""
    st.subheader(tr("results_views.title"))
    caption(tr("results_views.intro"))
    years = load(results.reporting_years)
    if not years:
        st.info(tr("results_views.none"), icon=":material/pending_actions:")
        gender_section(is_illustrative)
        return
    by, year = controls(years)
    caption(tr("results_views.filters_note"))
    portfolio = load(results.portfolio_results, by, year)
    achievement_section(portfolio, by, year, is_illustrative)
    timeliness_section(year, is_illustrative)
    gender_section(is_illustrative)


def _period(year: int | None) -> str:
    return tr("results_views.period.all") if year is None else tr("results_views.period.year", year=year)


def achievement_section(portfolio: pd.DataFrame, by: str, year: int | None, is_illustrative: bool) -> None:
    """People reached against people targeted (by sex) and indicators met, by group; the table of both."""
    language = lang()
    st.markdown(f"**{tr('results_views.achieved.heading', by=tr(f'results_views.by.{by}').lower())}**")
    if portfolio["indicators_reported"].sum() == 0:
        st.info(tr("results_views.none_year", period=_period(year)), icon=":material/pending_actions:")
        return
    frame = portfolio.assign(name=group_names(by, portfolio["group"]))
    reported = frame[frame["indicators_reported"] > 0]
    totals = dict(indicators=int(reported["indicators_reported"].sum()), met=int(reported["indicators_met"].sum()),
                  reached=fmt_number(frame["people_reached"].sum(), language),
                  targeted=fmt_number(frame["people_targeted"].sum(), language),
                  women=fmt_number(frame["women_reached"].sum(), language), period=_period(year))
    people = frame[(frame["people_targeted"] > 0) | (frame["people_reached"] > 0)]
    # by country an indicator counts in each of its project's countries: its totals are not the portfolio's
    variant = "_country" if by == "country" else ""
    if by == "country":
        people = people.sort_values("people_targeted", ascending=False, kind="stable")
        reported = reported.sort_values("name", kind="stable")
    if len(people):
        title = tr("results_views.people.title", by=tr(f"results_views.by.{by}").lower(), period=_period(year))
        fig = figure(figures.people_reached, tuple(people["name"]), tuple(map(float, people["women_reached"])),
                     tuple(map(float, people["men_reached"])),
                     tuple(float(r - w - m) for r, w, m in zip(people["people_reached"], people["women_reached"],
                                                               people["men_reached"])),
                     tuple(map(float, people["people_targeted"])),
                     (tr("results_views.sex.female"), tr("results_views.sex.male"),
                      tr("results_views.sex.not_by_sex"), tr("results_views.people.targeted")), title)
        summary = tr(f"results_views.people.summary{variant}", **totals)
        charts.show(fig, "results_people", alt=summary, title=title, sources=_sources(is_illustrative),
                    illustrative=is_illustrative)
        markdown(summary)
        caption(tr("results_views.people.note"))
    title = tr("results_views.met.title", by=tr(f"results_views.by.{by}").lower(), period=_period(year))
    fig = figure(figures.indicators_met, tuple(reported["name"]), tuple(map(int, reported["indicators_met"])),
                 tuple(int(n - m) for n, m in zip(reported["indicators_reported"], reported["indicators_met"])),
                 (tr("results_views.met.met"), tr("results_views.met.not_met")), title)
    summary = tr(f"results_views.met.summary{variant}", **totals)
    charts.show(fig, "results_met", alt=summary, title=title, sources=_sources(is_illustrative),
                illustrative=is_illustrative)
    markdown(summary)
    caption(tr("results_views.met.note"))
    table = (frame.sort_values("name", kind="stable") if by == "country" else frame)[["name", "group", "projects", "indicators_reported", "indicators_met", "met_share",
                   "people_targeted", "people_reached", "women_reached", "men_reached"]]
    number = {c: st.column_config.NumberColumn(tr(f"results_views.col.{c}"), format="%d")
              for c in ("projects", "indicators_reported", "indicators_met")}
    people_cols = {c: st.column_config.NumberColumn(tr(f"results_views.col.{c}"), format="%.0f")
                   for c in ("people_targeted", "people_reached", "women_reached", "men_reached")}
    dataframe(table, key="results_table", column_config={
        "name": tr(f"results_views.by.{by}"), "group": tr("results_views.col.code"), **number, **people_cols,
        "met_share": st.column_config.NumberColumn(tr("results_views.col.met_share"), format="percent")})
    csv_download(portfolio, f"ipmd_results_by_{by}_{year or 'all'}.csv", key="results_table_csv",
                 sources_note=tr("results_views.csv_note", period=_period(year)))


def timeliness_section(year: int | None, is_illustrative: bool) -> None:
    """The share of projects that sent every report due on time; the reports due by status; the late ones."""
    language = lang()
    st.markdown(f"**{tr('results_views.timeliness.heading')}**")
    t = load(results.reporting_timeliness, None, year)
    if t.reports_due == 0:
        st.info(tr("results_views.timeliness.none", period=_period(year)))
        return
    share = fmt_pct(100 * t.share_on_time, language, 0) if t.share_on_time is not None else "–"
    kpi_row([Kpi(tr("results_views.timeliness.share"), share,
                 tr("results_views.timeliness.share_note", on_time=t.projects_on_time, due=t.projects_due)),
             Kpi(tr("results_views.status.on_time"), fmt_number(t.reports_on_time, language)),
             Kpi(tr("results_views.status.late"), fmt_number(t.reports_late, language)),
             Kpi(tr("results_views.status.outstanding"), fmt_number(t.reports_outstanding, language))])
    statuses = ("on_time", "late", "outstanding")
    counts = (t.reports_on_time, t.reports_late, t.reports_outstanding)
    title = tr("results_views.timeliness.title", period=_period(year))
    fig = figure(figures.report_timeliness, tuple(tr(f"results_views.status.{s}") for s in statuses), counts,
                 tuple(STATUS_COLOURS[s] for s in statuses), title)
    summary = tr("results_views.timeliness.summary", due=t.reports_due, on_time=t.reports_on_time, late=t.reports_late,
                 outstanding=t.reports_outstanding, as_of=t.as_of.date().isoformat(), share=share)
    charts.show(fig, "results_timeliness", alt=summary, title=title, sources=_sources(is_illustrative),
                illustrative=is_illustrative)
    markdown(summary)
    late = load(results.late_reports, None, year)
    st.markdown(f"**{tr('results_views.late.heading')}**")
    if late.empty:
        caption(tr("results_views.late.none"))
        return
    shown = pd.DataFrame({
        "link": [project_link(p) for p in late["project_id"]],
        "report_type": [tr(f"results_views.report.{r}") for r in late["report_type"]],
        "due_date": [date_text(v, tr("text17.not_set")) for v in late["due_date"]],
        "received_date": received_texts(late),
        "status": [tr(f"results_views.status.{s}") for s in late["status"]], "days_late": late["days_late"]})
    dataframe(shown, key="results_late", column_config={
        "link": link_column(tr("results_views.col.project"), "project"),
        "report_type": tr("results_views.col.report_type"),
        "due_date": tr("results_views.col.due_date"),
        "received_date": tr("results_views.col.received_date"),
        "status": tr("results_views.col.status"),
        "days_late": st.column_config.NumberColumn(tr("results_views.col.days_late"), format="%d")})
    caption(tr("results_views.late.note", as_of=t.as_of.date().isoformat()))


def marker_label(code) -> str:
    return tr("results_views.marker.none") if code is None or pd.isna(code) else tr(
        "results_views.marker.code", code=int(code), meaning=tr(f"project.results.marker.{int(code)}"))


def gender_section(is_illustrative: bool) -> None:
    """Funded projects by OECD-DAC gender equality marker, with the money approved for them."""
    language = lang()
    st.markdown(f"**{tr('results_views.gender.heading')}**")
    spread = load(results.gender_marker_spread)
    if spread["projects"].sum() == 0:
        st.info(tr("results_views.gender.none"))
        return
    labels = tuple(marker_label(c) for c in spread["gender_marker"])
    texts = tuple(fmt_pct(100 * s, language, 0) for s in spread["share"])
    title = tr("results_views.gender.title")
    fig = figure(figures.gender_markers, labels, tuple(map(int, spread["projects"])), texts, title)
    screened = spread[spread["gender_marker"].notna()]
    principal = int(screened.loc[screened["gender_marker"] >= 2, "projects"].sum())
    summary = tr("results_views.gender.summary", projects=int(spread["projects"].sum()), principal=principal,
                 share=fmt_pct(100 * principal / spread["projects"].sum(), language, 0))
    charts.show(fig, "results_gender", alt=summary, title=title, sources=_sources(is_illustrative),
                illustrative=is_illustrative)
    markdown(summary)
    table = spread.assign(label=list(labels))[["label", "projects", "share", "approved_usd"]]
    dataframe(table, key="results_gender_table", column_config={
        "label": tr("results_views.col.marker"), "projects": st.column_config.NumberColumn(
            tr("results_views.col.projects"), format="%d"),
        "share": st.column_config.NumberColumn(tr("results_views.col.share"), format="percent"),
        "approved_usd": st.column_config.NumberColumn(tr("results_views.col.approved_usd"),
                                                      format=usd_column_format(language))})
