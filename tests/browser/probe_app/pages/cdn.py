import plotly.express as px
import streamlit as st

frame = px.data.gapminder().query("year == 2007")
st.title("CDN topojson")
st.plotly_chart(px.choropleth(frame, locations="iso_alpha", color="lifeExp"), key="map")
