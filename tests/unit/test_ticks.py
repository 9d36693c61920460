"""Chart ticks in the page's language (issue 17): ipmd.ticks, expected strings built from Babel's CLDR data and the
catalogue's unit words, never copied from the helper's output."""
from __future__ import annotations

import numpy as np
import pytest
from babel.numbers import format_compact_decimal, format_decimal, get_decimal_symbol

from ipmd import ticks
from ipmd.i18n import t


def short(value, lang):
    return format_compact_decimal(value, format_type="short", locale=lang, fraction_digits=1)


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_money_ticks_are_cldr_short_forms_in_the_unit_words_of_the_language(lang):
    axis = ticks.axis_ticks(0, 2.3e9, lang, "usd")
    assert axis["tickvals"] == [0, 5e8, 1e9, 1.5e9, 2e9, 2.5e9]
    assert axis["ticktext"][2] == t("unit.usd", lang, amount=short(1e9, lang))
    assert axis["ticktext"][3] == t("unit.usd", lang, amount=short(1.5e9, lang))
    assert all("G" not in text for text in axis["ticktext"])


def test_short_forms_differ_by_language_as_cldr_says():
    # CLDR's short compact forms: English "B", French "Md", Spanish writes thousands of millions as "M"
    assert short(2e9, "en") == "2B"
    assert short(2e9, "fr").replace("\xa0", " ") == "2 Md"
    assert short(2e9, "es").replace("\xa0", " ") == "2000 M"
    assert ticks.tick_label(2e9, "fr", "count") == short(2e9, "fr")
    assert ticks.tick_label(5e5, "es", "count") == short(5e5, "es")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_share_and_percent_ticks_use_the_languages_percent_form(lang):
    axis = ticks.axis_ticks(0, 0.27, lang, "share")
    assert axis["tickvals"] == [0, 0.1, 0.2, 0.3]
    assert axis["ticktext"][1] == t("unit.pct", lang, value="10")
    assert ticks.tick_label(2.5, lang, "pct") == t("unit.pct", lang, value=f"2{get_decimal_symbol(lang)}5")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_log_ticks_are_powers_of_ten_written_in_the_language(lang):
    axis = ticks.log_ticks(-2, 9.2, lang)
    assert axis["tickvals"] == list(range(-2, 11))
    assert axis["ticktext"][0] == format_decimal(0.01, locale=lang)          # "0,01" in French and Spanish
    assert axis["ticktext"][11] == short(1e9, lang)
    assert axis["ticktext"][5] == short(1e3, lang)


def test_nice_ticks_cover_the_range_on_a_one_two_five_step():
    assert ticks.nice_ticks(0, 7) == [0, 2, 4, 6, 8]
    assert ticks.nice_ticks(-3, 3) == [-4, -2, 0, 2, 4]
    assert ticks.nice_ticks(0, 0) == ticks.nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]   # an empty range: 0 to 1


def test_ticks_for_takes_nested_values_with_gaps_and_starts_at_zero():
    axis = ticks.ticks_for([[1e6, None], [float("nan"), 3.2e6]], "en", "count")
    assert axis["tickvals"][0] == 0 and axis["tickvals"][-1] >= 3.2e6
    assert ticks.ticks_for([[1.0], [2.0, 5.0, None]], "en", "count")["tickvals"] == [0, 1, 2, 3, 4, 5]   # ragged
    assert ticks.ticks_for([np.float64(4.0), np.array([[1.0, 2.0]])], "en", "count")["tickvals"][-1] == 4
    assert ticks.ticks_for([], "en")["tickvals"] == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_indicator_units_map_to_tick_units():
    assert ticks.indicator_unit("US$") == "usd"
    assert ticks.indicator_unit("%") == "pct"
    assert ticks.indicator_unit("persons") == "count"
