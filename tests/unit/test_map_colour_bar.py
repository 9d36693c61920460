"""The world map's colour bar in the page's language (issue 17): log-scale ticks at the powers of ten and linear
ticks written with CLDR's forms (Babel), never plotly's "0.01" / "1B" in French or Spanish."""
from __future__ import annotations

import pandas as pd
import pytest
from babel.numbers import format_compact_decimal, format_decimal

from components import maps
from ipmd.i18n import t

COUNTRIES = pd.DataFrame({"iso3": ["MAR", "PHL", "TON"], "name": ["Maroc", "Philippines", "Tonga"],
                          "is_small_state": [False, False, True], "label_lon": [-7.0, 122.0, -175.2],
                          "label_lat": [31.8, 12.9, -21.2]})


def values(*numbers):
    return pd.DataFrame({"iso3": ["MAR", "PHL", "TON"][:len(numbers)], "value": numbers,
                         "label": [str(n) for n in numbers]})


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_log_colour_bar_writes_powers_of_ten_in_the_language(lang):
    fig = maps.world_choropleth(values(0.02, 3.5e9), COUNTRIES, colorbar_title="x", log_scale=True, lang=lang)
    bar = fig.layout.coloraxis.colorbar
    assert list(bar.tickvals) == list(range(-2, 11))        # 10^-2 .. 10^10 around log10(0.02) and log10(3.5e9)
    assert bar.ticktext[0] == format_decimal(0.01, locale=lang)
    assert bar.ticktext[11] == format_compact_decimal(1e9, format_type="short", locale=lang)
    assert bar.ticktext[5] == format_compact_decimal(1e3, format_type="short", locale=lang)


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_a_linear_money_colour_bar_writes_amounts_in_the_language(lang):
    fig = maps.world_choropleth(values(2e6, 9e6), COUNTRIES, colorbar_title="x", unit="usd", lang=lang)
    bar = fig.layout.coloraxis.colorbar
    assert bar.tickvals[0] <= 2e6 and bar.tickvals[-1] >= 9e6
    for value, text in zip(bar.tickvals, bar.ticktext):
        assert text == t("unit.usd", lang, amount=format_compact_decimal(value, format_type="short", locale=lang,
                                                                          fraction_digits=1))


def test_no_values_no_ticks():
    fig = maps.world_choropleth(values(), COUNTRIES, colorbar_title="x", lang="fr")
    assert fig.layout.coloraxis.colorbar.tickvals is None
