"""Values as people read them: formatted in the interface language, with year and source."""
from __future__ import annotations

import pandas as pd

from components.data import load
from components.provenance import source_label
from components.state import lang, tr
from ipmd import queries
from ipmd.i18n import fmt_compact, fmt_number, fmt_pct, fmt_usd
from ipmd.profiles.country import Figure

LEDGER_UNITS = {"project_funding_approved": "US$"}


def unit_of(indicator: str) -> str:
    if indicator in LEDGER_UNITS:
        return LEDGER_UNITS[indicator]
    catalogue = load(queries.indicators).set_index("indicator_id")
    return catalogue.loc[indicator, "unit"] if indicator in catalogue.index else ""


PER_100K = "per 100,000"     # the unit of a rate per 100,000 people (SDG 10.7.4) in the indicators table


# the units of the indicators table, as words of the interface language ("%" reads the same in every language)
UNIT_NAMES = {"persons": "unit.name.persons", PER_100K: "unit.name.per_100k", "US$": "unit.name.usd"}


def unit_name(unit: str) -> str:
    """An indicator's unit as the database holds it ('persons', 'per 100,000') in the interface language."""
    return tr(UNIT_NAMES[unit]) if unit in UNIT_NAMES else unit


def format_value(value, unit: str) -> str:
    if unit == "%":
        return fmt_pct(value, lang())
    if unit == "US$":
        return fmt_usd(value, lang())
    if unit == PER_100K:
        return tr("unit.per_100k", value=fmt_number(value, lang(), 1 if abs(value) < 1000 else 0))
    return fmt_compact(value, lang())


def value_labels(indicator: str, frame: pd.DataFrame) -> list[str]:
    """Hover texts for a frame of (value, year, source_id): the value, then its year and source.

    The unit and the source names are looked up once, not once per country.
    """
    unit = unit_of(indicator)
    names = {source_id: source_label(source_id, short=True) for source_id in frame["source_id"].unique()}
    return [f"{format_value(value, unit)}<br>{year} · {names[source_id]}"
            for value, year, source_id in zip(frame["value"], frame["year"], frame["source_id"])]


def figure_note(figure: Figure | None) -> str:
    if figure is None:
        return tr("common.no_data")
    return f"{figure.year} · {source_label(figure.source_id, short=True)}"


def country_frame(language: str) -> pd.DataFrame:
    """The countries table with a `name` column in `language`."""
    return load(queries.named_countries, language)
