"""Download buttons that build their file only when clicked."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from components.data import connection
from components.state import lang, tr
from ipmd import gis
from ipmd.cells import safe_frame


def csv_bytes(frame: pd.DataFrame, sources_note: str | None = None) -> bytes:
    """CSV in UTF-8 with a BOM (spreadsheets open it right); sources go in leading '#' lines; text that a
    spreadsheet would read as a formula is quoted (ipmd.cells)."""
    text = safe_frame(frame).to_csv(index=False)
    if sources_note:
        text = "".join(f"# {line}\n" for line in sources_note.splitlines()) + text
    return ("\ufeff" + text).encode("utf-8")


def csv_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, key: str,
                 sources_note: str | Callable[[pd.DataFrame], str] | None = None, label: str | None = None) -> None:
    """A button that downloads `frame` as CSV. `frame` may be a function that returns it, and `sources_note`
    a function of the frame: then nothing is read until someone clicks."""
    def data() -> bytes:
        table = frame() if callable(frame) else frame
        return csv_bytes(table, sources_note(table) if callable(sources_note) else sources_note)

    st.download_button(label or tr("download.csv"), data=data, file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore")


def map_downloads(build: Callable[..., object], file_stem: str, key: str, layer_name: str = "ipmd",
                  help_key: str = "gis.download.help") -> None:
    """What a map shows, with its shapes, as GeoPackage and GeoJSON for QGIS or ArcGIS: `build(con, lang)` returns
    the GeoDataFrame (ipmd.gis), called only when someone clicks (the language is the page's, read now: Streamlit
    calls the function outside the script run)."""
    language = lang()

    def data(fmt: str) -> Callable[[], bytes]:
        return lambda: gis.to_bytes(build(connection(), language), fmt, layer_name)

    row = st.container(horizontal=True)
    for fmt, (_, mime) in gis.FORMATS.items():
        row.download_button(tr(f"gis.download.{fmt}"), data=data(fmt), file_name=f"{file_stem}.{fmt}", mime=mime,
                            key=f"{key}_{fmt}", icon=":material/public:", on_click="ignore",
                            help=tr(help_key))
