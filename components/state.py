"""Page state that lives in the URL, so a link opens the same view; and the interface language."""
from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from ipmd.i18n import DEFAULT_LANGUAGE, LANGUAGES, t


def lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, **values) -> str:
    """A message in the current interface language."""
    return t(key, lang(), **values)


def _set_from_outside(key: str, url_value: str | None) -> bool:
    """True when the URL carries a value this widget did not write (or the widget state is gone)."""
    return url_value is not None and (
        url_value != st.session_state.get(f"_url_{key}") or key not in st.session_state)


def url_selectbox(label: str, options: Sequence, key: str, default=None, *,
                  format_func: Callable = str, container=None, always_in_url: bool = False, **widget_args):
    """A selectbox whose value is kept in the URL as ?key=<option>.

    Returns (value, rejected): `rejected` is the URL value when it named no option (the caller says so
    in plain words), else None. The option itself goes in the URL, not its label, so `?country=PHL`
    works in every language.
    """
    container = container or st
    by_text = {str(option): option for option in options}
    url_value = st.query_params.get(key)
    rejected = None
    if _set_from_outside(key, url_value):
        # a shared link, or a link inside the app
        if url_value in by_text:
            st.session_state[key] = by_text[url_value]
        else:
            rejected = url_value
            st.session_state[key] = None if default is None else default
    if key not in st.session_state or (st.session_state[key] not in options and st.session_state[key] is not None):
        st.session_state[key] = default
    value = container.selectbox(label, options, key=key, format_func=format_func, **widget_args)
    if value is None or (value == default and not always_in_url):
        st.query_params.pop(key, None)
        st.session_state[f"_url_{key}"] = None
    else:
        st.query_params[key] = str(value)
        st.session_state[f"_url_{key}"] = str(value)
    return value, rejected


def url_multiselect(label: str, options: Sequence, key: str, *, format_func: Callable = str, container=None, **widget_args):
    """A multiselect kept in the URL as ?key=a,b,c (values that name no option are dropped and reported)."""
    container = container or st
    by_text = {str(option): option for option in options}
    url_value = st.query_params.get(key)
    rejected = []
    if _set_from_outside(key, url_value):
        wanted = [part for part in url_value.split(",") if part]
        rejected = [part for part in wanted if part not in by_text]
        st.session_state[key] = [by_text[part] for part in wanted if part in by_text]
    if key not in st.session_state:
        st.session_state[key] = []
    st.session_state[key] = [value for value in st.session_state[key] if value in options]
    values = container.multiselect(label, options, key=key, format_func=format_func, **widget_args)
    text = ",".join(str(v) for v in values)
    if text:
        st.query_params[key] = text
    else:
        st.query_params.pop(key, None)
    st.session_state[f"_url_{key}"] = text or None
    return values, rejected


def keep_in_url(key: str, value, default=None) -> None:
    """Write a value (already chosen by a widget) to the URL, or remove it when it is the default."""
    if value is None or value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)


def share_link(slot) -> None:
    """'Copy link' in `slot`: the address of this exact view (page, country, year, filters, language)."""
    from urllib.parse import urlencode

    base = (st.context.url or "").split("?")[0]
    params = st.query_params.to_dict()
    link = f"{base}?{urlencode(params)}" if params else base
    with slot.popover(tr("share.button"), icon=":material/link:"):
        st.caption(tr("share.help"))
        st.code(link, language=None, wrap_lines=True)
