"""The coverage screen's figures: the goals x areas heatmap, the need-versus-coverage scatter and the country map.

Builders are pure (data in, go.Figure out) and read only the interface language; get them through
components.figure_cache.figure(builder, ...), whose key holds every argument and the language.
"""
from __future__ import annotations

import hashlib
import textwrap
from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components import maps, theme
from components.charts import horizontal_line, vertical_line
from components.state import lang, tr
from ipmd import i18n
from ipmd.coverage import need
from ipmd.i18n import fmt_number, fmt_usd
from ipmd.ticks import ticks_for

QUADRANT_KEYS = {need.QUADRANT_GAP: "gap", need.QUADRANT_HIGH_COVERED: "high_covered",
                 need.QUADRANT_LOW_COVERED: "low_covered", need.QUADRANT_LOW_UNCOVERED: "low_uncovered",
                 need.QUADRANT_MISSING: "missing"}
QUADRANT_COLOURS = {need.QUADRANT_GAP: theme.OKABE_ITO[3], need.QUADRANT_HIGH_COVERED: theme.OKABE_ITO[0],
                    need.QUADRANT_LOW_COVERED: theme.OKABE_ITO[2], need.QUADRANT_LOW_UNCOVERED: "#999999"}


def quadrant_label(quadrant: str) -> str:
    return tr(f"coverage.quadrant.{QUADRANT_KEYS.get(quadrant, 'missing')}")


def _usd(value) -> str:
    return fmt_usd(value, lang())


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
            row_t.append(tr("coverage.matrix.cell", approved=_usd(c["approved"]), n=int(c["n_projects"]),
                            disbursed=_usd(c["disbursed"])))
        z.append(row_z)
        text.append(row_t)
    language = lang()
    heatmap = go.Heatmap(
        z=z, x=["<br>".join(textwrap.wrap(i18n.area_label(a, language), 34)) for a in areas],
        y=[i18n.goal_label(g, language) for g in goals], text=text,
        texttemplate="%{text}", textfont=dict(size=14), colorscale=theme.SEQUENTIAL, zmin=0,
        hovertemplate="<b>%{y}</b><br>%{x}<br>%{text}<extra></extra>", xgap=4, ygap=4,
        colorbar=dict(title=dict(text=tr("coverage.matrix.colour", counted=counted_as), side="right"),
                      thickness=12, **ticks_for(z, language, "usd")))
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
    t["money"] = [_usd(a) for a in t["approved"]]
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
                  "ticktext": [tr("coverage.scatter.none"), *[_usd(v) for v in ticks]]},
        "yaxis": {"title": {"text": tr("coverage.scatter.y")}, "range": [-0.12, 1.1], "zeroline": False},
        "shapes": shapes, "annotations": annotations})


def country_map(by_country: pd.DataFrame, countries: pd.DataFrame) -> go.Figure:
    """Money approved per country (by_country: iso3, approved, n_projects), coloured on the world map; the hover
    says the amount and the number of projects. countries: components.labels.country_frame(lang())."""
    frame = by_country.assign(value=by_country["approved"],
                              label=[tr("coverage.map.hover", approved=_usd(r.approved), n=r.n_projects)
                                     for r in by_country.itertuples()])
    return maps.world_choropleth(frame, countries, colorbar_title=tr("coverage.map.colour"), height=420,
                               unit="usd", lang=lang())
