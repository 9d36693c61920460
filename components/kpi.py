"""A row of headline figures, each with its year and source underneath."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.text import caption, literal


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    note: str = ""        # year and source, or a definition
    help: str | None = None


def kpi_row(kpis: list[Kpi], columns: int | None = None) -> None:
    cols = st.columns(columns or len(kpis))
    for i, kpi in enumerate(kpis):
        with cols[i % len(cols)]:
            with st.container(border=True):
                st.metric(kpi.label, kpi.value, help=kpi.help and literal(kpi.help))
                if kpi.note:
                    caption(kpi.note)
