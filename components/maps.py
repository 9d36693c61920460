"""World maps that draw offline: plotly's 1:110m topojson served locally, markers for small states and for the
countries that topojson lacks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import theme
from ipmd.geo import topojson_ids
from ipmd.ticks import axis_ticks, log_ticks

# plotly.js fetches its base-layer topojson even for custom GeoJSON; serve it from static/ (ARCHITECTURE trap 1).
MAP_CONFIG = {"topojsonURL": "app/static/", "displaylogo": False, "scrollZoom": False,
              "modeBarButtons": [["zoomInGeo", "zoomOutGeo", "resetGeo", "toImage"]]}


def _map_layout(height: int, **geo) -> dict:
    """A world map's layout: Natural Earth projection, no frame or coastlines, ocean shaded; `geo` adds or overrides."""
    return {"geo": {"projection": {"type": "natural earth"}, "resolution": 110, "showframe": False,
                    "showcoastlines": False, "showocean": True, "oceancolor": "#f4f8fb", "lataxis": {"range": [-57, 84]},
                    "bgcolor": "rgba(0,0,0,0)", **geo},
            "height": height, "margin": {"l": 0, "r": 0, "t": 10, "b": 0}, "dragmode": False}


def world_choropleth(frame: pd.DataFrame, countries: pd.DataFrame, *, colorbar_title: str,
                     height: int = 520, log_scale: bool = False, diverging: bool = False, unit: str = "count",
                     lang: str | None = None) -> go.Figure:
    """A choropleth of `frame` (iso3, value, label): hover shows `label` (value, year, source, ready to read).
    `diverging`: values on both sides of 0 (a rate of change), coloured on a diverging scale centred at 0.
    The colour bar's ticks are written in `lang` (the page's language when not given) as `unit` reads
    (ipmd.ticks: 'usd', 'count', 'pct', 'share'): "2 Md $ US", "500 mil", "0,01".

    Countries without a value stay grey. Small states, and countries plotly's topojson lacks, are also
    drawn as markers so they can be seen and clicked. customdata[0] is the ISO3 code on every trace.
    """
    data = countries[["iso3", "name", "is_small_state", "label_lon", "label_lat"]].merge(
        frame[["iso3", "value", "label"]], on="iso3", how="left")
    data["label"] = [label if isinstance(label, str) else "" for label in data["label"]]
    data["color"] = np.log10(data["value"].where(data["value"] > 0)) if log_scale else data["value"]
    drawable = data["iso3"].isin(topojson_ids())
    valued = data[drawable & data["color"].notna()]
    hover = "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>"
    traces = [go.Choropleth(
        locationmode="ISO-3", locations=valued["iso3"].to_numpy(), z=valued["color"].to_numpy(), coloraxis="coloraxis",
        marker={"line": {"color": "white", "width": 0.4}}, customdata=valued[["iso3", "name", "label"]].to_numpy(),
        hovertemplate=hover, name="")]
    markers = data[(data["is_small_state"].fillna(False) | ~drawable) & data["label_lon"].notna()]
    for rows, no_data in ((markers[markers["color"].notna()], False), (markers[markers["color"].isna()], True)):
        traces.append(go.Scattergeo(
            lon=rows["label_lon"].tolist(), lat=rows["label_lat"].tolist(), mode="markers",
            marker={"size": 8, "line": {"color": "#333333", "width": 0.8},
                    **({"color": theme.NO_DATA} if no_data else {"color": rows["color"].tolist(), "coloraxis": "coloraxis"})},
            customdata=rows[["iso3", "name", "label"]].to_numpy(), hovertemplate=hover, name="",
            showlegend=False))
    # under the map, across it, thin and of a fixed length (at the right it took a third of a phone's width from
    # the map); from the left edge, so that it is in view on a phone, where the map is wider than the screen and
    # scrolls sideways (static/ipmd.css, MAP_CONTAINER)
    colorbar = {"title": {"text": colorbar_title, "side": "top"}, "orientation": "h", "thickness": 10,
                "lenmode": "pixels", "len": 280, "x": 0.01, "xanchor": "left", "y": 0, "yanchor": "top",
                "outlinewidth": 0}
    colorbar.update(colorbar_ticks(data["color"], log_scale, unit, _language(lang)))
    return go.Figure(data=traces, layout={
        **_map_layout(height, showland=True, landcolor=theme.NO_DATA, showcountries=True, countrycolor="white",
                      countrywidth=0.4),
        "coloraxis": {"colorscale": theme.DIVERGING if diverging else theme.SEQUENTIAL, "colorbar": colorbar,
                      **({"cmid": 0} if diverging else {})}})


