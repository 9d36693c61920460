"""Plotly figure builders, one module per topic: pure, data in and go.Figure out (get them through
components.figure_cache.figure(builder, *args))."""
