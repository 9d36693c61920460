"""Links to the page of one project or one donor, for any table, chart or text that names them.

Relative addresses (`project?project=IPMD-2009-004&lang=fr`), so they work under any server.baseUrlPath and keep
the interface language. In a table, put the link in a column and show it with `link_column(...)`: the cell
shows the id, a click opens the page.
"""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from components.state import lang
from ipmd.i18n import DEFAULT_LANGUAGE

PROJECT_PAGE = "project"       # the url_path of pages/project.py in app.py
DONOR_PAGE = "donor"           # the url_path of pages/donor.py


def _link(page: str, key: str, value: str, language: str | None) -> str:
    language = lang() if language is None else language
    params = {key: str(value)} | ({} if language == DEFAULT_LANGUAGE else {"lang": language})
    return f"{page}?{urlencode(params)}"


def project_link(project_id: str, language: str | None = None) -> str:
    """The project's page, in `language` (default: the page's own)."""
    return _link(PROJECT_PAGE, "project", project_id, language)


def donor_link(donor_id: str, language: str | None = None) -> str:
    """The donor's page, in `language` (default: the page's own)."""
    return _link(DONOR_PAGE, "donor", donor_id, language)


def link_column(label: str, key: str = "project", **kwargs):
    """A table column of links made by project_link / donor_link (key "project" or "donor") showing the id."""
    return st.column_config.LinkColumn(label, display_text=rf"[?&]{key}=([^&]+)", **kwargs)


def page_link(key: str, value: str, label: str, container=None) -> None:
    """A link to the project's or donor's page (key "project" or "donor") as `st.page_link` (it opens in the same
    tab, keeping the interface language); `label` is text (any Markdown in it is shown as written)."""
    from components.text import plain

    language = lang()
    params = {key: str(value)} | ({} if language == DEFAULT_LANGUAGE else {"lang": language})
    page = {"project": "pages/project.py", "donor": "pages/donor.py"}[key]
    (container or st).page_link(page, label=plain(label), query_params=params, icon=":material/open_in_new:")
