"""The results figures (issue 20): results against targets across the portfolio (coverage page, tab "Results")
and one project's indicators (project page).

Builders are pure (data in as tuples, words in, go.Figure out); get them through
components.figure_cache.figure(builder, ...), whose key holds every argument and the language.
"""
from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from components import charts, theme
from components.state import lang
from ipmd.ticks import ticks_for

WOMEN, MEN, OTHER, TARGET = theme.OKABE_ITO[0], theme.OKABE_ITO[2], "#bbbbbb", "#222222"


def _top(title: str, legend: bool = True) -> dict:
    """The title's layout and a top margin holding its lines and, under them, the legend (above the plot)."""
    lines = len(textwrap.wrap(title, charts.TITLE_LINE, break_long_words=False)) or 1
    out = {**charts.title_layout(title), "margin": {"t": 30 + 20 * lines + (30 if legend else 0)}}
    if legend:
        out["legend"] = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "normal"}
    return out


def people_reached(groups: tuple[str, ...], women: tuple[float, ...], men: tuple[float, ...],
                   not_by_sex: tuple[float, ...], targeted: tuple[float, ...], names: tuple[str, str, str, str],
                   title: str) -> go.Figure:
    """People reached by group (horizontal bars stacked by sex: women, men, counted without sex) against the
    people targeted over the same reported periods (a mark)."""
    n = len(groups)
    bars = [go.Bar(y=list(groups), x=list(values), name=name, orientation="h", marker={"color": colour},
                   hovertemplate="%{y}: %{x:,.0f}<extra>" + name + "</extra>")
            for values, name, colour in ((women, names[0], WOMEN), (men, names[1], MEN), (not_by_sex, names[2], OTHER))]
    mark = go.Scatter(y=list(groups), x=list(targeted), name=names[3], mode="markers",
                      marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": TARGET}},
                      hovertemplate="%{y}: %{x:,.0f}<extra>" + names[3] + "</extra>")
    return go.Figure(data=[*bars, mark],
                     layout={**_top(title), "barmode": "stack", "height": 190 + 26 * n,
                             "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"},
                             "xaxis": {"rangemode": "tozero", **ticks_for(
                                 [[sum(v or 0 for v in row) for row in zip(women, men, not_by_sex)], list(targeted)],
                                 lang(), "count")}})


def indicators_met(groups: tuple[str, ...], met: tuple[int, ...], not_met: tuple[int, ...], names: tuple[str, str],
                   title: str) -> go.Figure:
    """Indicators reported by group, split into those that reached their targets to date and those that did not."""
    return go.Figure(data=[go.Bar(y=list(groups), x=list(met), name=names[0], orientation="h",
                                  marker={"color": theme.OKABE_ITO[1]}),
                           go.Bar(y=list(groups), x=list(not_met), name=names[1], orientation="h",
                                  marker={"color": OTHER})],
                     layout={**_top(title), "barmode": "stack", "height": 190 + 26 * len(groups),
                             "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"}})


def gender_markers(labels: tuple[str, ...], projects: tuple[int, ...], texts: tuple[str, ...],
                   title: str) -> go.Figure:
    """Funded projects by gender equality marker (0-3, then not screened), one horizontal bar each."""
    return go.Figure(data=[go.Bar(y=list(labels), x=list(projects), text=list(texts), textposition="outside",
                                  orientation="h", marker={"color": theme.OKABE_ITO[4]}, cliponaxis=False,
                                  hovertemplate="%{y}: %{x}<extra></extra>")],
                     layout={**_top(title, legend=False), "height": 160 + 36 * len(labels), "showlegend": False,
                             "xaxis": {"rangemode": "tozero"},
                             "yaxis": {"type": "category", "autorange": "reversed", "automargin": True}})


def report_timeliness(labels: tuple[str, ...], counts: tuple[int, ...], colours: tuple[str, ...],
                      title: str) -> go.Figure:
    """Reports due: on time, late, outstanding (one horizontal bar)."""
    return go.Figure(data=[go.Bar(y=[""], x=[c], name=label, orientation="h", marker={"color": colour},
                                  text=[c], textposition="inside")
                           for label, c, colour in zip(labels, counts, colours)],
                     layout={**_top(title), "barmode": "stack", "height": 230,
                             "yaxis": {"showticklabels": False}})


def project_indicators(indicators: tuple[str, ...], targets: tuple[float, ...], actuals: tuple[float, ...],
                       names: tuple[str, str], title: str) -> go.Figure:
    """One project's indicators: target and achieved to date (reported periods), side by side."""
    return go.Figure(data=[go.Bar(y=list(indicators), x=list(targets), name=names[0], orientation="h",
                                  marker={"color": "#c7e9b4"}),
                           go.Bar(y=list(indicators), x=list(actuals), name=names[1], orientation="h",
                                  marker={"color": "#225ea8"})],
                     layout={**charts.title_layout(title), "barmode": "group", "height": 160 + 56 * len(indicators),
                             "xaxis": ticks_for([list(targets), list(actuals)], lang(), "count"),
                             "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"},
                             "legend": {"orientation": "h", "y": -0.15, "yanchor": "top"}})
