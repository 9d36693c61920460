"""Reusable Streamlit and plotly pieces. Figure builders return go.Figure; `show_*` functions render."""
