"""The country profile's figure builders: pure (data, words and the chosen year in, go.Figure out), drawn through
components.figure_cache.figure, whose key is derived from the builder and its arguments."""
from __future__ import annotations

import textwrap
from html import escape

import pandas as pd
import plotly.graph_objects as go

from components import charts, maps


def _year_bands(categories: list, year: int, axes: tuple[str, ...]) -> list[dict]:
    """A band behind the chosen year's bar on each panel of a chart with year categories (none if it has no bar)."""
    if year not in categories:
        return []
    i = categories.index(year)
    return [{"type": "rect", "layer": "below", "x0": i - 0.5, "x1": i + 0.5, "xref": f"x{a}", "y0": 0, "y1": 1,
             "yref": f"y{a} domain", "fillcolor": "rgba(85, 85, 85, 0.12)", "line": {"width": 0}} for a in axes]


def stocks(frame: pd.DataFrame, titles: tuple[str, str], sex_names: dict[str, str], year: int) -> go.Figure:
    """Immigrants and emigrants by sex and year (two panels), the chosen year's bars shaded."""
    fig = charts.stock_by_sex(frame, titles, sex_names)
    bands = _year_bands(sorted(frame["year"].unique()), year, ("", "2"))
    return fig.update_layout(shapes=bands) if bands else fig


def remittances(series: pd.DataFrame, names: dict[str, str], year: int) -> go.Figure:
    """Remittances received and paid by year, a dashed line at the chosen year."""
    return charts.remittances(series, names).update_layout(shapes=[charts.vertical_line(year)])


def corridor_bars(rows: pd.DataFrame, colour: str) -> go.Figure:
    """The country's corridors ranked (rows: name, stock, label), each value written beside its country's name on
    the axis ("United States (5.2M)"), not on its bar: plotly measures a bar's text one bar at a time, each forcing
    the browser to lay the page out again, which cost the country switch about 0.3 s (issue 18); the axis labels
    are measured together."""
    ordered = rows.sort_values("stock")
    return charts.ranked_bars(rows, "name", "stock", "label", colour).update_traces(textposition="none").update_layout(
        yaxis={"tickmode": "array", "tickvals": ordered["name"].tolist(),
               "ticktext": [escape(f"{n} ({label})", quote=False) for n, label in zip(ordered["name"], ordered["label"])]})


def corridor_map(origin: tuple[float, float], partners: pd.DataFrame, colour: str) -> go.Figure:
    """The country's corridors as lines on a world map, from `origin` (lon, lat)."""
    return maps.flows_map(origin, partners, color=colour)


PEER_LABEL_CHARS = 16   # a bar's label wraps at this many characters: three bars fit a 390 px phone, labels level


def peers(frame: pd.DataFrame, y_title: str) -> go.Figure:
    """The country's value beside its groups' medians (frame: label, value, colour, text). Each bar's value is the
    first line of its label, in bold, so the value axis is left out, and the labels wrap onto short lines, never
    slanted: on a phone a slanted "Median: Upper middle income" took most of the chart's height and squeezed the
    bars. Values under the bars, not on them: plotly lays out a bar's text one bar at a time, each forcing the
    browser to lay the page out again (issue 18, as for the corridors). `y_title` (the indicator) names the bars in
    the hover text; the chart's title names it on the page."""
    # plotly reads tags in tick labels: each line is escaped, the breaks and bold are ours
    labels = [f"<b>{escape(str(text), quote=False)}</b><br>" + ("<br>".join(
                  escape(line, quote=False) for line in textwrap.wrap(str(label), PEER_LABEL_CHARS, break_long_words=False))
              or escape(str(label), quote=False)) for label, text in zip(frame["label"], frame["text"])]
    lines = max(label.count("<br>") + 1 for label in labels) if labels else 1
    return go.Figure(
        data=[go.Bar(x=labels, y=frame["value"].tolist(), marker_color=frame["colour"].tolist(),
                     text=frame["text"].tolist(), textposition="none",
                     customdata=[[str(label), y_title] for label in frame["label"]],
                     hovertemplate="%{customdata[0]}<br>%{customdata[1]}: %{text}<extra></extra>")],
        layout={"height": 260 + 16 * lines, "showlegend": False, "bargap": 0.35,
                "margin": {"l": 8, "r": 8, "t": 28},
                "xaxis": {"tickangle": 0, "automargin": True},
                "yaxis": {"visible": False, "rangemode": "tozero"}})
