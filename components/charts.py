"""Figure builders for the profile and the other pages. Each returns a go.Figure; nothing renders here.

Every builder makes its figure in one go.Figure(data=[...], layout={...}) call, with plain lists:
plotly validates each update_layout / update_xaxes / add_* call and each pandas argument again,
which made building a chart cost 5 to 20 ms more.
"""
from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from components import theme
from components.state import lang
from ipmd.ticks import ticks_for

# One toolbar button (a PNG of the chart): each button is a tab stop, and six of them covered legends on a phone.
# Zoom stays (drag on the plot; a double click resets it).
CHART_CONFIG = {"displaylogo": False, "modeBarButtons": [["toImage"]]}


# Plotly draws a title on one line and cuts it at the chart's edge: longer titles are broken into lines of at
# most this many characters, which fit a 390 px phone at 15 px. Each line takes 20 px of the top margin, plus
# 20 px above the first (plotly puts the first line's baseline, not its top, at the padding).
TITLE_LINE = 44


def title_layout(title: str) -> dict:
    """A chart title, left-aligned, in lines that fit a phone (layout keys to merge into a figure's layout)."""
    text = "<br>".join(textwrap.wrap(title, TITLE_LINE, break_long_words=False)) or title
    return {"title": {"text": text, "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
                      "pad": {"t": 20}, "font": {"size": 15}}}


def side_by_side(titles: tuple[str, str], left_width: float = 0.5, spacing: float = 0.04,
                 shared_y: bool = False) -> dict:
    """Layout for two panels with their titles: traces go on axes x/y (left) and x2/y2 (right).

    What plotly.subplots.make_subplots(rows=1, cols=2) lays out, without its cost (~50 ms a figure).
    """
    split = left_width * (1 - spacing)
    return {
        "xaxis": {"domain": [0, split]}, "xaxis2": {"domain": [split + spacing, 1], "anchor": "y2"},
        "yaxis2": {"anchor": "x2", "matches": "y", "showticklabels": False} if shared_y else {"anchor": "x2"},
        "annotations": [{"text": title, "x": x, "y": 1, "xref": "paper", "yref": "paper", "xanchor": "center",
                         "yanchor": "bottom", "showarrow": False, "font": {"size": 16}}
                        for title, x in zip(titles, (split / 2, (split + spacing + 1) / 2))],
    }


def vertical_line(x: float, **line) -> dict:
    """A dashed line across the plot at x (a layout shape)."""
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
            "line": {"color": "#555555", "dash": "dash", "width": 1, **line}}


def horizontal_line(y: float, **line) -> dict:
    """A dashed line across the plot at y (a layout shape)."""
    return {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y, "yref": "y",
            "line": {"color": "#555555", "dash": "dash", "width": 1, **line}}


def stock_by_sex(stocks: pd.DataFrame, titles: tuple[str, str], sex_names: dict[str, str]) -> go.Figure:
    """Two panels (immigrants, emigrants), each with women and men stacked by year."""
    traces = []
    for axes, measure in (("", "immigrants"), ("2", "emigrants")):
        for sex, colour in (("female", theme.FEMALE), ("male", theme.MALE)):
            rows = stocks[stocks["sex"] == sex]
            traces.append(go.Bar(x=rows["year"].astype(str).tolist(), y=rows[measure].tolist(), name=sex_names[sex],
                                 marker_color=colour, legendgroup=sex, showlegend=not axes,
                                 xaxis=f"x{axes}", yaxis=f"y{axes}",
                                 hovertemplate="%{x}: %{y:,.0f}<extra>" + sex_names[sex] + "</extra>"))
    return go.Figure(data=traces, layout={
        **side_by_side(titles, shared_y=True), "barmode": "stack", "height": 380,
        "yaxis": ticks_for(stocks.groupby("year")[["immigrants", "emigrants"]].sum().to_numpy(), lang(), "count"),
        "legend": {"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0}})


def remittances(series: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Remittances received and paid, current US$, by year."""
    traces = []
    for column, colour in (("received_usd", theme.OKABE_ITO[0]), ("paid_usd", theme.OKABE_ITO[1])):
        rows = series.dropna(subset=[column])
        traces.append(go.Scatter(x=rows["year"].tolist(), y=rows[column].tolist(), name=names[column],
                                 mode="lines+markers", line=dict(color=colour, width=2), marker=dict(size=4),
                                 hovertemplate="%{x}: US$%{y:,.0f}<extra>" + names[column] + "</extra>"))
    return go.Figure(data=traces, layout={"height": 340,
                                          "yaxis": ticks_for(series[["received_usd", "paid_usd"]].to_numpy(), lang(),
                                                             "usd"),
                                          "hovermode": "x unified"})


def ranked_bars(frame: pd.DataFrame, label_col: str, value_col: str, text_col: str, colour: str,
                height: int = 340) -> go.Figure:
    """Horizontal bars, largest on top."""
    rows = frame.sort_values(value_col)
    text = rows[text_col].tolist()
    return go.Figure(
        data=[go.Bar(x=rows[value_col].tolist(), y=rows[label_col].tolist(), orientation="h", marker_color=colour,
                     text=text, textposition="auto", customdata=[[t] for t in text],
                     hovertemplate="<b>%{y}</b>: %{customdata[0]}<extra></extra>")],
        layout={"height": height, "xaxis": ticks_for(rows[value_col].to_numpy(), lang(), "count"),
                "yaxis": {"automargin": True}})


def peers(frame: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """The country's value beside the medians of its region and income group."""
    return go.Figure(
        data=[go.Bar(x=frame["label"].tolist(), y=frame["value"].tolist(), marker_color=frame["colour"].tolist(),
                     text=frame["text"].tolist(), textposition="outside",
                     hovertemplate="%{x}: %{text}<extra></extra>")],
        layout={"height": 300, "yaxis": {"title": {"text": names.get("y", "")},
                                         **ticks_for(frame["value"].to_numpy(), lang(), "count")},
                "showlegend": False})


def show(fig: go.Figure, key: str, *, alt: str, title: str, sources=(), year: int | None = None,
         illustrative: bool = False, config: dict | None = None, embeddable: bool = True, **plotly_args):
    """Draw a chart the one way every chart is drawn: the figure (stable `key`, one-line `alt` summary), its source
    line (`sources`, `year`: as `provenance.caption_sources`; `illustrative`: the figures are the illustrative
    ledger, said in that line), and "Save or embed": PNG and SVG with `title`, source
    and date drawn in (in the browser, offline), and an <iframe> snippet showing just this chart and its source.
    `embeddable=False` leaves the embed snippet out (a page behind the sign-in: its embed would show the sign-in page).
    Returns st.plotly_chart's result. See components/chart_export.py."""
    from components import chart_export

    return chart_export.show(fig, key, alt=alt, title=title, sources=sources, year=year, illustrative=illustrative,
                             config=config or CHART_CONFIG, embeddable=embeddable, **plotly_args)


def ledger_sources(is_illustrative: bool) -> tuple[str, ...]:
    """The source of a chart of the fund's ledger: the illustrative portfolio, or the imported ledger."""
    from ipmd.fund.summary import ILLUSTRATIVE_SOURCE, REAL_LEDGER_SOURCE

    return (ILLUSTRATIVE_SOURCE if is_illustrative else REAL_LEDGER_SOURCE,)
