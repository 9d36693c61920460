"""The country profile's figure builders: pure (data, words and the chosen year in, go.Figure out), drawn through
components.figure_cache.figure, whose key is derived from the builder and its arguments."""
from __future__ import annotations

import re
import textwrap
from html import escape, unescape

import pandas as pd
import plotly.graph_objects as go

from components import charts, maps


# Streamlit's chart theme turns on `automargin` for every axis: plotly then draws a chart, measures its tick labels
# (one getBoundingClientRect each, each forcing the browser to lay the whole page out again), widens the margins and
# draws the chart a second time. On the country switch, which replaces all four charts, that was half of plotly's
# time (issue 18: browser CPU profile in README "Performance"). The profile's charts turn it off and size
# their margins from their own labels instead: they know every label in advance (ticks from ipmd.ticks, names).
# Streamlit writes tick labels at 12 px (fontSizes.twoSm): a character of Source Sans is at most 7 px wide on average
TICK_CHAR_PX = 7.0
TICK_LINE_PX = 16       # one line of tick label, with its leading
TICK_GAP_PX = 14        # between the labels and the plot (the tick length and plotly's padding)


def label_width(labels) -> int:
    """Pixels the widest of `labels` (plotly tick text: tags such as <b> and <br> are not drawn) takes at 12 px."""
    lines = [line for label in labels for line in re.split(r"<br\s*/?>", str(label))]
    return int(max((len(unescape(re.sub(r"<[^>]+>", "", line))) for line in lines), default=0) * TICK_CHAR_PX)


def fixed_axes(**axes: dict) -> dict:
    """Layout entries for the named axes ("xaxis", "yaxis2"...) with `automargin` off, merged into what is given;
    and tick labels allowed to overflow: by default plotly measures every tick label once more (a getBoundingClientRect
    each) to hide those reaching past the chart's edge, which the margins above already prevent."""
    return {name: {**spec, "automargin": False, "ticklabeloverflow": "allow"} for name, spec in axes.items()}


# An x axis given tickangle 0 is not measured label by label for an angle (plotly's autotickangles): given to the
# remittances' years, which plotly spaces by the chart's width, so they never collide; not to the stock chart's eight
# years a panel, which slant on a phone.
LEVEL = {"tickangle": 0}


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
    layout = fig.layout
    # left: the count ticks of the shared value axis; bottom: the years, then the legend (plotly puts it 15 % of the
    # plot's height below it: the margin leaves room for it, so it pushes nothing)
    return fig.update_layout(
        shapes=bands, margin={"l": label_width(layout.yaxis.ticktext) + TICK_GAP_PX, "r": 10, "t": 40, "b": 80},
        **fixed_axes(xaxis={}, xaxis2={}, yaxis={}, yaxis2={}))


def remittances(series: pd.DataFrame, names: dict[str, str], year: int) -> go.Figure:
    """Remittances received and paid by year, a dashed line at the chosen year."""
    fig = charts.remittances(series, names)
    # left: the US$ ticks; bottom: the years; top: the legend (one line above the plot)
    return fig.update_layout(shapes=[charts.vertical_line(year)],
                             margin={"l": label_width(fig.layout.yaxis.ticktext) + TICK_GAP_PX, "r": 16, "t": 48,
                                     "b": TICK_LINE_PX + TICK_GAP_PX},
                             **fixed_axes(xaxis=LEVEL, yaxis={}))


def corridor_bars(rows: pd.DataFrame, colour: str) -> go.Figure:
    """The country's corridors ranked (rows: name, stock, label), each value written beside its country's name on
    the axis ("United States (5.2M)"), not on its bar: plotly measures a bar's text one bar at a time, each forcing
    the browser to lay the page out again, which cost the country switch about 0.3 s (issue 18); the axis labels
    are measured together. With every value written there, the value axis is left out, as on the peer chart: its
    ticks only repeated them, and on a phone they slanted into a margin of their own ("200 mil" in Spanish)."""
    ordered = rows.sort_values("stock")
    ticktext = [escape(f"{n} ({label})", quote=False) for n, label in zip(ordered["name"], ordered["label"])]
    fig = charts.ranked_bars(rows, "name", "stock", "label", colour).update_traces(textposition="none")
    # left: the names and values
    return fig.update_layout(
        margin={"l": label_width(ticktext) + TICK_GAP_PX, "r": 10, "t": 10, "b": 10},
        **fixed_axes(xaxis={"visible": False},
                     yaxis={"tickmode": "array", "tickvals": ordered["name"].tolist(), "ticktext": ticktext}))


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
                # the labels' lines under the bars (automargin off: see fixed_axes)
                "margin": {"l": 8, "r": 8, "t": 28, "b": TICK_LINE_PX * lines + TICK_GAP_PX},
                **fixed_axes(xaxis={"tickangle": 0}, yaxis={"visible": False, "rangemode": "tozero"})})
