"""Where each figure comes from, said on screen; and the illustrative-data notice."""
from __future__ import annotations

import streamlit as st

from components.data import sources, version
from components.state import tr
from components.text import caption, literal


@st.cache_resource(show_spinner=False, max_entries=4)
def _labels(data_version: str) -> dict[str, tuple[str, str]]:
    """(full, short) label of every source in the database `data_version`."""
    return {source_id: (f"{row.publisher}, {row.title} ({row.edition})", f"{row.publisher}, {row.edition}")
            for source_id, row in sources().iterrows()}


def source_label(source_id: str, short: bool = False) -> str:
    """'UN DESA Population Division, International Migrant Stock 2024: ... (IMS 2024)'; short: publisher and edition."""
    labels = _labels(version()).get(source_id)
    if labels is None:
        return source_id
    return labels[1] if short else labels[0]


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
