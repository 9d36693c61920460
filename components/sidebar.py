"""The sidebar every page shares: language, year and the data edition (the navigation is Streamlit's own: app.py)."""
from __future__ import annotations

import streamlit as st

from components.state import lang, tr, url_selectbox
from ipmd.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES

# components.data and ipmd.profiles.country (pandas, DuckDB) are imported where used: app.py sends the navigation
# and the language picker before they are loaded (a cold start's first run).


def browser_language() -> str:
    """The browser's language when the app speaks it ("fr-CA" -> "fr"), else the default."""
    locale = (st.context.locale or "").split("-")[0].lower()
    return locale if locale in LANGUAGES else DEFAULT_LANGUAGE


def language_picker() -> str:
    """A first open speaks the browser's language; a link's ?lang= wins. The language stays in the URL whenever
    it is not the app's default for everyone, so a shared link opens in it whatever the reader's browser."""
    default = browser_language()
    value, _ = url_selectbox("Language · Langue · Idioma", LANGUAGES, key="lang", default=default,
                             format_func=LANGUAGE_NAMES.get, container=st.sidebar,
                             always_in_url=default != DEFAULT_LANGUAGE)
    return value


# What the sidebar year selects on each page (by its url_path; "" is the overview, the default page)
YEAR_MEANING = {"": "overview", "country": "country", "compare": "compare", "coverage": "coverage", "funds": "funds",
                "allocation": "allocation"}


def year_picker(page: str | None = None) -> int:
    from components.data import load
    from ipmd.profiles.country import stock_years

    years = load(stock_years)
    value, _ = url_selectbox(tr("sidebar.year"), years, key="year", default=years[-1], container=st.sidebar,
                             help=tr("sidebar.year_help"))
    if page is not None:
        st.sidebar.caption(tr(f"figures.year_on.{YEAR_MEANING.get(page, 'other')}"))
    return value


def edition_note() -> None:
    from components.data import meta

    info = meta()
    # the database states its edition in English: other languages point to the sources' own editions instead
    edition = info.get("data_edition", "?") if lang() == DEFAULT_LANGUAGE else tr("shell.editions")
    st.sidebar.caption(tr("sidebar.edition", edition=edition, built=info.get("built_at", "?")[:10]))
    if info.get("ledger_kind", "illustrative") == "illustrative":
        st.sidebar.caption(tr("sidebar.ledger_illustrative"))


def year() -> int:
    """The year chosen in the sidebar (the latest with data until someone picks another)."""
    if st.session_state.get("year"):
        return st.session_state["year"]
    from components.data import load
    from ipmd.profiles.country import stock_years

    return load(stock_years)[-1]

