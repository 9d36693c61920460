"""Where each figure comes from, said on screen; and the illustrative-data notice."""
from __future__ import annotations

import streamlit as st

from components.data import sources
from components.state import tr
from components.text import caption, literal


def source_label(source_id: str, short: bool = False) -> str:
    """'UN DESA Population Division, International Migrant Stock 2024: ... (IMS 2024)'; short: publisher and edition."""
    table = sources()
    if source_id not in table.index:
        return source_id
    row = table.loc[source_id]
    if short:
        return f"{row['publisher']}, {row['edition']}"
    return f"{row['publisher']}, {row['title']} ({row['edition']})"


def caption_sources(*source_ids: str, year: int | None = None) -> None:
    labels = "; ".join(dict.fromkeys(source_label(s) for s in source_ids if s))
    if year is not None:
        caption(tr("source.with_year", sources=labels, year=year))
    else:
        caption(tr("source.plain", sources=labels))


def illustrative_notice(is_illustrative: bool = True) -> None:
    """Say plainly that the fund figures on this page are a generated demonstration, not real data."""
    if is_illustrative:
        st.warning(literal(tr("notice.illustrative")), icon=":material/science:")
