"""The goal-coverage page's pieces: URL-bound sliders and toggles, the matrix heatmap, the need-versus-coverage
scatter, and small label helpers. Figure builders return go.Figure; nothing here reads the database."""
from __future__ import annotations

import copy
import functools
import hashlib
import textwrap
from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import theme
from components.charts import horizontal_line, vertical_line
from components.downloads import csv_download
from components.provenance import source_label
from components.state import lang, report_unknown, tr, url_slider, url_toggle
from components.tables import when_opened
from ipmd import i18n
from ipmd.coverage import need
from ipmd.coverage.report import NEED_SOURCES
from ipmd.i18n import fmt_number, fmt_usd, usd_column_format

# need indicator -> short URL key of its weight (?w_emig=1.5)
WEIGHT_KEYS: dict[str, str] = {
    "emigrant_pct_pop": "w_emig",
    "immigrant_pct_pop": "w_immig",
    "remittances_pct_gdp": "w_remit",
    "refugees_per_1000": "w_refug",
    "remittance_cost_gap": "w_cost",
    "female_share": "w_female",
}
QUADRANT_KEYS = {need.QUADRANT_GAP: "gap", need.QUADRANT_HIGH_COVERED: "high_covered",
                 need.QUADRANT_LOW_COVERED: "low_covered", need.QUADRANT_LOW_UNCOVERED: "low_uncovered",
                 need.QUADRANT_MISSING: "missing"}
QUADRANT_COLOURS = {need.QUADRANT_GAP: theme.OKABE_ITO[3], need.QUADRANT_HIGH_COVERED: theme.OKABE_ITO[0],
                    need.QUADRANT_LOW_COVERED: theme.OKABE_ITO[2], need.QUADRANT_LOW_UNCOVERED: "#999999"}


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


def quadrant_label(quadrant: str) -> str:
    return tr(f"coverage.quadrant.{QUADRANT_KEYS.get(quadrant, 'missing')}")


def usd(value) -> str:
    return fmt_usd(value, lang())


# ------------------------------------------------------------------------------------------- figures
def matrix_heatmap(cells: pd.DataFrame, goals: Sequence[str], areas: Sequence[str],
                   counted_as: str) -> go.Figure:
    """Goals (rows, first on top) x areas (columns): colour = money approved; each cell says projects,
    approved and disbursed."""
    grid = cells.set_index(["goal_id", "area_id"])
    z, text = [], []
    for g in goals:
        row_z, row_t = [], []
        for a in areas:
            c = grid.loc[(g, a)]
            row_z.append(float(c["approved"]))
            row_t.append(tr("coverage.matrix.cell", approved=usd(c["approved"]), n=int(c["n_projects"]),
                            disbursed=usd(c["disbursed"])))
        z.append(row_z)
        text.append(row_t)
    heatmap = go.Heatmap(
        z=z, x=["<br>".join(textwrap.wrap(area_label(a), 34)) for a in areas], y=[goal_label(g) for g in goals],
        text=text,
        texttemplate="%{text}", textfont=dict(size=14), colorscale=theme.SEQUENTIAL, zmin=0,
        hovertemplate="<b>%{y}</b><br>%{x}<br>%{text}<extra></extra>", xgap=4, ygap=4,
        colorbar=dict(title=dict(text=tr("coverage.matrix.colour", counted=counted_as), side="right"),
                      thickness=12, tickformat="~s", tickprefix="US$"))
    return go.Figure(data=[heatmap], layout={
        "height": 380, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "yaxis": {"autorange": "reversed", "automargin": True, "tickfont": {"size": 13}},
        "xaxis": {"side": "top", "automargin": True, "tickfont": {"size": 13}}})


