"""The comparison's figures: one line per place on shared axes, stocks by sex, top corridors.

Pure builders (frames and already translated words in, go.Figure out), built in one go.Figure call each and
taken through components.figure_cache.figure. A value the sources do not publish is absent from the frames,
so a line has no point there (and a bar no bar): never a zero.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components import theme
from components.charts import side_by_side, title_layout, vertical_line
from components.state import lang
from ipmd.ticks import indicator_unit, ticks_for

def lines(series: pd.DataFrame, order: list[str], unit: str, title: str, year: int) -> go.Figure:
    """One line per place (series: name, year, value, label), in `order`, on one pair of axes; a dashed line at the
    chosen year. `label` is the hover text (value as people read it, year, source)."""
    traces = []
    for i, name in enumerate(order):
        rows = series[series["name"] == name].sort_values("year")
        colour = theme.OKABE_ITO[i % len(theme.OKABE_ITO)]
        traces.append(go.Scatter(
            x=rows["year"].tolist(), y=rows["value"].tolist(), name=name, mode="lines+markers",
            line={"color": colour, "width": 2}, marker={"size": 5}, connectgaps=False,
            customdata=[[label] for label in rows["label"]],
            hovertemplate="<b>" + name.replace("%", "%%") + "</b>: %{customdata[0]}<extra></extra>"))
    return go.Figure(data=traces, layout={
        **title_layout(title), "height": 400, "margin": {"t": 70},
        "yaxis": {"rangemode": "tozero", **ticks_for(series["value"].to_numpy(), lang(), indicator_unit(unit))},
        "xaxis": {"tickformat": "d"},
        "hovermode": "closest", "shapes": [vertical_line(year)],
        "legend": {"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0}})


def stocks_by_sex(stocks: pd.DataFrame, order: list[str], titles: tuple[str, str],
                  sex_names: dict[str, str]) -> go.Figure:
    """Immigrants (left) and emigrants (right) of each place, women and men stacked (stocks: name, measure
    ('immigrants'/'emigrants'), sex, value). A place without a figure has no bar."""
    traces = []
    for axes, measure in (("", "immigrants"), ("2", "emigrants")):
        for sex, colour in (("female", theme.FEMALE), ("male", theme.MALE)):
            rows = stocks[(stocks["measure"] == measure) & (stocks["sex"] == sex)].set_index("name")
            values = [float(rows.loc[n, "value"]) if n in rows.index else None for n in order]
            traces.append(go.Bar(
                x=list(order), y=values, name=sex_names[sex], marker_color=colour, legendgroup=sex,
                showlegend=not axes, xaxis=f"x{axes}", yaxis=f"y{axes}",
                hovertemplate="%{x}: %{y:,.0f}<extra>" + sex_names[sex] + "</extra>"))
    return go.Figure(data=traces, layout={
        **side_by_side(titles), "barmode": "stack", "height": 400,
        "yaxis": _stack_ticks(stocks, "immigrants"), "yaxis2": {"anchor": "x2", **_stack_ticks(stocks, "emigrants")},
        "legend": {"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0}})


def corridors(rows: pd.DataFrame, order: list[str], value_name: str) -> go.Figure:
    """The largest destinations of each country's emigrants (rows: name, partner, stock, label) as horizontal bars,
    one colour per country (named in the legend), countries in `order`, each one's largest first.

    Each bar has its own row (a running number labelled with the partner): plotly's two-level category axis
    ordered one country's partners by where they first appeared in another's list."""
    traces, ticks, labels, position = [], [], [], 0
    for i, name in enumerate(order):
        mine = rows[rows["name"] == name].sort_values("stock", ascending=False)
        if mine.empty:
            continue
        y = list(range(position, position + len(mine)))
        position += len(mine) + 1                          # a blank row between countries
        ticks += y
        labels += mine["partner"].tolist()
        traces.append(go.Bar(
            x=mine["stock"].tolist(), y=y, orientation="h", name=name,
            marker_color=theme.OKABE_ITO[i % len(theme.OKABE_ITO)], text=mine["label"].tolist(),
            textposition="auto", customdata=[[name, p, t] for p, t in zip(mine["partner"], mine["label"])],
            hovertemplate="%{customdata[0]} → %{customdata[1]}: %{customdata[2]}<extra></extra>"))
    return go.Figure(data=traces, layout={
        "height": 140 + 22 * position, "xaxis": {**ticks_for(rows["stock"].to_numpy(), lang(), "count"), "title": {"text": value_name}},
        "yaxis": {"automargin": True, "autorange": "reversed", "tickvals": ticks, "ticktext": labels},
        "margin": {"t": 20}, "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "barmode": "overlay"})


def _stack_ticks(stocks: pd.DataFrame, measure: str) -> dict:
    """Count ticks in the page's language over one panel's stacked bars (women and men of each place)."""
    totals = stocks[stocks["measure"] == measure].groupby("name")["value"].sum()
    return ticks_for(totals.to_numpy(), lang(), "count")
