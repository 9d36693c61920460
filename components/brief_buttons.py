"""Briefing documents for delegates: a country brief (PDF, PPTX) and a meeting pack of several countries.

Each file is built only when its button is clicked (st.download_button with a callable), on a thread of
its own, and cached on (function, iso3, year, language, database content hash) by components.data.load,
so a second click, or another delegate asking for the same brief, gets it at once.

    brief_downloads(iso3, year, lang)   # on the country profile, under the headline figures or at the end
    meeting_pack_picker(year, lang)     # anywhere: a multiselect of countries (kept in the URL as ?pack=)
"""
from __future__ import annotations

import streamlit as st

from components.data import load
from components.labels import country_frame
from components.state import report_unknown, tr, url_multiselect
from ipmd.documents import pack, pdf, slides

PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _country_pdf(iso3: str, year: int, lang: str) -> bytes:
    return load(pdf.country_brief_pdf, iso3, int(year), lang)


def _country_pptx(iso3: str, year: int, lang: str) -> bytes:
    return load(slides.country_brief_pptx, iso3, int(year), lang)


def _meeting_pack(codes: tuple[str, ...], year: int, lang: str) -> bytes:
    return load(pack.meeting_pack_pdf, tuple(codes), int(year), lang)


def brief_downloads(iso3: str, year: int, lang: str, *, heading: bool = True) -> None:
    """Two buttons: the country brief as PDF and as slides, in `lang`, for figures up to `year`.

    `heading=False` leaves out the 'Briefing documents' subheader (to sit under one of the page's own)."""
    names = country_frame(lang).set_index("iso3")["name"]
    name = names.get(iso3, iso3)
    if heading:
        st.subheader(tr("brief.download.title"))
    st.caption(tr("brief.download.help", country=name))
    stem = f"ipmd_brief_{iso3}_{int(year)}_{lang}"
    left, right = st.columns(2)
    left.download_button(tr("brief.download.pdf"), data=lambda: _country_pdf(iso3, year, lang),
                         file_name=f"{stem}.pdf", mime=PDF, key="brief_pdf", on_click="ignore",
                         icon=":material/picture_as_pdf:", type="primary", width="stretch")
    right.download_button(tr("brief.download.pptx"), data=lambda: _country_pptx(iso3, year, lang),
                          file_name=f"{stem}.pptx", mime=PPTX, key="brief_pptx", on_click="ignore",
                          icon=":material/slideshow:", help=tr("brief.download.pptx_help"), width="stretch")


def meeting_pack_picker(year: int, lang: str) -> list[str]:
    """Pick countries (kept in the URL as ?pack=MAR,PHL) and download one PDF: a comparison table, then a
    brief per country in the order picked. Returns the codes picked."""
    frame = country_frame(lang).sort_values("name")
    label_of = dict(zip(frame["iso3"], frame["name"]))
    chosen, rejected = url_multiselect(tr("brief.pack.pick"), frame["iso3"].tolist(), key="pack",
                                       format_func=lambda code: label_of.get(code, code),
                                       help=tr("brief.pack.pick_help"),
                                       placeholder=tr("brief.pack.pick_placeholder"))
    if rejected:
        report_unknown(rejected, "profile.unknown", "code")
    too_many = len(chosen) > pack.MAX_PACK_COUNTRIES
    if too_many:
        st.warning(tr("brief.pack.limit", n=pack.MAX_PACK_COUNTRIES))
    elif not chosen:
        st.caption(tr("brief.pack.empty"))
    codes = tuple(chosen)
    st.download_button(tr("brief.pack.button"), data=lambda: _meeting_pack(codes, year, lang),
                       file_name=f"ipmd_meeting_pack_{int(year)}_{lang}.pdf", mime=PDF, key="brief_pack",
                       on_click="ignore", icon=":material/library_books:", disabled=not codes or too_many)
    return list(chosen)