def _jitter(iso3: str, spread: float) -> float:
    """A small, stable offset per country (the same every run), so the countries with nothing spread out."""
    h = int(hashlib.sha1(iso3.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return (h - 0.5) * 2 * spread


def need_scatter(table: pd.DataFrame, cutoff: float) -> go.Figure:
    """Need score (y) against money approved (x, log scale; countries with nothing in a 'none' column on the left),
    one colour per quadrant, the two thresholds as dashed lines and each quadrant named in its corner.
    table: iso3, name, score, approved, n_projects, quadrant (scored countries only)."""
    t = table.dropna(subset=["score"]).copy()
    positive = t.loc[t["approved"] > 0, "approved"]
    low = float(positive.min()) if len(positive) else 1e5
    high = float(positive.max()) if len(positive) else 1e6
    zero_x = low / 6
    t["x"] = [a if a > 0 else zero_x * 10 ** _jitter(i, 0.18) for a, i in zip(t["approved"], t["iso3"])]
    t["money"] = [usd(a) for a in t["approved"]]
    t["score_text"] = [fmt_number(s, lang(), 2) for s in t["score"]]
    traces = []
    hover = tr("coverage.scatter.hover") + "<extra></extra>"
    for quadrant in (need.QUADRANT_GAP, need.QUADRANT_HIGH_COVERED, need.QUADRANT_LOW_UNCOVERED,
                     need.QUADRANT_LOW_COVERED):
        rows = t[t["quadrant"] == quadrant]
        if rows.empty:
            continue
        traces.append(go.Scatter(
            x=rows["x"].to_numpy(), y=rows["score"].to_numpy(), mode="markers", name=quadrant_label(quadrant),
            marker=dict(size=9 if quadrant == need.QUADRANT_GAP else 7, color=QUADRANT_COLOURS[quadrant],
                        line=dict(color="white", width=0.6), opacity=0.9),
            customdata=rows[["iso3", "name", "money", "score_text", "n_projects"]].to_numpy(object),
            hovertemplate=hover))
    split_x = np.sqrt(zero_x * low)
    shapes = [vertical_line(split_x)] + ([horizontal_line(cutoff)] if np.isfinite(cutoff) else [])
    left_mid, right_mid = np.sqrt(zero_x / 3 * split_x), np.sqrt(split_x * high * 3)
    corners = ((left_mid, 1.04, "gap"), (right_mid, 1.04, "high_covered"),
               (left_mid, -0.06, "low_uncovered"), (right_mid, -0.06, "low_covered"))
    annotations = [{"x": float(np.log10(x)), "y": y, "text": f"<b>{tr(f'coverage.quadrant.{key}')}</b>",
                    "showarrow": False, "xanchor": "center", "font": {"size": 12, "color": "#333333"},
                    "bgcolor": "rgba(255,255,255,0.8)"} for x, y, key in corners]
    ticks = [v for v in (1e5, 3e5, 1e6, 3e6, 1e7, 3e7) if low / 2 <= v <= high * 2]
    return go.Figure(data=traces, layout={
        "height": 480, "legend": {"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0},
        "xaxis": {"type": "log", "title": {"text": tr("coverage.scatter.x")}, "showgrid": False,
                  "range": [np.log10(zero_x / 3), np.log10(high * 3)], "tickvals": [zero_x, *ticks],
                  "ticktext": [tr("coverage.scatter.none"), *[usd(v) for v in ticks]]},
        "yaxis": {"title": {"text": tr("coverage.scatter.y")}, "range": [-0.12, 1.1], "zeroline": False},
        "shapes": shapes, "annotations": annotations})


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
    st.dataframe(rows, hide_index=True, key="coverage_regions", column_config=config)


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
    st.dataframe(shown, hide_index=True, key=key, column_config=columns(), height=min(420, 38 + 35 * len(shown)))
    note = tr("coverage.gap.csv_note", year=gf.year, weights=", ".join(f"{k}={v:g}" for k, v in gf.weights.items()))
    sources = "\n".join(dict.fromkeys(source_label(s) for k in gf.weights for s in NEED_SOURCES[k]))
    csv_download(shown, f"ipmd_{key}.csv", key=f"{key}_csv", sources_note=f"{note}\n{sources}")


def show_projects(projects: pd.DataFrame, key: str, file_name: str) -> None:
    """A list of projects (statuses in the interface language) with its CSV (exact amounts, status codes)."""
    shown = projects.copy()
    shown["status"] = shown["status"].map(_labels("coverage.status", shown["status"]))
    st.dataframe(shown, hide_index=True, key=key, column_config=columns())
    csv_download(projects, file_name, key=f"{key}_csv")


def show_gfmd(gfmd) -> None:
    """Every tracked GFMD item with its follow-up (items nobody follows up marked and highlighted), then the
    projects behind each item."""
    items = gfmd.items[["gfmd_item_id", "item_type", "title", "follow_up", "n_funded", "approved",
                        "disbursed"]].copy()
    items["item_type"] = items["item_type"].map(_labels("coverage.gfmd.type", items["item_type"]))
    followed, not_followed = tr("coverage.gfmd.followed"), tr("coverage.gfmd.not_followed")
    items["follow_up"] = [followed if f == "funded" else not_followed for f in gfmd.items["follow_up"]]
    st.dataframe(items, hide_index=True, key="coverage_gfmd_table", column_config=columns(),
                 height=38 + 35 * len(items))
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
