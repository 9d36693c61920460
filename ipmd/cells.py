"""Text for spreadsheet cells that a spreadsheet never reads as a formula (OWASP: CSV injection).

A CSV field or a text cell that starts with = + - @ (or a tab or carriage return, which some programs
skip before looking) is opened by Excel, LibreOffice and Google Sheets as a formula: a proposal title
`=HYPERLINK("http://…"&A2, "Details")` would send the row elsewhere when clicked. Every CSV and XLSX the
app writes passes its text through `safe_text` (or a whole frame through `safe_frame`): such text gets a
leading apostrophe, which spreadsheets show as text and do not display. Numbers, dates and booleans
are left as they are (a negative number is a number, not a formula); XLSX writers also get
`XLSX_TEXT_OPTIONS` so that no string is ever stored as a formula or a link.

The ledger importer strips that apostrophe again (`unquote`), so an exported ledger re-imports unchanged.
"""
from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
XLSX_TEXT_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def safe_text(value):
    """`value` with an apostrophe in front when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def unquote(value):
    """The text `safe_text` was given: one apostrophe removed before a formula start."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are safe_text; other cells unchanged."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_text)
    out.columns = [safe_text(c) for c in out.columns]
    return out
