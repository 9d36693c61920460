"""The benchmark's baseline: the smallest Streamlit pages with one plotly chart, one plotly map (the
framework's floor, issue 18), and a blank page to navigate from, so in-app navigation can be timed
the same way as on the dashboard.

Every page's time is reported as a ratio to these pages', measured in the same run on the same
machine, so a slow machine does not hide a slow page and a fast one does not flatter it. The map
draws with plotly's topojson from ./static (bench/firstload.py runs this file from a folder that
links the repository's static/), as the dashboard's maps do.
"""
import plotly.graph_objects as go
import streamlit as st


def chart():
    st.title("Baseline")
    st.plotly_chart(go.Figure(go.Scatter(x=list(range(20)), y=[i * i for i in range(20)])), key="baseline")


def world_map():
    st.title("Floor")
    codes = ["PHL", "MEX", "IND", "KEN", "DEU", "TON", "BRA", "CHN", "USA", "NGA", "FRA", "EGY"]
    fig = go.Figure(go.Choropleth(locations=codes, z=list(range(len(codes))), locationmode="ISO-3"))
    fig.update_layout(height=480, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      geo={"showframe": False, "projection": {"type": "natural earth"}})
    st.plotly_chart(fig, key="floor_map", config={"topojsonURL": "app/static/", "displaylogo": False})


def blank():
    st.title("Blank")


st.navigation([st.Page(chart, title="Chart", url_path="chart", default=True),
               st.Page(world_map, title="Map", url_path="map"),
               st.Page(blank, title="Blank", url_path="blank")]).run()
