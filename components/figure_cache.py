"""Figures built once per builder, arguments, language and database, and shared by every session.

Building a plotly figure validates every property in Python, which costs more than the queries
behind it; a page that redraws the same view (any widget change, a second visitor) takes the figure
from here instead. A cached figure is never changed after it is built: st.plotly_chart only reads it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

import plotly.graph_objects as go
import streamlit as st
from babel.numbers import get_decimal_symbol, get_group_symbol

from components.data import version
from components.state import lang


@st.cache_resource(show_spinner=False, max_entries=300)
def _built(builder: str, language: str, data_version: str, args: tuple, kwargs: dict,
           _build: Callable[..., go.Figure]) -> go.Figure:
    fig = _build(*args, **kwargs)
    if language and fig.layout.separators is None:
        # plotly writes axis ticks, hover numbers and colour bars with these (decimal, then thousands): "0,5 %" and
        # "1,5M" in French and Spanish, not "0.5%" and "1.5M" (issue 17)
        fig.layout.separators = separators(language)
    # st.plotly_chart turns the figure into a dict on every run (to_dict: a deep copy of every trace, frame and
    # array, 10-30 ms for a map with its year frames, issue 18); the figure never changes once built, so its dict is
    # made once and shared (Streamlit only serialises it)
    fig.to_dict = lru_cache(maxsize=1)(fig.to_dict)
    return fig


def separators(language: str) -> str:
    """Plotly's `layout.separators` for `language`: its decimal sign then its group sign (CLDR, via Babel)."""
    return get_decimal_symbol(language) + get_group_symbol(language)


def figure(build: Callable[..., go.Figure], *args, **kwargs) -> go.Figure:
    """`build(*args, **kwargs)`, or the figure it returned before for the same arguments.

    The key is derived, never listed by hand: the builder's qualified name, every argument (frames,
    lists and dicts are hashed by value, as st.cache_data does), the interface language and the
    database's version. So `build` must be a named function whose figure depends only on those:
    a lambda is refused, since two lambdas would share one name.
    """
    name = f"{build.__module__}.{build.__qualname__}"
    if "<lambda>" in name or "<locals>" in name:
        raise TypeError(f"figure() needs a module-level builder, not {name}")
    return _built(name, lang(), version(), args, kwargs, _build=build)

