"""The country picker: a list filtered by the start of the name as one types ("Moro" lists Morocco alone, so
ArrowDown then Enter opens it), and, on Enter, whatever was typed looked for in every way a visitor may name a
country (ipmd.profiles.country_search): part of a name ("kingdom"), a name in another of the app's languages ("Maroc" on an
English page), an ISO code ("MAR"), without accents ("cote"). The country is kept in the URL (?country=MAR)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.labels import country_frame
from components.state import lang, tr, url_selectbox
from components.text import link_values, plain
from ipmd.profiles import country_search
from ipmd.i18n import LANGUAGES


def _names(language: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(ISO3 -> name in `language`, ISO3 -> its names in the other languages)."""
    frames = {code: country_frame(code) for code in LANGUAGES}
    own = dict(zip(frames[language]["iso3"], frames[language]["name"]))
    others: dict[str, list[str]] = {iso3: [] for iso3 in own}
    for code, frame in frames.items():
        if code != language:
            for iso3, name in zip(frame["iso3"], frame["name"]):
                others.setdefault(iso3, []).append(name)
    return own, others


def resolve_typed(typed: str, key: str, options: list[str]) -> tuple[str | None, list[str]]:
    """Put in the picker's state the country `typed` names (sent by Enter as a new option), or the country shown
    before when it names none or several. Returns (the country found or None, the candidates when several)."""
    own, others = _names(lang())
    found, tied = country_search.best(typed, {i: own[i] for i in options if i in own}, others)
    before = st.session_state.get(f"_url_{key}")
    st.session_state[key] = found if found is not None else (before if before in options else None)
    return found, tied


def country_picker(names: pd.DataFrame, *, key: str = "country") -> tuple[str | None, str | None]:
    """The picker over `names` (iso3, name in the page's language). Returns (the ISO3 chosen or None, the URL
    value that named nothing, or None)."""
    options = names.sort_values("name")["iso3"].tolist()
    label_of = dict(zip(names["iso3"], names["name"]))
    typed = st.session_state.get(key)
    problem = None
    if isinstance(typed, str) and typed not in label_of:
        found, tied = resolve_typed(typed, key, options)
        if found is None:
            problem = (typed, tied)
    iso3, rejected = url_selectbox(tr("profile.pick"), options, key=key, default=None, always_in_url=True,
                                   format_func=lambda code: f"{label_of.get(code, code)} ({code})",
                                   placeholder=tr("profile.pick_placeholder"), index=None, filter_mode="prefix",
                                   accept_new_options=True, help=tr("screens17.picker.help"))
    if problem:
        text, tied = problem
        if tied:
            shown = ", ".join(f"{label_of[i]} ({i})" for i in tied[:8]) + (", …" if len(tied) > 8 else "")
            st.info(tr("screens17.picker.several", n=len(tied), text=link_values(text), names=plain(shown)),
                    icon=":material/search:")
        else:
            st.warning(tr("screens17.picker.none", text=link_values(text)), icon=":material/search_off:")
    return iso3, rejected
