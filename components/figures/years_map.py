"""The world map stepping through the years: components.maps.world_choropleth for the year shown, plus one
animation frame per year the source publishes, a slider of those years and a play button, all drawn by plotly.js
in the browser (no rerun per year, and offline: the map still takes the local topojson through maps.show_map).

The frames repeat world_choropleth's three traces (countries, small states with a value, small states without),
built here as plain dicts: building a whole figure per year costs ~80 ms each. The source every hover label ends
with (" · UN DESA ...", the same for the whole series) is written once, in the traces' hover templates, not in
every country's label of every frame: it was about half of the frames' bytes (issue 18: the browser parses,
re-serialises and re-parses the whole figure, frames included, to apply its theme).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components import maps, theme
from ipmd.geo import topojson_ids

HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>"
SOURCE_SEPARATOR = " · "


def _common_source(labels: pd.Series) -> tuple[pd.Series, str]:
    """Labels "value<br>year · source" without their source when every label ends with the same one, and that
    ending (" · source"; "" when the labels do not share one, or when it holds plotly's template syntax)."""
    parts = labels.str.rsplit(SOURCE_SEPARATOR, n=1)
    if labels.empty or not (parts.str.len() == 2).all():
        return labels, ""
    tails = set(parts.str[1])
    if len(tails) != 1 or "%{" in (tail := tails.pop()):
        return labels, ""
    return parts.str[0], SOURCE_SEPARATOR + tail


def _hover(suffix: str) -> str:
    return HOVER.replace("<extra>", suffix + "<extra>") if suffix else HOVER


def _colour(values: pd.Series, log_scale: bool) -> pd.Series:
    return np.log10(values.where(values > 0)) if log_scale else values


def _colours(values: pd.Series) -> list[float]:
    """Colour values to 7 significant digits (a colour scale tells apart far fewer): 17-digit floats were a third
    of a frame's bytes once the labels were short."""
    return [float(f"{value:.7g}") for value in values]


def _frames(values: pd.DataFrame, countries: pd.DataFrame, years: list[int], log_scale: bool) -> list[dict]:
    """One frame per year: world_choropleth's three traces (countries with a value; small states and countries
    missing from the topojson, with and without a value), as plain dicts. One merge for all years."""
    places = countries[["iso3", "name", "is_small_state", "label_lon", "label_lat"]]
    drawable = places["iso3"].isin(set(topojson_ids()))
    marked = places[(places["is_small_state"].fillna(False) | ~drawable) & places["label_lon"].notna()]
    rows = values[["map_year", "iso3", "value", "label"]].assign(color=_colour(values["value"], log_scale))
    rows = rows[rows["color"].notna()]
    on_map = rows.merge(places[drawable][["iso3", "name"]], on="iso3")
    dots = rows.merge(marked, on="iso3")
    by_year_map = dict(tuple(on_map.groupby("map_year")))
    by_year_dots = dict(tuple(dots.groupby("map_year")))
    empty_map, empty_dots = on_map.iloc[0:0], dots.iloc[0:0]
    frames = []
    for year in years:
        mine, dot = by_year_map.get(year, empty_map), by_year_dots.get(year, empty_dots)
        bare = marked[~marked["iso3"].isin(set(dot["iso3"]))]
        frames.append({"name": str(year), "traces": [0, 1, 2], "data": [
            {"type": "choropleth", "locations": mine["iso3"].tolist(), "z": _colours(mine["color"]),
             "customdata": mine[["iso3", "name", "label"]].to_numpy().tolist()},
            {"type": "scattergeo", "lon": dot["label_lon"].tolist(), "lat": dot["label_lat"].tolist(),
             "marker": {"size": 8, "line": {"color": "#333333", "width": 0.8}, "color": _colours(dot["color"]),
                        "coloraxis": "coloraxis"},
             "customdata": dot[["iso3", "name", "label"]].to_numpy().tolist()},
            {"type": "scattergeo", "lon": bare["label_lon"].tolist(), "lat": bare["label_lat"].tolist(),
             "marker": {"size": 8, "line": {"color": "#333333", "width": 0.8}, "color": theme.NO_DATA},
             "customdata": [[iso3, name, ""] for iso3, name in zip(bare["iso3"], bare["name"])]}]})
    return frames


def stepping_map(values: pd.DataFrame, countries: pd.DataFrame, shown_year: int, *, colorbar_title: str,
                 log_scale: bool, words: dict[str, str], diverging: bool = False, unit: str = "count",
                 lang: str | None = None) -> go.Figure:
    """values: map_year, iso3, value, label (every year of the indicator); countries: country_frame. Opens at
    `shown_year`; the colour scale is the same in every year, so a colour means one value throughout.
    words: 'year' (the slider's prefix, colon included: 'Year: '), 'play', 'pause' in the interface language. `diverging`: a scale centred at 0, from -m to m,
    m the 98th percentile of the values' size, so that a few extreme values do not wash out the rest (those
    beyond take the end colours; their hover shows the value)."""
    years = sorted(int(y) for y in values["map_year"].unique())
    short, suffix = _common_source(values["label"])
    values = values.assign(label=short)
    base = maps.world_choropleth(values[values["map_year"] == shown_year], countries, colorbar_title=colorbar_title,
                                 log_scale=log_scale, diverging=diverging, unit=unit, lang=lang)
    # the source in the templates of the traces with a value (0: countries, 1: small states); 2 has none
    data = [trace.to_plotly_json() for trace in base.data]
    for trace in data[:2]:
        trace["hovertemplate"] = _hover(suffix)
    colours = _colour(values["value"], log_scale).dropna()
    frames = _frames(values, countries, years, log_scale)
    animate = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    slider = {"active": years.index(shown_year) if shown_year in years else len(years) - 1,
              "currentvalue": {"prefix": words["year"], "font": {"size": 13}},
              "steps": [{"label": str(y), "method": "animate", "args": [[str(y)], animate]} for y in years],
              "x": 0, "len": 1, "y": 0, "yanchor": "top", "pad": {"t": 44, "b": 0}}
    # the buttons on their own line above the slider: beside it, they covered its first years on a phone
    play = {"type": "buttons", "direction": "left", "showactive": False, "x": 0, "y": 0, "xanchor": "left",
            "yanchor": "top", "pad": {"t": 4}, "buttons": [
                {"label": "▶ " + words["play"], "method": "animate",
                 "args": [None, {"frame": {"duration": 900, "redraw": True}, "fromcurrent": True,
                                 "transition": {"duration": 0}}]},
                {"label": "❚❚ " + words["pause"], "method": "animate", "args": [[None], animate]}]}
    layout = base.layout.to_plotly_json()
    colorbar = {**layout["coloraxis"]["colorbar"], "y": -0.3}
    low, high = (float(colours.min()), float(colours.max())) if len(colours) else (None, None)
    if diverging and len(colours):
        high = float(np.quantile(colours.abs(), 0.98)) or float(colours.abs().max()) or 1.0
        low = -high
    if len(colours):      # ticks over every year's values (the scale's ends), not only the year shown
        colorbar.update(maps.colorbar_ticks(pd.Series([low, high]), log_scale, unit, maps._language(lang)))
    layout.update(coloraxis={**layout["coloraxis"], "colorbar": colorbar, "cmin": low, "cmax": high},
                  sliders=[slider], updatemenus=[play], height=layout.get("height", 520) + 130,
                  margin={**layout.get("margin", {}), "b": 170})
    # the frames are plain data built above from the validated figure's own trace types: validating them again
    # (plotly.py checks every property of every frame) cost ~1 s for the 55 years of a World Bank series
    return go.Figure(data=data, layout=layout, frames=frames, _validate=False)
