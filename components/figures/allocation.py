"""The allocation review's figures: approved US$ by goal and by area of work, before and after a what-if selection.

Builders are pure (data in, go.Figure out) and read only the interface language; get them through
components.figure_cache.figure(builder, ...), whose key holds every argument and the language.
"""
from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from components import charts, theme
from components.state import lang, tr
from ipmd.i18n import label
from ipmd.ticks import ticks_for


def coverage_before_after(by_goal: pd.DataFrame, by_area: pd.DataFrame) -> go.Figure:
    """Approved US$ by goal (left) and by area of work (right), before and after the selection.
    by_goal / by_area: WhatIf.coverage_by_goal / coverage_by_area (goal_id or area_id, approved_before/after,
    n_projects_before/after, share_before/after)."""
    language = lang()
    traces = []
    for axes, (frame, key, prefix) in (("", (by_goal, "goal_id", "goal")), ("2", (by_area, "area_id", "area"))):
        labels = [f"{k}<br>" + "<br>".join(textwrap.wrap(label(prefix, k, language), 22)) for k in frame[key]]
        for when, colour in (("before", theme.OKABE_ITO[5]), ("after", theme.OKABE_ITO[0])):
            name = tr(f"allocation.cov.{when}")
            traces.append(go.Bar(x=labels, y=frame[f"approved_{when}"].to_numpy(), name=name, marker_color=colour,
                                 legendgroup=when, showlegend=not axes, xaxis=f"x{axes}", yaxis=f"y{axes}",
                                 customdata=frame[[f"n_projects_{when}", f"share_{when}"]].to_numpy(),
                                 hovertemplate="%{x}: US$%{y:,.0f} · %{customdata[0]} "
                                               + tr("allocation.cov.projects") + " · %{customdata[1]:.1%}"
                                               + f"<extra>{name}</extra>"))
    layout = charts.side_by_side((tr("allocation.cov.by_goal"), tr("allocation.cov.by_area")), left_width=0.6,
                                 spacing=0.08)
    layout["xaxis"]["tickangle"] = layout["xaxis2"]["tickangle"] = 0
    return go.Figure(data=traces, layout={**layout, "barmode": "group", "height": 380, "margin": {"t": 70},
                                          "legend": {"y": 1.14}, "yaxis": _money_axis(by_goal, language),
                                          "yaxis2": {**layout["yaxis2"], **_money_axis(by_area, language)}})


def _money_axis(frame: pd.DataFrame, language: str) -> dict:
    """A panel's US$ ticks in the page's language, over its amounts before and after."""
    return ticks_for(frame[["approved_before", "approved_after"]].to_numpy(), language, "usd")
