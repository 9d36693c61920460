"""Where each figure comes from, said on screen; and the illustrative-data notice."""
from __future__ import annotations

import streamlit as st

from components.data import sources, version
from components.state import lang, tr
from ipmd.i18n import catalog
from components.text import caption, literal


@st.cache_resource(show_spinner=False, max_entries=12)
def _labels(data_version: str, language: str) -> dict[str, tuple[str, str]]:
    """(full, short) label of every source in the database `data_version`, its publisher and title in `language`
    where the catalogue has them (keys source.<id>.title / .publisher), else as the database holds them."""
    words = catalog(language)
    out = {}
    for source_id, row in sources().iterrows():
        publisher = words.get(f"source.{source_id}.publisher", row.publisher)
        title = words.get(f"source.{source_id}.title", row.title)
        out[source_id] = (f"{publisher}, {title} ({row.edition})", f"{publisher}, {row.edition}")
    return out


def source_label(source_id: str, short: bool = False) -> str:
    """'UN DESA Population Division, International Migrant Stock 2024: ... (IMS 2024)'; short: publisher and edition."""
    labels = _labels(version(), lang()).get(source_id)
    if labels is None:
        return source_id
    return labels[1] if short else labels[0]


def sources_text(*source_ids: str, year: int | None = None) -> str:
    """'Source: <publisher, title (edition)>; <year>.': the line under a figure (and drawn into a saved chart)."""
    labels = "; ".join(dict.fromkeys(source_label(s) for s in source_ids if s))
    if year is not None:
        return tr("source.with_year", sources=labels, year=year)
    return tr("source.plain", sources=labels)


def caption_sources(*source_ids: str, year: int | None = None) -> None:
    caption(sources_text(*source_ids, year=year))


def illustrative_notice(is_illustrative: bool = True) -> None:
    """Say plainly that the fund figures on this page are a generated demonstration, not real data."""
    if is_illustrative:
        st.warning(literal(tr("notice.illustrative")), icon=":material/science:")
