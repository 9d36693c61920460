"""The coverage screen's sections: filters, the matrix with its cell list, the map, the gap finder (its
settings in the URL), the GFMD follow-up and the answers on top. Figures come from components/figures/coverage.py
through components.figure_cache.figure; data from ipmd.coverage.report through components.data.load."""
from __future__ import annotations

import copy
import functools

import pandas as pd
import streamlit as st

from components import charts, maps
from components.data import load
from components.downloads import csv_download, map_downloads
from components.figure_cache import figure
from components.figures import coverage as figures
from components.figures.coverage import quadrant_label
from components.links import link_column, project_link
from components.provenance import illustrative_notice, source_label
from components.state import (lang, report_unknown, tr, url_choice, url_multiselect, url_slider,
                              url_tabs, url_toggle, url_year_range)
from components.tables import data_table, dataframe, when_opened
from components.views import results as results_view
from ipmd import gis, i18n
from ipmd.coverage import need
from ipmd.coverage import report as cr
from ipmd.coverage.report import NEED_SOURCES
from ipmd.i18n import fmt_number, fmt_usd, plural, usd_column_format

# need indicator -> short URL key of its weight (?w_emig=1.5)
WEIGHT_KEYS: dict[str, str] = {
    "emigrant_pct_pop": "w_emig",
    "immigrant_pct_pop": "w_immig",
    "remittances_pct_gdp": "w_remit",
    "refugees_per_1000": "w_refug",
    "remittance_cost_gap": "w_cost",
    "female_share": "w_female",
}
VIEWS = ("matrix", "map", "gaps", "gfmd")


# ------------------------------------------------------------------------------------------- labels
def label(prefix: str, value) -> str:
    """tr(f"{prefix}.{value}") when such a message exists, else the value itself (data the app does not know)."""
    return i18n.label(prefix, value, lang())


def _labels(prefix: str, values: pd.Series) -> dict:
    """label() of each distinct value of a column, for Series.map (a table repeats the same few values)."""
    return {value: label(prefix, value) for value in values.dropna().unique()}


def region_label(region: str) -> str:
    return i18n.place_name(region, lang())


def income_label(group: str) -> str:
    return i18n.income_group_name(group, lang())


def goal_label(goal_id: str) -> str:
    return i18n.goal_label(goal_id, lang())


def area_label(area_id: str) -> str:
    return i18n.area_label(area_id, lang())


def usd(value) -> str:
    return fmt_usd(value, lang())


# ------------------------------------------------------------------------------------------- tables and sections
def with_names(frame: pd.DataFrame, name_of: dict[str, str]) -> pd.DataFrame:
    """frame + `name` (the country's name in the interface language), placed first."""
    out = frame.copy()
    out.insert(0, "name", [name_of.get(i, i) for i in out["iso3"]])
    return out


def columns() -> dict:
    """Column headers and formats for every table of the page (in the interface language)."""
    return copy.deepcopy(_columns(lang()))   # Streamlit may fill in a config it is given


