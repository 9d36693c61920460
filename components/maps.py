"""World maps that draw offline: plotly's 1:50m topojson served locally, markers for small states."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import theme
from ipmd.geo import topojson_ids

# plotly.js fetches its base-layer topojson even for custom GeoJSON; serve it from static/ (ARCHITECTURE trap 1).
MAP_CONFIG = {"topojsonURL": "app/static/", "displaylogo": False, "scrollZoom": False}


def _geo_layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_geos(projection_type="natural earth", resolution=110, showframe=False, showcoastlines=False,
                    showocean=True, oceancolor="#f4f8fb", lataxis_range=[-57, 84], bgcolor="rgba(0,0,0,0)")
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=10, b=0), dragmode=False)
    return fig


def world_choropleth(frame: pd.DataFrame, countries: pd.DataFrame, *, colorbar_title: str,
                     height: int = 520, log_scale: bool = False) -> go.Figure:
    """A choropleth of `frame` (iso3, value, label): hover shows `label` (value, year, source, ready to read).

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
    fig = go.Figure(go.Choropleth(
        locationmode="ISO-3", locations=valued["iso3"], z=valued["color"], coloraxis="coloraxis",
        marker_line_color="white", marker_line_width=0.4,
        customdata=valued[["iso3", "name", "label"]], hovertemplate=hover, name=""))
    markers = data[(data["is_small_state"].fillna(False) | ~drawable) & data["label_lon"].notna()]
    for rows, marker_colour in ((markers[markers["color"].notna()], None), (markers[markers["color"].isna()], theme.NO_DATA)):
        fig.add_trace(go.Scattergeo(
            lon=rows["label_lon"], lat=rows["label_lat"], mode="markers",
            marker=dict(size=8, color=marker_colour or rows["color"], coloraxis=None if marker_colour else "coloraxis",
                        line=dict(color="#333333", width=0.8)),
            customdata=rows[["iso3", "name", "label"]], hovertemplate=hover, name="", showlegend=False))
    tickvals = ticktext = None
    if log_scale and data["color"].notna().any():
        tickvals = list(range(int(np.floor(data["color"].min())), int(np.ceil(data["color"].max())) + 1))
        ticktext = [_power_of_ten(v) for v in tickvals]
    fig.update_layout(coloraxis=dict(colorscale=theme.SEQUENTIAL, colorbar=dict(
        title=dict(text=colorbar_title, side="right"), thickness=12, len=0.8, tickvals=tickvals, ticktext=ticktext)))
    fig.update_geos(showland=True, landcolor=theme.NO_DATA, showcountries=True, countrycolor="white",
                    countrywidth=0.4)
    return _geo_layout(fig, height)


def _power_of_ten(exponent: int) -> str:
    for size, suffix in ((9, "B"), (6, "M"), (3, "k")):
        if exponent >= size:
            return f"{10 ** (exponent - size):,}{suffix}"
    return f"{10 ** exponent:,}"


def flows_map(origin: tuple[float, float], partners: pd.DataFrame, *, color: str, height: int = 420) -> go.Figure:
    """Lines from one country to its partners (partners: name, label_lon, label_lat, stock, label), width by size."""
    fig = go.Figure()
    top = partners["stock"].max() if len(partners) else 1
    for row in partners.itertuples():
        fig.add_trace(go.Scattergeo(
            lon=[origin[0], row.label_lon], lat=[origin[1], row.label_lat], mode="lines",
            line=dict(width=1 + 7 * row.stock / top, color=color), opacity=0.7,
            hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scattergeo(
        lon=partners["label_lon"], lat=partners["label_lat"], mode="markers", text=partners["name"],
        marker=dict(size=8, color=color, line=dict(color="white", width=1)),
        customdata=partners[["label"]], hovertemplate="<b>%{text}</b><br>%{customdata[0]}<extra></extra>",
        showlegend=False))
    fig.add_trace(go.Scattergeo(lon=[origin[0]], lat=[origin[1]], mode="markers",
                                marker=dict(size=12, color=theme.TOTAL, symbol="star"), hoverinfo="skip",
                                showlegend=False))
    fig = _geo_layout(fig, height)
    # centre the projection on the country, so flows do not wrap around the antimeridian
    fig.update_geos(showland=True, landcolor="#e6e6e6", showcountries=True, countrycolor="white",
                    projection_rotation_lon=float(origin[0]))
    return fig


def show_map(fig: go.Figure, key: str, *, alt: str, clickable: bool = False):
    """Render a geo figure with the local topojson; returns the selection state when clickable."""
    return st.plotly_chart(fig, key=key, config=MAP_CONFIG, alt=alt,
                           on_select="rerun" if clickable else "ignore",
                           selection_mode="points")


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
