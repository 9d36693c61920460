"""Plotly figure builders: data in, go.Figure out, nothing drawn (get them through components.figure_cache.figure)."""
