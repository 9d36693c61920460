"""Page state that lives in the URL, so a link opens the same view; and the interface language."""
from __future__ import annotations

import math
from typing import Callable, Sequence

import streamlit as st

from components.text import link_values
from ipmd.i18n import DEFAULT_LANGUAGE, LANGUAGES, t


def lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, **values) -> str:
    """A message in the current interface language."""
    return t(key, lang(), **values)


# Every URL-bound widget keeps the same contract: the URL value wins when this widget did not write it
# (a shared link, or a link inside the app) or the widget has no state yet; a value that names nothing
# is returned as `rejected` (the page says so in plain words) and the default is used.
def _from_url(key: str) -> str | None:
    """The URL's value for `key` when this widget did not write it (or its state is gone), else None."""
    url_value = st.query_params.get(key)
    if url_value is not None and (url_value != st.session_state.get(f"_url_{key}") or key not in st.session_state):
        return url_value
    return None


def _choice_from_url(key: str, state_of: dict, default_state) -> str | None:
    """Put in the widget's state what the URL's value for `key` names (`state_of`: URL text -> state), or
    `default_state` when it names nothing. Returns the value that named nothing, else None."""
    url_value = _from_url(key)
    if url_value is None:
        return None
    if url_value in state_of:
        st.session_state[key] = state_of[url_value]
        return None
    st.session_state[key] = default_state
    return url_value


def _write_url(key: str, text: str | None) -> None:
    """Put the widget's value in the URL (None: remove it) and remember that this widget wrote it."""
    if text is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = text
    st.session_state[f"_url_{key}"] = text


def url_selectbox(label: str, options: Sequence, key: str, default=None, *,
                  format_func: Callable = str, container=None, always_in_url: bool = False, **widget_args):
    """A selectbox whose value is kept in the URL as ?key=<option>. Returns (value, rejected).

    The option itself goes in the URL, not its label, so `?country=PHL` works in every language.
    """
    return url_choice((container or st).selectbox, label, options, key, default, always_in_url=always_in_url,
                      format_func=format_func, **widget_args)


def url_record(area: str, ids: Sequence, key: str, *, format_func: Callable = str):
    """The record a record page shows (a project, a donor: ?key=<id>): a picker kept in the URL even while empty,
    the one warning for an id that names nothing (`<area>.unknown`), and None until one is chosen, with the
    page's invitation to choose (`<area>.choose`) drawn. Words: `<area>.pick`, `<area>.pick_placeholder`.

    No st.stop() on None: the sidebar's link then shows the view as it is, without the bad value."""
    value, rejected = url_selectbox(tr(f"{area}.pick"), ids, key=key, default=None, always_in_url=True,
                                    format_func=format_func, placeholder=tr(f"{area}.pick_placeholder"), index=None)
    if rejected:
        report_unknown(rejected, f"{area}.unknown", "id")
    if value is None:
        st.info(tr(f"{area}.choose"))
    return value


def url_multiselect(label: str, options: Sequence, key: str, *, format_func: Callable = str, container=None, **widget_args):
    """A multiselect kept in the URL as ?key=a,b,c (values that name no option are dropped and reported)."""
    container = container or st
    by_text = {str(option): option for option in options}
    url_value, rejected = _from_url(key), []
    if url_value is not None:
        wanted = [part for part in url_value.split(",") if part]
        rejected = [part for part in wanted if part not in by_text]
        st.session_state[key] = [by_text[part] for part in wanted if part in by_text]
    if key not in st.session_state:
        st.session_state[key] = []
    st.session_state[key] = [value for value in st.session_state[key] if value in options]
    values = container.multiselect(label, options, key=key, format_func=format_func, **widget_args)
    _write_url(key, ",".join(str(v) for v in values) or None)
    return values, rejected


def keep_in_url(key: str, value, default=None) -> None:
    """Write a value (already chosen by a widget) to the URL, or remove it when it is the default."""
    if value is None or value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)


def view_link_parts() -> tuple[str, dict[str, str]]:
    """The server's address of this page (scheme, host, path) and the view's URL parameters, as the browser has them."""
    return (st.context.url or "").split("?")[0], st.query_params.to_dict()


def share_link(slot) -> None:
    """'Copy link' in `slot`: the address of this exact view (page, country, year, filters, language)."""
    from urllib.parse import urlencode

    base, params = view_link_parts()
    link = f"{base}?{urlencode(params)}" if params else base
    with slot.popover(tr("share.button"), icon=":material/link:"):
        st.caption(tr("share.help"))
        st.code(link, language=None, wrap_lines=True)


def url_slider(label_text: str, key: str, default: float, *, min_value: float, max_value: float, step: float,
               container=None, **widget_args) -> tuple[float, str | None]:
    """A float slider kept in the URL as ?key=1.5 (removed at its default). Returns (value, rejected)."""
    container = container or st
    rejected, url_value = None, _from_url(key)
    if url_value is not None:
        try:
            number = float(url_value)
            if not (min_value <= number <= max_value) or not math.isfinite(number):
                raise ValueError(url_value)
            st.session_state[key] = round(round(number / step) * step, 6)
        except ValueError:
            rejected = url_value
            st.session_state[key] = float(default)
    if key not in st.session_state:
        st.session_state[key] = float(default)
    value = container.slider(label_text, float(min_value), float(max_value), step=float(step), key=key,
                             **widget_args)
    _write_url(key, None if value == default else f"{value:g}")
    return value, rejected


