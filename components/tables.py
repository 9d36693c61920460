"""Sections drawn only while they are open: the data behind a chart as a table, and other expanders.

A collapsed `st.expander` still computes its content and sends it to the browser, which lays out
every table in it. These expanders rerun the page when opened or closed, and their content is
computed and sent only while they are open.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from components.downloads import csv_download
from components.state import tr
from components.text import caption as escaped_caption


def when_opened(label: str, key: str, **kwargs):
    """An expander that is returned only while it is open (`if box := when_opened(...): with box: ...`)."""
    box = st.expander(label, key=key, on_change="rerun", **kwargs)
    return box if box.open else None


def data_table(frame: pd.DataFrame | Callable[[], pd.DataFrame], key: str, *, file_name: str | None = None,
               column_config: dict | None = None, sources_note: str | None = None, caption: str | None = None,
               hide_index: bool = True) -> None:
    """"Show the data as a table": the table (key `<key>_table`) and its CSV download (`<key>_csv`, when a
    `file_name` is given) in an expander (`<key>_data`). `frame` may be a function: it runs only when opened."""
    box = when_opened(tr("common.data_table"), key=f"{key}_data")
    if box is None:
        return
    with box:
        table = frame() if callable(frame) else frame
        if caption:
            escaped_caption(caption)
        st.dataframe(table, hide_index=hide_index, key=f"{key}_table", column_config=column_config)
        if file_name:
            csv_download(table, file_name, key=f"{key}_csv", sources_note=sources_note)
