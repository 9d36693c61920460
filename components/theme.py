"""One colour-blind-safe palette (Okabe-Ito) for every chart, set as the default plotly template.

The Streamlit theme in .streamlit/config.toml uses the same blue as its primary colour.
"""
import plotly.graph_objects as go
import plotly.io as pio

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
FEMALE, MALE, TOTAL = "#D55E00", "#0072B2", "#000000"
SEQUENTIAL = "YlGnBu"          # ColorBrewer, readable with colour-vision deficiencies
NO_DATA = "#d9d9d9"
FONT = "Source Sans Pro, sans-serif"

pio.templates["ipmd"] = go.layout.Template(
    layout=dict(
        colorway=OKABE_ITO,
        font=dict(family=FONT, size=13, color="#262730"),
        colorscale=dict(sequential=SEQUENTIAL),
        margin=dict(l=10, r=10, t=40, b=10),
        hoverlabel=dict(font_size=13),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
)
pio.templates.default = "plotly_white+ipmd"
