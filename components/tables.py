"""Tables: the data behind a chart drawn only while its section is open, and column widths that fit.

A collapsed `st.expander` still computes its content and sends it to the browser, which lays out
every table in it. These expanders rerun the page when opened or closed, and their content is
computed and sent only while they are open.

Streamlit's table sizes a column from its first rows and header only roughly, so a long name further down
("Latin America and the Caribbean") or a long header ("Countries funded") ends in an ellipsis, and its
columns have no wrapping. `fitted_columns` gives each column a width in pixels from its longest text
(value or header), capped: `dataframe` (for any table) and `data_table` use it; a table wider than its
place scrolls sideways instead of cutting its words.
"""
from __future__ import annotations

import math
import re
from typing import Callable

import pandas as pd
import streamlit as st

from components.downloads import csv_download
from components.state import lang, tr
from components.text import caption as escaped_caption


# Pixels per character of the table's 14 px sans-serif, a little over its advances (measured on the app's
# tables: "Latin America and the Caribbean" 190 px, "GFMD2007-OUT1" 100 px), the cell's padding, and the
# header's extra room for its sort and menu icons.
NARROW_PX = 6.5            # lower-case letters, spaces, punctuation
WIDE_PX = 8.4              # capitals, digits, W/M-like and non-Latin letters
CELL_PAD_PX = 24
HEADER_PAD_PX = 34
MAX_TEXT_PX = 480          # a longer text (a long title) is still cut; the cell's tooltip shows it whole
MAX_NUMBER_PX = 220
MIN_PX = 60
SAMPLE_ROWS = 2000         # the longest value is looked for in the first rows only (a big table stays fast)
TEXT_TYPES = {None, "text", "link", "selectbox", "list", "multiselect"}


def text_px(text: str, pad: int = 0) -> int:
    """About how many pixels `text` takes in a table cell (plus `pad`): never much less than it does."""
    return int(math.ceil(sum(NARROW_PX if (c.islower() and c not in "mw") or c in " .,;:'’-()/!|il" else WIDE_PX
                             for c in text))) + pad


def _number_chars(values: pd.Series, number_format: str | None) -> int:
    """The characters of the widest formatted number of a column, from its largest magnitude: digits and
    group separators, a sign, two decimals at most, and a currency sign when the format shows one."""
    numbers = pd.to_numeric(values, errors="coerce").abs()
    top = float(numbers.max()) if numbers.notna().any() else 0.0
    digits = len(f"{top:,.0f}") if math.isfinite(top) else 3
    fmt = number_format or ""
    decimals = 3 if "." in fmt else 0
    words = len(re.sub(r"%[^a-zA-Z%]*[a-zA-Z]", "", fmt)) if "%" in fmt else (2 if fmt == "dollar" else 0)
    return digits + decimals + words + 1       # "US$" or " $ US" around a printf format: its literal text


def fitted_columns(frame: pd.DataFrame, column_config: dict | None = None) -> dict:
    """`column_config` with a width in pixels for every shown column that has none, so that no text is cut:
    text columns from their longest value or header (at most MAX_TEXT_PX), number columns from their header
    and their widest number (at most MAX_NUMBER_PX). Widths already set are kept; hidden columns (None) too.
    The config given is not changed."""
    fitted: dict = {}
    given = dict(column_config or {})
    for column in frame.columns:
        if not isinstance(column, str):     # a pivot's (value, sex) columns: Streamlit names them itself
            continue
        config = given.get(column, {})
        if config is None:
            continue
        if isinstance(config, str):
            config = {"label": config}
        config = dict(config)
        if config.get("width") is not None:
            fitted[column] = config
            continue
        kind = (config.get("type_config") or {}).get("type")
        values = frame[column].head(SAMPLE_ROWS)
        header = text_px(str(config.get("label") or column), HEADER_PAD_PX)
        if kind in TEXT_TYPES and not pd.api.types.is_numeric_dtype(values) \
                and not pd.api.types.is_datetime64_any_dtype(values):
            cells = max((text_px(str(v), CELL_PAD_PX) for v in values.dropna().unique()), default=0)
            width = min(max(header, cells), MAX_TEXT_PX)
        elif kind in (None, "number") and pd.api.types.is_numeric_dtype(values) \
                and not pd.api.types.is_bool_dtype(values):
            cells = _number_chars(values, (config.get("type_config") or {}).get("format")) * WIDE_PX + CELL_PAD_PX
            width = min(max(header, cells), MAX_NUMBER_PX)
        else:
            continue        # dates, progress bars, check boxes, charts: Streamlit's own width fits them
        config["width"] = max(int(width), MIN_PX)
        fitted[column] = config
    for column, config in given.items():     # configs of columns not in the frame (the index, hidden ones)
        fitted.setdefault(column, config)
    return fitted


# The language the data's own texts are written in: the ledger's project and donor names and the GFMD items' titles
# are held in English only (the GFMD source file and the ledger have no French or Spanish titles), so they are
# shown as written, and said to be, rather than translated by us.
SOURCE_LANGUAGE = "en"


def source_text_columns(column_config: dict | None, columns, language: str) -> dict:
    """`column_config` where each of `columns` (texts shown as the source wrote them: titles, names) says so in
    its header's tooltip, on pages in another language than the source's."""
    config = dict(column_config or {})
    if language == SOURCE_LANGUAGE:
        return config
    for column in columns:
        entry = config.get(column, {})
        if entry is None:
            continue
        entry = {"label": entry} if isinstance(entry, str) else dict(entry)
        entry["help"] = tr("screens17.source_text.help")
        config[column] = entry
    return config


def dataframe(frame: pd.DataFrame, *, key: str, column_config: dict | None = None, source_text: tuple = (),
              **kwargs):
    """`st.dataframe` with `fitted_columns` widths: use it for every table (hide_index, height, selection...
    pass through). `source_text`: the columns holding the data's own texts (project titles, donor names, GFMD
    titles), marked as written in the source's language on French and Spanish pages, with a note under the table."""
    kwargs.setdefault("hide_index", True)
    shown = [c for c in source_text if c in frame.columns]
    if shown:
        column_config = source_text_columns(column_config, shown, lang())
    table = st.dataframe(frame, key=key, column_config=fitted_columns(frame, column_config), **kwargs)
    if shown and lang() != SOURCE_LANGUAGE:
        st.caption(tr("screens17.source_text.note"))
    return table


def when_opened(label: str, key: str, **kwargs):
    """An expander that is returned only while it is open (`if box := when_opened(...): with box: ...`)."""
    box = st.expander(label, key=key, on_change="rerun", **kwargs)
    return box if box.open else None


def data_table(frame: pd.DataFrame | Callable[[], pd.DataFrame], key: str, *, file_name: str | None = None,
               column_config: dict | None = None, sources_note: str | None = None, caption: str | None = None,
               hide_index: bool = True, source_text: tuple = ()) -> None:
    """"Show the data as a table": the table (key `<key>_table`) and its CSV download (`<key>_csv`, when a
    `file_name` is given) in an expander (`<key>_data`). `frame` may be a function: it runs only when opened.
    `source_text`: see `dataframe`."""
    box = when_opened(tr("common.data_table"), key=f"{key}_data")
    if box is None:
        return
    with box:
        table = frame() if callable(frame) else frame
        if caption:
            escaped_caption(caption)
        dataframe(table, hide_index=hide_index, key=f"{key}_table", column_config=column_config,
                  source_text=source_text)
        if file_name:
            csv_download(table, file_name, key=f"{key}_csv", sources_note=sources_note)
