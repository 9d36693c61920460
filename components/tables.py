"""Tables: the data behind a chart drawn only while its section is open, and column widths that fit.

A collapsed `st.expander` still computes its content and sends it to the browser, which lays out
every table in it. These expanders rerun the page when opened or closed, and their content is
computed and sent only while they are open.

Streamlit's table sizes a column from its first rows and header only roughly, so a long name further down
("Latin America and the Caribbean") or a long header ("Countries funded") ends in an ellipsis, and its
columns have no wrapping. `fitted_columns` gives each column a width in pixels from its longest text
(value or header), capped: `dataframe` (for any table) and `data_table` use it; a table wider than its
place scrolls sideways instead of cutting its words.

Numbers are written in the page's language, not the browser's (issue 17): Streamlit's NumberColumn formats
("percent", "localized", "dollar", "%.1f", ...) are applied by the browser with its own locale, or with a decimal
point. `localized_numbers` writes every formatted number column in Python instead (Babel, through ipmd.i18n:
"12,5 %", "1 234 567" in French, "1.234.567" in Spanish) as a pandas Styler's display values, which Streamlit shows
for a number column without a format while the column stays numeric, so it still sorts by value.
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
from ipmd.i18n import fmt_number, fmt_pct, fmt_usd
from ipmd.ticks import compact_short


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


# A table larger than this (rows x columns) keeps Streamlit's own formats: Streamlit lays a Styler out cell by cell
# in Python, about 30 us a cell (0.3 s for 1,000 rows of 10 columns; the app's tables hold a few hundred rows).
MAX_STYLED_CELLS = 20_000
WIDTH_SAMPLE = 200         # a number column's width: from its first values written out, and its largest and smallest
_PRINTF = re.compile(r"^%(?P<flags>'.?,?)?(?P<width>\d*)(?:\.(?P<digits>\d+))?(?P<kind>[dfig])(?P<pct>%%)?$")


def _general(value, language: str) -> str:
    """A number with as many decimals as it has (three at most), grouped as `language` groups."""
    number = float(value)
    digits = next((d for d in range(4) if round(number, d) == round(number, 3)), 3)
    return fmt_number(number, language, digits)


def number_formatter(number_format: str | None, language: str) -> Callable[[object], str] | None:
    """A function writing a cell of a column with Streamlit's `number_format` in `language`, or None when the format
    reads the same in every language (no format on a whole-number column, "%d": years and counts, "plain")."""
    fmt = (number_format or "").strip()
    if fmt == "percent":
        return lambda v: fmt_pct(100 * float(v), language, 1, significant=2)
    if fmt in ("dollar", "accounting") or fmt.startswith("US$") or "%'" in fmt:   # usd_column_format's printf
        return lambda v: fmt_usd(float(v), language, compact=False)
    if fmt in ("localized", "%g") or fmt == "":
        return lambda v: _general(v, language)
    if fmt == "compact":
        return lambda v: compact_short(float(v), language)
    match = _PRINTF.match(fmt)
    if match is None or (match["kind"] in "di" and not match["pct"]):
        return None
    digits = int(match["digits"] or 0) if match["kind"] == "f" else 0
    if match["pct"]:
        return lambda v: fmt_pct(float(v), language, digits)
    if match["kind"] == "g":
        return lambda v: _general(v, language)
    return lambda v: fmt_number(float(v), language, digits)


def _safe(formatter: Callable[[object], str]) -> Callable[[object], str]:
    def write(value) -> str:
        try:
            return "" if value is None or pd.isna(value) else formatter(value)
        except (TypeError, ValueError):
            return str(value)
    return write


def localized_numbers(frame: pd.DataFrame, column_config: dict | None, language: str):
    """(data, column_config) for st.dataframe with the number columns written in `language`: the data a Styler
    whose display values are the formatted numbers (or the frame itself when nothing needs it), the config
    without those columns' browser formats and with each one's width from its longest written number.
    Float columns without a format are written too (Streamlit writes them with a decimal point); whole-number
    columns without one, and "%d" columns (years, counts), are left as they are."""
    given = dict(column_config or {})
    formatters, config = {}, dict(given)
    if not frame.columns.is_unique or not frame.index.is_unique or frame.size > MAX_STYLED_CELLS:
        return frame, given
    for column in frame.columns:
        if not isinstance(column, str) or not pd.api.types.is_numeric_dtype(frame[column]) \
                or pd.api.types.is_bool_dtype(frame[column]):
            continue
        entry = given.get(column, {})
        if entry is None:
            continue
        entry = {"label": entry} if isinstance(entry, str) else dict(entry)
        type_config = dict(entry.get("type_config") or {})
        if type_config.get("type", "number") != "number":
            continue
        number_format = type_config.get("format")
        if number_format is None and not pd.api.types.is_float_dtype(frame[column]):
            continue
        formatter = number_formatter(number_format, language)
        if formatter is None:
            continue
        formatters[column] = _safe(formatter)
        type_config["format"] = None
        entry["type_config"] = {"type": "number", **type_config}
        if entry.get("width") is None:
            numbers = frame[column].dropna()
            sample = pd.concat([numbers.head(WIDTH_SAMPLE), numbers.nlargest(1), numbers.nsmallest(1)]).unique()
            written = [formatters[column](v) for v in sample]
            header = text_px(str(entry.get("label") or column), HEADER_PAD_PX)
            cells = max((text_px(w, CELL_PAD_PX) for w in written), default=0)
            entry["width"] = max(min(max(header, cells), MAX_NUMBER_PX), MIN_PX)
        config[column] = entry
    if not formatters:
        return frame, given
    # A Styler gives every cell a display text, which Streamlit shows for text, number and date cells without a
    # format of their own: missing values stay blank (not "None"/"nan") and dates read as Streamlit writes them.
    for column in frame.columns:
        if column not in formatters and pd.api.types.is_datetime64_any_dtype(frame[column]):
            formatters[column] = _safe(_date_writer(frame[column]))
    return frame.style.format(formatters, na_rep=""), config


def _date_writer(values: pd.Series) -> Callable[[object], str]:
    """Dates as Streamlit's date and datetime columns write them (ISO), a date without its midnight time."""
    times = values.dropna()
    dates_only = times.empty or bool((times == times.dt.normalize()).all())
    return (lambda v: pd.Timestamp(v).strftime("%Y-%m-%d")) if dates_only \
        else (lambda v: pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S"))


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
    data, column_config = localized_numbers(frame, column_config, lang())
    table = st.dataframe(data, key=key, column_config=fitted_columns(frame, column_config), **kwargs)
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
