"""Plotly figure builders by topic: pure functions, data in, go.Figure out (render them through
components.figure_cache.figure)."""
