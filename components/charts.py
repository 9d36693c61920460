"""Figure builders for the profile and the other pages. Each returns a go.Figure; nothing renders here."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components import theme

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def side_by_side(titles: tuple[str, str], left_width: float = 0.5, spacing: float = 0.04,
                 shared_y: bool = False) -> go.Figure:
    """An empty figure with two panels: traces go on axes x/y (left) and x2/y2 (right).

    What plotly.subplots.make_subplots(rows=1, cols=2) lays out, without its cost (~50 ms a figure).
    """
    split = left_width * (1 - spacing)
    fig = go.Figure(layout=dict(
        xaxis=dict(domain=[0, split]), xaxis2=dict(domain=[split + spacing, 1], anchor="y2"),
        yaxis2=dict(anchor="x2", matches="y", showticklabels=False) if shared_y else dict(anchor="x2"),
        annotations=[dict(text=title, x=x, y=1, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                          showarrow=False, font=dict(size=16))
                     for title, x in zip(titles, (split / 2, (split + spacing + 1) / 2))]))
    return fig


def stock_by_sex(stocks: pd.DataFrame, titles: tuple[str, str], sex_names: dict[str, str]) -> go.Figure:
    """Two panels (immigrants, emigrants), each with women and men stacked by year."""
    fig = side_by_side(titles, shared_y=True)
    for axes, measure in (("", "immigrants"), ("2", "emigrants")):
        for sex, colour in (("female", theme.FEMALE), ("male", theme.MALE)):
            rows = stocks[stocks["sex"] == sex]
            fig.add_trace(go.Bar(x=rows["year"].astype(str), y=rows[measure], name=sex_names[sex],
                                 marker_color=colour, legendgroup=sex, showlegend=not axes,
                                 xaxis=f"x{axes}", yaxis=f"y{axes}",
                                 hovertemplate="%{x}: %{y:,.0f}<extra>" + sex_names[sex] + "</extra>"))
    fig.update_layout(barmode="stack", height=380, legend=dict(orientation="h", y=-0.15, yanchor="top", x=0))
    return fig


def remittances(series: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Remittances received and paid, current US$, by year."""
    fig = go.Figure()
    for column, colour in (("received_usd", theme.OKABE_ITO[0]), ("paid_usd", theme.OKABE_ITO[1])):
        rows = series.dropna(subset=[column])
        fig.add_trace(go.Scatter(x=rows["year"], y=rows[column], name=names[column], mode="lines+markers",
                                 line=dict(color=colour, width=2), marker=dict(size=4),
                                 hovertemplate="%{x}: US$%{y:,.0f}<extra>" + names[column] + "</extra>"))
    fig.update_layout(height=340, yaxis=dict(tickprefix="US$", tickformat="~s"), hovermode="x unified")
    return fig


def ranked_bars(frame: pd.DataFrame, label_col: str, value_col: str, text_col: str, colour: str,
                height: int = 340) -> go.Figure:
    """Horizontal bars, largest on top."""
    rows = frame.sort_values(value_col)
    fig = go.Figure(go.Bar(x=rows[value_col], y=rows[label_col], orientation="h", marker_color=colour,
                           text=rows[text_col], textposition="auto", customdata=rows[[text_col]],
                           hovertemplate="<b>%{y}</b>: %{customdata[0]}<extra></extra>"))
    fig.update_layout(height=height, xaxis=dict(tickformat="~s"), yaxis=dict(automargin=True))
    return fig


def peers(frame: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """The country's value beside the medians of its region and income group."""
    fig = go.Figure(go.Bar(x=frame["label"], y=frame["value"], marker_color=frame["colour"],
                           text=frame["text"], textposition="outside",
                           hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.update_layout(height=300, yaxis=dict(title=names.get("y", "")), showlegend=False)
    return fig
