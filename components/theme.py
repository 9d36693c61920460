"""One colour-blind-safe palette (Okabe-Ito, from ipmd.documents.palette, shared with the PDF and slides) for
every chart, set as the default plotly template.

The Streamlit theme in .streamlit/config.toml uses the same blue as its primary colour.
"""
import plotly.graph_objects as go
import plotly.io as pio

from ipmd.documents.palette import FEMALE, MALE, OKABE_ITO, TOTAL  # noqa: F401 (the pages' colours)

SEQUENTIAL = "YlGnBu"          # ColorBrewer, readable with colour-vision deficiencies
NO_DATA = "#d9d9d9"
DIVERGING = "BrBG"             # ColorBrewer, brown below 0, green above; readable with colour-vision deficiencies
FONT = "Source Sans Pro, sans-serif"

_OURS = go.layout.Template(
    layout=dict(
        colorway=OKABE_ITO,
        font=dict(family=FONT, size=13, color="#262730"),
        colorscale=dict(sequential=SEQUENTIAL),
        margin=dict(l=10, r=10, t=40, b=10),
        hoverlabel=dict(font_size=13),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
)
# plotly_white, kept to the trace types and axes the app draws: every figure carries its template
# (copied when built, sent to the browser), and the full one is 7 KB of 3-D, polar and carpet styles.
_WHITE = pio.templates["plotly_white"].to_plotly_json()
_BASE = go.layout.Template(
    layout={k: v for k, v in _WHITE["layout"].items() if k not in ("polar", "ternary", "scene")},
    data={k: v for k, v in _WHITE["data"].items() if k in ("bar", "scatter", "scattergeo", "choropleth", "heatmap")})
# Merged once and registered under one name: a "plotly_white+ipmd" default is merged again for
# every figure, which cost ~40 ms per chart.
pio.templates["ipmd"] = pio.templates.merge_templates(_BASE, _OURS)
pio.templates.default = "ipmd"
