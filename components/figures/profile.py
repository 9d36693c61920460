"""The country profile's figure builders: pure (data, words and the chosen year in, go.Figure out), drawn through
components.figure_cache.figure, whose key is derived from the builder and its arguments."""
from __future__ import annotations

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
               "ticktext": [f"{n} ({label})" for n, label in zip(ordered["name"], ordered["label"])]})


def corridor_map(origin: tuple[float, float], partners: pd.DataFrame, colour: str) -> go.Figure:
    """The country's corridors as lines on a world map, from `origin` (lon, lat)."""
    return maps.flows_map(origin, partners, color=colour)


def peers(frame: pd.DataFrame, y_title: str) -> go.Figure:
    """The country's value beside its groups' medians (frame: label, value, colour, text)."""
    return charts.peers(frame, {"y": y_title})