def _language(language: str | None) -> str:
    if language is not None:
        return language
    from components.state import lang

    return lang()


def colorbar_ticks(colours: pd.Series, log_scale: bool, unit: str, language: str) -> dict:
    """A colour bar's tickvals/ticktext over `colours` (log10 of the values on a log scale), in `language`: powers
    of ten on a log scale, 1-2-5 steps otherwise; {} when there is nothing to colour."""
    colours = pd.to_numeric(colours, errors="coerce").dropna()
    if colours.empty:
        return {}
    if log_scale:
        return log_ticks(colours.min(), colours.max(), language, unit)
    return axis_ticks(float(colours.min()), float(colours.max()), language, unit)


def flows_map(origin: tuple[float, float], partners: pd.DataFrame, *, color: str, height: int = 420) -> go.Figure:
    """Lines from one country to its partners (partners: name, label_lon, label_lat, stock, label), width by size."""
    top = partners["stock"].max() if len(partners) else 1
    # one trace per line width (a trace per partner costs ~5 ms each to build): four widths by share of the largest
    width = np.select([partners["stock"] >= 0.6 * top, partners["stock"] >= 0.3 * top,
                       partners["stock"] >= 0.1 * top], [8.0, 5.0, 3.0], default=1.5)
    traces = []
    for line_width in sorted(set(width)):
        rows = partners[width == line_width]
        traces.append(go.Scattergeo(
            lon=[v for lon in rows["label_lon"] for v in (origin[0], lon, None)],
            lat=[v for lat in rows["label_lat"] for v in (origin[1], lat, None)],
            mode="lines", line={"width": line_width, "color": color}, opacity=0.7, hoverinfo="skip", showlegend=False))
    traces.append(go.Scattergeo(
        lon=partners["label_lon"].tolist(), lat=partners["label_lat"].tolist(), mode="markers",
        text=partners["name"].tolist(), marker={"size": 8, "color": color, "line": {"color": "white", "width": 1}},
        customdata=[[label] for label in partners["label"]],
        hovertemplate="<b>%{text}</b><br>%{customdata[0]}<extra></extra>", showlegend=False))
    traces.append(go.Scattergeo(lon=[origin[0]], lat=[origin[1]], mode="markers",
                                marker={"size": 12, "color": theme.TOTAL, "symbol": "star"}, hoverinfo="skip",
                                showlegend=False))
    # centred on the country, so flows do not wrap around the antimeridian
    return go.Figure(data=traces, layout=_map_layout(
        height, showland=True, landcolor="#e6e6e6", showcountries=True, countrycolor="white",
        projection={"type": "natural earth", "rotation": {"lon": float(origin[0])}}))


# Every map is drawn in a container keyed MAP_CONTAINER + its key: on a phone the stylesheet (static/ipmd.css)
# draws it wider than the screen, so that the world is about 300 px tall instead of 150, and scrolls it sideways.
MAP_CONTAINER = "ipmd_map_"


def show_map(fig: go.Figure, key: str, *, alt: str, clickable: bool = False, title: str | None = None,
             sources=(), year: int | None = None, illustrative: bool = False):
    """Render a geo figure with the local topojson; returns the selection state when clickable.

    With a `title` (and its `sources`, `year`), the map is drawn as every chart is (components.charts.show): its
    source line under it, saved as PNG or SVG with title, source and date, and an embed snippet."""
    selection = {"on_select": "rerun" if clickable else "ignore", "selection_mode": "points"}
    with st.container(key=f"{MAP_CONTAINER}{key}"):
        if title is not None:
            from components import chart_export

            return chart_export.show(fig, key, alt=alt, title=title, sources=sources, year=year,
                                     illustrative=illustrative, config=MAP_CONFIG, **selection)
        return st.plotly_chart(fig, key=key, config=MAP_CONFIG, alt=alt, **selection)


def clicked_iso3(event) -> str | None:
    """The ISO3 code of the country the user clicked on a clickable map, if any."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        custom = point.get("customdata")
        if custom:
            return custom[0]
        if point.get("location"):
            return point["location"]
    return None
