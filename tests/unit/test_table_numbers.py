"""Table numbers in the page's language (issue 17): components.tables.localized_numbers writes the number columns
of a table with Babel's CLDR forms instead of the browser's; the expected strings are built from Babel directly."""
from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st
from babel.numbers import format_decimal

from components.tables import localized_numbers, number_formatter
from ipmd.i18n import t, usd_column_format

FRAME = pd.DataFrame({"share": [0.125, 0.0004], "amount": [1234567.0, 5.0], "year": [2020, 2021],
                      "people": [1234567.0, 2.5], "name": ["a", None]})


def config(lang):
    return {"share": st.column_config.NumberColumn("Share", format="percent"),
            "amount": st.column_config.NumberColumn("Amount", format=usd_column_format(lang)),
            "year": st.column_config.NumberColumn("Year", format="%d")}


def displayed(styler) -> pd.DataFrame:
    """The display texts a Styler gives each cell (what Streamlit shows)."""
    body = styler._translate(False, False)["body"]
    return pd.DataFrame([[cell["display_value"] for cell in row[1:]] for row in body],
                        columns=styler.data.columns)


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_percent_money_and_plain_numbers_are_written_in_the_language(lang):
    styler, cfg = localized_numbers(FRAME, config(lang), lang)
    shown = displayed(styler)
    assert shown.loc[0, "share"] == t("unit.pct", lang, value=format_decimal(12.5, format="0.0", locale=lang))
    grouped = format_decimal(1234567, format="#,##0", locale=lang)        # 1,234,567 / 1 234 567 / 1.234.567
    assert shown.loc[0, "amount"] == t("unit.usd", lang, amount=grouped)
    assert shown.loc[0, "people"] == grouped
    assert shown.loc[1, "people"] == format_decimal(2.5, format="0.0", locale=lang)
    assert list(shown["year"]) == ["2020", "2021"]                          # years are never grouped
    assert shown.loc[1, "name"] == ""                                       # a missing text stays blank
    # the browser's formats are gone from the columns written here, and the data stay numbers: they sort by value
    assert cfg["share"]["type_config"]["format"] is None and cfg["amount"]["type_config"]["format"] is None
    assert cfg["year"]["type_config"]["format"] == "%d"
    assert styler.data["share"].dtype.kind == "f" and styler.data["amount"].dtype.kind == "f"


def test_french_and_spanish_forms_are_the_cldr_ones():
    shown_fr = displayed(localized_numbers(FRAME, config("fr"), "fr")[0])
    shown_es = displayed(localized_numbers(FRAME, config("es"), "es")[0])
    assert shown_fr.loc[0, "share"].replace("\u202f", " ") == "12,5 %"
    assert shown_fr.loc[0, "people"].replace("\u202f", " ") == "1 234 567"
    assert shown_es.loc[0, "people"] == "1.234.567"


def test_a_small_share_keeps_two_significant_digits():
    assert number_formatter("percent", "en")(0.0004) == "0.040%"


@pytest.mark.parametrize("fmt", ["%.1f", "%.2f%%", "localized", "dollar", "compact", "%g", None])
def test_every_browser_format_has_a_writer(fmt):
    assert number_formatter(fmt, "fr") is not None


def test_formats_that_read_the_same_everywhere_are_left_to_streamlit():
    assert number_formatter("%d", "fr") is None
    frame = pd.DataFrame({"year": [2020, 2021]})
    data, cfg = localized_numbers(frame, {"year": st.column_config.NumberColumn(format="%d")}, "fr")
    assert data is frame


def test_a_big_table_keeps_streamlits_formats():
    frame = pd.DataFrame({"x": [0.5] * 30_000})
    given = {"x": st.column_config.NumberColumn(format="percent")}
    data, cfg = localized_numbers(frame, given, "fr")
    assert data is frame and cfg["x"]["type_config"]["format"] == "percent"
