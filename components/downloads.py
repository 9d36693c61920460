"""Download buttons that build their file only when clicked."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.state import tr


def csv_bytes(frame: pd.DataFrame, sources_note: str | None = None) -> bytes:
    """CSV in UTF-8 with a BOM (spreadsheets open it right); sources go in leading '#' lines."""
    text = frame.to_csv(index=False)
    if sources_note:
        text = "".join(f"# {line}\n" for line in sources_note.splitlines()) + text
    return ("\ufeff" + text).encode("utf-8")


def csv_download(frame: pd.DataFrame, file_name: str, key: str, sources_note: str | None = None,
                 label: str | None = None) -> None:
    st.download_button(label or tr("download.csv"), data=lambda: csv_bytes(frame, sources_note),
                       file_name=file_name, mime="text/csv", key=key, icon=":material/download:",
                       on_click="ignore")
