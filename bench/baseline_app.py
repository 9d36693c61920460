"""The benchmark's baseline: the smallest Streamlit page with one plotly chart (and a blank page to
navigate from, so in-app navigation can be timed the same way as on the dashboard).

Every page's time is reported as a ratio to this page's, measured in the same run on the same
machine, so a slow machine does not hide a slow page and a fast one does not flatter it.
"""
import plotly.graph_objects as go
import streamlit as st


def chart():
    st.title("Baseline")
    st.plotly_chart(go.Figure(go.Scatter(x=list(range(20)), y=[i * i for i in range(20)])), key="baseline")


def blank():
    st.title("Blank")


st.navigation([st.Page(chart, title="Chart", url_path="chart", default=True),
               st.Page(blank, title="Blank", url_path="blank")]).run()