@functools.lru_cache(maxsize=8)
def _columns(language: str) -> dict:
    money = {c: st.column_config.NumberColumn(tr(f"coverage.col.{c}"), format=usd_column_format(language),
                                              help=tr("coverage.col.money_help"))
             for c in ("approved", "disbursed", "spent")}
    pct = {c: st.column_config.NumberColumn(tr(f"coverage.col.{c}"), format="%.1f")
           for c in ("emigrant_pct_pop", "immigrant_pct_pop", "remittances_pct_gdp", "refugees_per_1000",
                     "remittance_cost_inbound_pct", "female_share")}
    text = {c: st.column_config.TextColumn(tr(f"coverage.col.{c}"))
            for c in ("name", "iso3", "region", "un_region", "income_group", "project_id", "title", "partner_id",
                      "status", "gfmd_item_id", "goal_id", "area_id", "quadrant", "meeting", "item_type",
                      "item_title", "follow_up")}
    numbers = {
        "n_projects": st.column_config.NumberColumn(tr("coverage.col.n_projects"), format="%d"),
        "n_funded": st.column_config.NumberColumn(tr("coverage.col.n_funded"), format="%d"),
        "n_countries_funded": st.column_config.NumberColumn(tr("coverage.col.n_countries_funded"), format="%d"),
        "project_weight": st.column_config.NumberColumn(tr("coverage.col.project_weight"), format="%.1f"),
        "weight": st.column_config.NumberColumn(tr("coverage.col.weight"), format="%.2f"),
        "score": st.column_config.ProgressColumn(tr("coverage.col.score"), format="%.2f", min_value=0.0,
                                                max_value=1.0),
        "gap_rank": st.column_config.NumberColumn(tr("coverage.col.gap_rank"), format="%d"),
        "rank": st.column_config.NumberColumn(tr("coverage.col.rank"), format="%d"),
        "n_available": st.column_config.NumberColumn(tr("coverage.col.n_available"), format="%d"),
        "year": st.column_config.NumberColumn(tr("coverage.col.year"), format="%d"),
    }
    return {**text, **numbers, **pct, **money}


def place(chosen: dict) -> str:
    """Where a chart of the portfolio looks: the chosen regions, or all countries."""
    return ", ".join(region_label(r) for r in chosen["regions"]) or tr("charts_w1.all_countries")


def show_region_totals(regions: pd.DataFrame, cov) -> None:
    """Money approved per UN region beside the map, then the money with no country, then the total."""
    rows = regions[["region", "approved", "n_countries_funded"]].copy()
    extra = []
    if cov.without_country["n_projects"]:
        extra.append({"region": tr("coverage.map.global"), "approved": cov.without_country["approved"],
                      "n_countries_funded": 0})
    extra.append({"region": tr("coverage.map.total"), "approved": cov.approved,
                  "n_countries_funded": int(rows["n_countries_funded"].sum())})
    rows = pd.concat([rows, pd.DataFrame(extra)], ignore_index=True)
    config = columns()
    dataframe(rows, key="coverage_regions", column_config=config)


def need_controls() -> tuple[tuple[tuple[str, float], ...], bool, bool]:
    """The gap finder's settings, every one in the URL: a weight per indicator, the gender lens, and whether
    high-income countries are listed. Returns (weights as (indicator, weight) pairs, gender_lens, developing_only)."""
    problems = []
    with st.expander(tr("coverage.gap.settings"), icon=":material/tune:"):
        st.caption(tr("coverage.gap.settings_help"))
        lens, bad = url_toggle(tr("coverage.gap.lens"), "lens", False, help=tr("coverage.gap.lens_help"))
        problems += [bad] if bad else []
        everyone, bad = url_toggle(tr("coverage.gap.high_income"), "hic", False,
                                   help=tr("coverage.gap.high_income_help"))
        problems += [bad] if bad else []
        cols = st.columns(3)
        weights = []
        for i, indicator in enumerate(need.ALL_INDICATORS):
            value, bad = url_slider(tr(f"coverage.weight.{indicator}"), WEIGHT_KEYS[indicator],
                                    need.DEFAULT_WEIGHTS[indicator], min_value=0.0, max_value=3.0, step=0.25,
                                    container=cols[i % 3], help=tr(f"coverage.weight.{indicator}.help"),
                                    disabled=indicator == need.GENDER_INDICATOR and not lens)
            weights.append((indicator, float(value)))
            problems += [bad] if bad else []
    for value in problems:
        report_unknown(str(value))
    return tuple(weights), bool(lens), not everyone


INDICATOR_COLUMNS = ("emigrant_pct_pop", "immigrant_pct_pop", "remittances_pct_gdp", "refugees_per_1000",
                     "remittance_cost_inbound_pct")


