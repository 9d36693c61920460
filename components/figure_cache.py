"""Figures built once per distinct inputs and shared by every session.

Building a plotly figure validates every property in Python, which costs more than the queries
behind it; a page that redraws the same view (any widget change, a second visitor) takes the figure
from here instead. A cached figure is never changed after it is built: st.plotly_chart only reads it.
"""
from __future__ import annotations

from typing import Callable, Hashable

import plotly.graph_objects as go
import streamlit as st

from components.data import version


@st.cache_resource(show_spinner=False, max_entries=300)
def _built(name: str, inputs: tuple, data_version: str, _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def cached_figure(name: str, inputs: tuple[Hashable, ...], build: Callable[[], go.Figure]) -> go.Figure:
    """`build()`, or the figure it made before for the same `name`, `inputs` and database.

    `inputs` must hold everything the figure depends on besides the database (the page's parameters
    and the interface language) as primitives; `build` is not looked at.
    """
    return _built(name, inputs, version(), build)
