"""Text through Streamlit's markdown, with dollar signs kept literal (two 'US$' in one line would start LaTeX),
and text from data or links shown as itself, never as Markdown."""
import re

import streamlit as st

# every ASCII punctuation character CommonMark lets a backslash escape, except the apostrophe and
# quotes (harmless, and common in names)
_MARKDOWN_PUNCTUATION = re.compile(r"""([\\`*_{}\[\]()<>#+\-.!|~$:=&%^/@;,?])""")
# Streamlit's Markdown (GitHub's extensions) links a bare address even when its punctuation is escaped:
# an invisible word joiner (U+2060) after 'http:', 'www' and '@' (the starts of GitHub's autolink literals)
# stops that and changes nothing on screen
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|xmpp):|\bwww|@)")
WORD_JOINER = "\u2060"


def literal(text: str) -> str:
    return re.sub(r"(?<!\\)\$", r"\$", text)          # a '$' plain() has escaped already stays as it is


def plain(value) -> str:
    """`value` (a title, an objective, a name, a URL parameter...) as text inside Markdown: every Markdown
    character escaped, so `![x](http://…)`, `[Sign in](http://…)`, `<img src=…>` or a bare address stay
    text: no image is fetched, no link is made. Line breaks are kept."""
    text = _AUTOLINK.sub(lambda m: m.group(1) + WORD_JOINER, "" if value is None else str(value))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text).replace("\n", "  \n")


LINK_VALUE_CHARS = 40     # a link value that names nothing is quoted up to this length
LINK_VALUES_SHOWN = 5


def link_values(values) -> str:
    """Link values that name nothing, as every page reports them: each cut at LINK_VALUE_CHARS characters, at most
    LINK_VALUES_SHOWN of them, as text (never Markdown)."""
    items = [values] if isinstance(values, str) else [str(v) for v in values]
    cut = [v if len(v) <= LINK_VALUE_CHARS else v[:LINK_VALUE_CHARS] + "…" for v in items[:LINK_VALUES_SHOWN]]
    return plain(", ".join(cut) + (", …" if len(items) > LINK_VALUES_SHOWN else ""))


def markdown(text: str, container=st) -> None:
    container.markdown(literal(text))


def caption(text: str, container=st) -> None:
    container.caption(literal(text))