def show_gap_table(rows: pd.DataFrame, gf, key: str, with_money: bool = False) -> None:
    """The ranked countries with their score, how many indicators they had, and the raw values; CSV below."""
    if rows.empty:
        st.info(tr("coverage.gap.none"))
        return
    first = ["rank", "name"] if with_money else ["gap_rank", "name"]
    shown = rows[[*first, "iso3", "un_region", "income_group", "score", "n_available", *INDICATOR_COLUMNS,
                  *(["female_share"] if gf.gender_lens else []),
                  *(["quadrant", "n_projects", "approved"] if with_money else [])]].copy()
    if with_money:
        shown["quadrant"] = shown["quadrant"].map({q: quadrant_label(q) for q in shown["quadrant"].unique()})
    shown["un_region"] = shown["un_region"].map(_labels("place", shown["un_region"]))
    incomes = _labels("income", shown["income_group"])
    shown["income_group"] = [incomes.get(g, "–") for g in shown["income_group"]]
    dataframe(shown, key=key, column_config=columns(), height=min(420, 38 + 35 * len(shown)))
    note = tr("coverage.gap.csv_note", year=gf.year, weights=", ".join(f"{k}={v:g}" for k, v in gf.weights.items()))
    sources = "\n".join(dict.fromkeys(source_label(s) for k in gf.weights for s in NEED_SOURCES[k]))
    csv_download(shown, f"ipmd_{key}.csv", key=f"{key}_csv", sources_note=f"{note}\n{sources}")


def show_projects(projects: pd.DataFrame, key: str, file_name: str) -> None:
    """A list of projects (statuses in the interface language) with its CSV (exact amounts, status codes)."""
    shown = projects.copy()
    shown["status"] = shown["status"].map(_labels("coverage.status", shown["status"]))
    config = columns()
    if "project_id" in shown.columns:          # each id a link to the project's page (the CSV keeps the ids)
        shown["project_id"] = [project_link(p) if isinstance(p, str) else None for p in shown["project_id"]]
        config = {**config, "project_id": link_column(tr("coverage.col.project_id"), "project")}
    dataframe(shown, key=key, column_config=config, source_text=("title", "item_title"))
    csv_download(projects, file_name, key=f"{key}_csv")


def show_gfmd(gfmd) -> None:
    """Every tracked GFMD item with its follow-up (items nobody follows up marked and highlighted), then the
    projects behind each item."""
    items = gfmd.items[["gfmd_item_id", "item_type", "title", "follow_up", "n_funded", "approved",
                        "disbursed"]].copy()
    items["item_type"] = items["item_type"].map(_labels("coverage.gfmd.type", items["item_type"]))
    followed, not_followed = tr("coverage.gfmd.followed"), tr("coverage.gfmd.not_followed")
    items["follow_up"] = [followed if f == "funded" else not_followed for f in gfmd.items["follow_up"]]
    dataframe(items, key="coverage_gfmd_table", column_config=columns(), height=38 + 35 * len(items),
              source_text=("title",))
    csv_download(items, "ipmd_gfmd_followup.csv", key="coverage_gfmd_csv")
    if len(gfmd.unfollowed):
        st.error(tr("coverage.gfmd.unfollowed", items="; ".join(
            f"{r.gfmd_item_id} ({label('coverage.gfmd.type', r.item_type)}) “{r.title}”"
            for r in gfmd.unfollowed.itertuples())), icon=":material/report:")
    if box := when_opened(tr("coverage.gfmd.projects_title", n=len(gfmd.projects)), key="coverage_gfmd_projects_open"):
        with box:
            show_projects(gfmd.projects[["gfmd_item_id", "item_title", "project_id", "title", "partner_id", "status",
                                         "approved", "disbursed", "spent"]], "coverage_gfmd_projects",
                          "ipmd_gfmd_projects.csv")


