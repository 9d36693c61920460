"""Text through Streamlit's markdown, with dollar signs kept literal (two 'US$' in one line would start LaTeX)."""
import streamlit as st


def literal(text: str) -> str:
    return text.replace("$", r"\$")


def markdown(text: str, container=st) -> None:
    container.markdown(literal(text))


def caption(text: str, container=st) -> None:
    container.caption(literal(text))