def url_toggle(label_text: str, key: str, default: bool = False, *, container=None,
               **widget_args) -> tuple[bool, str | None]:
    """A toggle kept in the URL as ?key=1 or ?key=0 (removed at its default). Returns (value, rejected)."""
    container = container or st
    rejected, url_value = None, _from_url(key)
    if url_value is not None:
        if url_value in ("1", "0", "true", "false"):
            st.session_state[key] = url_value in ("1", "true")
        else:
            rejected = url_value
            st.session_state[key] = default
    if key not in st.session_state:
        st.session_state[key] = default
    value = container.toggle(label_text, key=key, **widget_args)
    _write_url(key, None if value == default else ("1" if value else "0"))
    return value, rejected


def url_choice(widget: Callable, label_text: str, options: Sequence, key: str, default, *,
               always_in_url: bool = False, **widget_args):
    """A single choice (st.selectbox, st.segmented_control, st.pills, st.radio, st.select_slider...) kept in
    the URL as ?key=<option>, left out at the default unless `always_in_url`. Returns (value, rejected);
    a widget left empty gives the default."""
    rejected = _choice_from_url(key, {str(option): option for option in options}, default)
    if key not in st.session_state or st.session_state[key] not in (*options, None):
        st.session_state[key] = default
    value = widget(label_text, options, key=key, **widget_args)
    value = default if value is None else value
    _write_url(key, None if value is None or (value == default and not always_in_url) else str(value))
    return value, rejected


def url_tabs(labels: dict[str, str], key: str, default: str) -> tuple[dict, str, str | None]:
    """Tabs (`labels`: id -> label) whose open one is kept in the URL as ?key=<id>, left out at `default`.
    Only the open tab needs its content drawn: the others are hidden. Returns (containers by id, the open id,
    rejected). The open view's container is just below the tab bar, not inside its panel: a tab panel watches its
    content and, on every change, looks for a focusable element with a visibility check that makes the browser
    restyle the page while plotly draws (issue 18, browser CPU profiles: 0.3-0.5 s of each what-if tick, country
    switch and coverage map redraw)."""
    by_label = {label: tab_id for tab_id, label in labels.items()}
    rejected = _choice_from_url(key, labels, labels[default])       # a tab's state is its label
    if st.session_state.get(key) not in by_label:       # first visit, or the language changed the labels
        kept = st.query_params.get(key)
        st.session_state[key] = labels[kept if kept in labels else default]
    tabs = st.tabs(list(labels.values()), key=key, on_change="rerun")
    chosen = by_label[st.session_state[key]]
    _write_url(key, None if chosen == default else chosen)
    containers = dict(zip(labels, tabs))
    containers[chosen] = st.container()
    return containers, chosen, rejected


def url_year_range(label_text: str, first: int, last: int, *, keys: tuple[str, str] = ("from", "to"),
                   container=None, **widget_args) -> tuple[tuple[int, int], list[str]]:
    """A year-range slider kept in the URL as ?from=2010&to=2012 (each removed at its end of the range)."""
    container = container or st
    key = "period"
    rejected: list[str] = []
    if first >= last:            # a ledger of one year: a slider needs min < max, so the year is shown as text
        rejected = [text for k in keys if (text := st.query_params.get(k)) is not None and text != str(first)]
        for k in keys:
            _write_url(k, None)
        container.caption(tr("ledger.one_year", label=label_text, year=first))
        return (int(first), int(first)), rejected
    # the URL wins when it holds something this slider did not write, or when the slider has no state yet
    foreign = [st.query_params.get(k) != st.session_state.get(f"_url_{k}") for k in keys]
    if any(foreign) or key not in st.session_state:
        current = st.session_state.get(key, (first, last))
        chosen = list(current)
        for i, k in enumerate(keys):
            text = st.query_params.get(k)
            if text is None:
                continue
            try:
                year_value = int(text)
                if not first <= year_value <= last:
                    raise ValueError(text)
                chosen[i] = year_value
            except ValueError:
                rejected.append(text)
                chosen[i] = (first, last)[i]
        if chosen[0] > chosen[1]:
            rejected.append(f"{chosen[0]}>{chosen[1]}")
            chosen = [first, last]
        st.session_state[key] = tuple(chosen)
    value = container.slider(label_text, first, last, key=key, step=1, **widget_args)
    _write_url(keys[0], None if value[0] == first else str(value[0]))
    _write_url(keys[1], None if value[1] == last else str(value[1]))
    return (int(value[0]), int(value[1])), rejected


def report_unknown(values, key: str = "common.unknown_link_value", field: str = "value", container=st, **more) -> None:
    """The one way a page says that link values name nothing: the message `key` with the values as text (cut alike
    on every page, see components.text.link_values) in `field`; the page then shows its default view."""
    container.warning(tr(key, **{field: link_values(values)}, **more), icon=":material/help:")