def show_answers(answers, gfmd, name_of: dict[str, str], counted: str, shown_max: int = 8) -> None:
    """The three answers a committee member wants first, computed from the sections below."""
    st.markdown(f"**{tr('coverage.answers.title')}**")
    if answers.least_goal is None:
        lines = [tr("coverage.answers.no_money")]
    else:
        g, a = answers.least_cell
        lines = [tr("coverage.answers.least", goal=goal_label(answers.least_goal),
                    goal_money=usd(answers.least_goal_approved), area=area_label(answers.least_area),
                    area_money=usd(answers.least_area_approved), cell=f"{g} × {a}",
                    cell_money=usd(answers.least_cell_approved), counted=counted)]
    gaps = [name_of.get(i, i) for i in answers.gap_countries]
    if gaps:
        more = len(gaps) - shown_max
        listed = ", ".join(gaps[:shown_max]) + (tr("coverage.answers.more", n=more) if more > 0 else "")
        lines.append(tr("coverage.answers.gaps", n=len(gaps), n_high=answers.n_high_need, countries=listed))
    else:
        lines.append(tr("coverage.answers.no_gaps", n_high=answers.n_high_need))
    if answers.unfollowed:
        titles = dict(zip(gfmd.items["gfmd_item_id"], gfmd.items["title"]))
        lines.append(tr("coverage.answers.unfollowed", n=len(answers.unfollowed), total=answers.n_items,
                        items="; ".join(f"{i} “{titles.get(i, '')}”" for i in answers.unfollowed)))
    else:
        lines.append(tr("coverage.answers.all_followed", total=answers.n_items))
    st.markdown("\n".join(f"- {line}" for line in lines))


# ------------------------------------------------------------------------------------------- page sections
def filters(options) -> tuple[dict, str | None]:
    """The filter box, every filter in the URL. Returns (the filters as core keyword arguments, the goal or None
    for all goals); values that name nothing are reported once each."""
    problems: list[str] = []
    with st.container(border=True):
        row1, row2 = st.columns(3), st.columns(3)
        regions, bad = url_multiselect(tr("coverage.filter.region"), options.regions, key="region",
                                       format_func=region_label, placeholder=tr("coverage.filter.all"),
                                       container=row1[0])
        problems += bad
        incomes, bad = url_multiselect(tr("coverage.filter.income"), options.income_groups, key="income",
                                       format_func=income_label, placeholder=tr("coverage.filter.all"),
                                       container=row1[1])
        problems += bad
        partners, bad = url_multiselect(tr("coverage.filter.partner"), list(options.partners["partner_id"]),
                                        key="partner", format_func=str, placeholder=tr("coverage.filter.all"),
                                        help=tr("coverage.filter.partner_help"), container=row1[2])
        problems += bad
        language = lang()
        statuses, bad = url_multiselect(tr("coverage.filter.status"), list(cr.PUBLIC_STATUSES), key="status",
                                        format_func=lambda s: i18n.t(f"coverage.status.{s}", language),
                                        placeholder=tr("coverage.filter.all"), help=tr("coverage.filter.status_help"),
                                        container=row2[0])
        problems += bad
        (start, end), bad = url_year_range(tr("coverage.filter.period"), options.first_year, options.last_year,
                                           container=row2[1], help=tr("coverage.filter.period_help"))
        problems += bad
        all_goals = tr("coverage.filter.all_goals")
        with row2[2]:
            goal, bad = url_choice(st.segmented_control, tr("coverage.filter.goal"), ["all", *cr.coverage.GOALS],
                                   key="goal", default="all", required=True, help=tr("coverage.filter.goal_help"),
                                   format_func=lambda g: all_goals if g == "all" else g)
        problems += [bad] if bad else []
    for value in problems:
        report_unknown(str(value))
    chosen = dict(regions=tuple(regions), income_groups=tuple(incomes), partners=tuple(partners),
                  statuses=tuple(statuses), start_year=start, end_year=end)
    return chosen, None if goal in (None, "all") else goal


