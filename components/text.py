"""Text through Streamlit's markdown, with dollar signs kept literal (two 'US$' in one line would start LaTeX),
and text from data or links shown as itself, never as Markdown."""
import re

import streamlit as st

# every ASCII punctuation character CommonMark lets a backslash escape, except the apostrophe and
# quotes (harmless, and common in names); ':' and '.' too, so 'http://' and 'www.' never become links
_MARKDOWN_PUNCTUATION = re.compile(r"""([\\`*_{}\[\]()<>#+\-.!|~$:=&%^/@;,?])""")


def literal(text: str) -> str:
    return re.sub(r"(?<!\\)\$", r"\$", text)          # a '$' plain() has escaped already stays as it is


def plain(value) -> str:
    """`value` (a title, an objective, a name, a URL parameter...) as text inside Markdown: every Markdown
    character escaped, so `![x](http://…)`, `[Sign in](http://…)`, `<img src=…>` or a bare address stay
    text: no image is fetched, no link is made. Line breaks are kept."""
    text = "" if value is None else str(value)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text).replace("\n", "  \n")


def markdown(text: str, container=st) -> None:
    container.markdown(literal(text))


def caption(text: str, container=st) -> None:
    container.caption(literal(text))