def mode_control() -> str:
    """How a project counts under goals (?mode=primary|weighted), with its one-line explanation."""
    language = lang()
    mode, bad = url_choice(st.segmented_control, tr("coverage.mode.label"), list(cr.coverage.MODES), key="mode",
                           default="primary", required=True,
                           format_func=lambda m: i18n.t(f"coverage.mode.{m}", language))
    if bad:
        report_unknown(bad)
    st.caption(tr(f"coverage.mode.{mode}.shown"))
    return mode


def matrix_section(m, mode: str, chosen: dict) -> None:
    st.subheader(tr("coverage.matrix.title"))
    if m.n_projects == 0:
        st.info(tr("coverage.nothing_selected"), icon=":material/filter_alt_off:")
        return
    goals, areas = tuple(m.goal_totals["goal_id"]), tuple(m.area_totals["area_id"])
    summary = tr("coverage.matrix.summary", n=m.n_projects, approved=usd(m.approved), disbursed=usd(m.disbursed),
                 counted=tr(f"coverage.mode.{mode}.short"))
    heatmap = figure(figures.matrix_heatmap, m.cells, goals, areas, tr(f"coverage.mode.{mode}"))
    charts.show(heatmap, "coverage_matrix", alt=summary, sources=charts.ledger_sources(m.is_illustrative),
                illustrative=m.is_illustrative,
                title=tr("export.title_place", title=tr("coverage.matrix.title"), place=place(chosen)))
    st.markdown(summary)
    cell_section(goals, areas, mode, chosen)
    data_table(m.cells[["goal_id", "area_id", "n_projects", "project_weight", "approved", "disbursed", "spent"]],
               "coverage_matrix", file_name=f"ipmd_coverage_matrix_{mode}.csv", column_config=columns())


@st.fragment
def cell_section(goals: tuple, areas: tuple, mode: str, chosen: dict) -> None:
    """The projects of one cell (?cell=G1-A2). A fragment: picking a cell reruns this list only."""
    cell, bad = url_choice(st.pills, tr("coverage.cell.pick"), [f"{g}-{a}" for g in goals for a in areas],
                           key="cell", default=None, format_func=lambda c: c.replace("-", " × "))
    if bad:
        report_unknown(bad)
    if not cell:
        st.caption(tr("coverage.cell.hint"))
        return
    g, a = cell.split("-")
    listed = load(cr.cell_projects, g, a, mode=mode, **chosen)
    st.markdown(tr("coverage.cell.summary", goal=goal_label(g), area=area_label(a), n=len(listed),
                   approved=usd(listed["approved"].sum())))
    show_projects(listed[["project_id", "title", "partner_id", "status", "gfmd_item_id", "weight", "approved",
                          "disbursed", "spent"]], "coverage_cell", f"ipmd_coverage_{cell}.csv")


def map_section(m, goal_id: str | None, mode: str, chosen: dict, names: pd.DataFrame, name_of: dict) -> None:
    goal = goal_id or "all"
    start, end = chosen["start_year"], chosen["end_year"]
    st.subheader(tr("coverage.map.title", goal=goal_label(goal_id) if goal_id else tr("coverage.filter.all_goals")))
    cov = load(cr.country_coverage, goal_id, mode, **chosen)
    frame = with_names(cov.by_country, name_of)
    world = figure(figures.country_map, cov.by_country, names)
    heading = tr("coverage.map.title", goal=goal_label(goal_id) if goal_id else tr("coverage.filter.all_goals"))
    maps.show_map(world, key="coverage_map",
                  alt=tr("coverage.map.alt", n=len(frame), approved=usd(frame["approved"].sum())),
                  title=tr("export.title_place", title=heading, place=place(chosen)),
                  sources=charts.ledger_sources(m.is_illustrative), illustrative=m.is_illustrative)
    # under the map, full width: beside it (about 265 px at 1280 px) the region names or the numbers were cut
    regions_frame = cov.by_region.assign(region=[region_label(r) for r in cov.by_region["un_region"]])
    st.markdown(f"**{tr('coverage.map.regions')}**")
    show_region_totals(regions_frame, cov)
    st.markdown(tr("coverage.map.summary", n=len(frame), approved=usd(frame["approved"].sum()),
                   top=", ".join(f"{r.name} ({usd(r.approved)})" for r in frame.head(3).itertuples()) or "–"))
    if chosen["regions"] or chosen["income_groups"]:
        st.caption(tr("coverage.map.no_country_filtered"))
    else:
        st.caption(tr("coverage.map.no_country", n=cov.without_country["n_projects"],
                      approved=usd(cov.without_country["approved"]), total=usd(cov.approved)))
    st.caption(tr("coverage.map.hint"))
    map_downloads(lambda con, language: gis.ledger_layer(
        con, frame, language, value="approved", measure="approved", period=f"{start}-{end}",
        illustrative=m.is_illustrative, extra=("n_projects", "disbursed", "spent")),
        f"ipmd_coverage_map_{goal}_{mode}_{start}-{end}", key="coverage_map", layer_name="coverage")
    if box := when_opened(tr("common.data_table"), key="coverage_map_data"):
        with box:
            table = frame[["name", "iso3", "un_region", "income_group", "n_projects", "approved", "disbursed",
                           "spent"]]
            dataframe(table, key="coverage_map_table", column_config=columns())
            csv_download(table, f"ipmd_coverage_countries_{goal}.csv", key="coverage_map_csv")
            regions_table = regions_frame[["region", "n_countries_funded", "approved", "disbursed", "spent"]]
            dataframe(regions_table, key="coverage_regions_table", column_config=columns())
            csv_download(regions_table, f"ipmd_coverage_regions_{goal}.csv", key="coverage_regions_csv")


@st.fragment
def gap_finder_section(year: int, goal_id: str | None, mode: str, chosen: dict, name_of: dict, is_open: bool,
                       m, gfmd, answers_box) -> None:
    """The gap finder's heading and settings (drawn even while its tab is hidden), its section when its tab is open,
    and the answers on top of the page, which need its result. A fragment: a weight, the gender lens or the
    high-income toggle reruns this and the answers only (they are written into `answers_box`, which a fragment
    rerun replaces), not the filters, the matrix or the other tabs."""
    st.subheader(tr("coverage.gap.title"))
    st.caption(tr("coverage.gap.intro", year=year))
    gf, no_weight = gap_finder(year, need_controls(), goal_id, mode, chosen)
    if is_open:
        gaps_section(gf, no_weight, name_of, m.is_illustrative)
    with answers_box:
        show_answers(cr.answers(m, gf, gfmd), gfmd, name_of, tr(f"coverage.mode.{mode}.short"))


def gap_finder(year: int, settings, goal_id: str | None, mode: str, chosen: dict):
    """(the gap finder's result, whether every weight was 0 so the default weights were used instead)."""
    weights, lens, developing = settings
    try:
        return load(cr.gap_finder, year, weights, lens, goal_id, mode, developing_only=developing, **chosen), False
    except ValueError:      # every weight at 0: the default weights, and the page says so
        return load(cr.gap_finder, year, None, lens, goal_id, mode, developing_only=developing, **chosen), True


def gaps_section(gf, no_weight: bool, name_of: dict, illustrative: bool = True) -> None:
    table = with_names(gf.table, name_of)
    gap_rows = table[table["quadrant"] == need.QUADRANT_GAP]
    if no_weight:
        st.warning(tr("coverage.gap.no_weight"), icon=":material/tune:")
    if box := when_opened(tr("coverage.gap.method_title"), key="coverage_method"):
        with box:
            st.markdown(tr("coverage.method", min_ind=need.DEFAULT_MIN_INDICATORS))
            st.markdown(tr("coverage.coverage_note"))
            st.markdown(tr("coverage.gap.lens_note"))
    st.markdown(plural("figures.gap_summary", len(gap_rows), lang(), n_high=int(table["high_need"].sum()),
                       n_all=gf.n_scored_all, cutoff=fmt_number(gf.cutoff, lang(), 2)))
    if gf.developing_only:
        st.caption(tr("coverage.gap.developing_note"))
    show_gap_table(gap_rows, gf, "coverage_gap_table")
    summary = tr("coverage.scatter.summary", n=gf.n_scored, n_all=gf.n_scored_all, n_gap=len(gap_rows),
                 top=", ".join(gap_rows["name"].head(5)) or "–")
    scatter = figure(figures.need_scatter, table, gf.cutoff)
    charts.show(scatter, "coverage_scatter", alt=summary, title=tr("charts_w1.need_scatter", year=gf.year),
                sources=(*[s for k in gf.weights for s in cr.NEED_SOURCES[k]], *charts.ledger_sources(illustrative)),
                illustrative=illustrative)
    st.markdown(summary)
    missing = with_names(gf.missing, name_of)
    st.markdown(plural("figures.gap_missing", len(missing), lang(), min_ind=need.DEFAULT_MIN_INDICATORS))
    if len(missing):
        if box := when_opened(tr("coverage.gap.missing_list", n=len(missing)), key="coverage_missing"):
            with box:
                st.write(", ".join(f"{r.name} ({r.n_available}/{r.n_used})" for r in missing.itertuples()))
    if box := when_opened(tr("coverage.gap.all_title"), key="coverage_all"):
        with box:
            show_gap_table(table, gf, "coverage_all_table", with_money=True)


def gfmd_section(gfmd) -> None:
    st.subheader(tr("coverage.gfmd.title"))
    st.markdown(tr("coverage.gfmd.summary", n=len(gfmd.items), n_none=len(gfmd.unfollowed),
                   n_funded=len(gfmd.items) - len(gfmd.unfollowed)))
    show_gfmd(gfmd)


# ------------------------------------------------------------------------------------------- the page's body
@st.fragment
def body(chosen_year: int, names: pd.DataFrame, name_of: dict) -> None:
    """The answers, the filters, the counting mode and the open view (issue 18). Every one depends on the filters,
    so a filter, the mode or a tab reruns this fragment, not the page's navigation, sidebar and title (the sidebar's
    year reruns the page)."""
    answers_box = st.container(border=True)   # filled by the gap finder's section, once it has its result

    chosen, goal_id = filters(load(cr.filter_options))
    mode = mode_control()
    m = load(cr.matrix, mode=mode, **chosen)
    illustrative_notice(m.is_illustrative)     # above the tabs: it holds for every view
    # the four views as tabs (?view=matrix|map|gaps|gfmd): only the open one is drawn; the answers above need the
    # matrix, the gap finder (and its settings, drawn in their tab even while hidden) and the GFMD tracker
    tabs, shown, bad_view = url_tabs({v: tr(f"coverage.tab.{v}") for v in VIEWS} | {"results": tr("results_views.tab")},
                                     key="view", default="matrix")
    if bad_view:
        report_unknown(bad_view)

    if shown == "matrix":
        with tabs["matrix"]:
            matrix_section(m, mode, chosen)
    if shown == "map":
        with tabs["map"]:
            map_section(m, goal_id, mode, chosen, names, name_of)
    gfmd = load(cr.gfmd_tracker, **chosen)
    with tabs["gaps"]:                         # its settings always (the answers need them); it fills the answers box
        gap_finder_section(chosen_year, goal_id, mode, chosen, name_of, shown == "gaps", m, gfmd, answers_box)
    if shown == "gfmd":
        with tabs["gfmd"]:
            gfmd_section(gfmd)
    if shown == "results":                    # results against targets, reporting, gender marker (issue 20)
        with tabs["results"]:
            results_view.results_section(m.is_illustrative)
