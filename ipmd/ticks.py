"""Chart axis and colour-bar tick labels in the page's language (issue 17).

Plotly writes ticks itself: `layout.separators` gives them the language's decimal and group signs, but its SI
suffixes ("2G", "500M", "200k") and a "US$" prefix stay the same in every language. These helpers compute the
ticks (`tickvals`) and their labels (`ticktext`) in Python instead, with CLDR's short compact forms through
Babel: "US$2B" (en), "2 Md $ US" (fr), "US$ 2000 M" (es); "500K" / "500 k" / "500 mil"; "15%" / "15 %".

An axis helper returns the properties to merge into a plotly axis (or colour bar) dict, e.g.
`{"yaxis": {**axis_ticks(0, top, lang, "usd"), "rangemode": "tozero"}}`. Ticks are laid over the data's extent
on a 1-2-5 step; ticks beyond the drawn range are simply not shown by plotly.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from babel.numbers import format_compact_decimal, format_decimal

from ipmd.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

UNITS = ("usd", "count", "share", "pct")   # US$ amounts, plain counts, shares 0..1, values already in percent
TARGET_TICKS = 5
INDICATOR_UNITS = {"US$": "usd", "%": "pct"}    # an indicator's unit (the indicators table) -> its ticks' unit


def indicator_unit(unit: str | None) -> str:
    """The tick unit for an indicator's unit as the database holds it ('US$', '%', 'persons', ...)."""
    return INDICATOR_UNITS.get(unit or "", "count")


def _language(lang: str) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=10_000)
def compact_short(value: float, lang: str) -> str:
    """A number in the language's short compact form (CLDR via Babel), one decimal at most:
    2e9 -> '2B' / '2 Md' / '2000 M'; 1.5e6 -> '1.5M' / '1,5 M' / '1,5 M'; small numbers as they are ('0,25')."""
    value = float(value) + 0.0            # + 0.0: no "-0"
    if abs(value) < 1000:                 # below a thousand, Babel's compact form rounds to whole numbers
        return format_decimal(round(value, 6), format="0.######", locale=_language(lang))
    return format_compact_decimal(value, format_type="short", locale=_language(lang), fraction_digits=1)


def tick_label(value: float, lang: str, unit: str = "count") -> str:
    """One tick's label: a US$ amount, a count, a share (0..1) or a value already in percent."""
    lang = _language(lang)
    if unit == "usd":
        text = t("unit.usd", lang, amount=compact_short(abs(value), lang))
        return ("−" + text) if value < 0 else text
    if unit == "share":
        return t("unit.pct", lang, value=compact_short(round(value * 100, 6), lang))
    if unit == "pct":
        return t("unit.pct", lang, value=compact_short(value, lang))
    if unit == "count":
        return compact_short(value, lang)
    raise ValueError(f"unknown tick unit {unit!r}: one of {UNITS}")


def nice_step(span: float, target: int = TARGET_TICKS) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about `target` ticks over `span`."""
    if not span > 0 or not math.isfinite(span):
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def nice_ticks(low: float, high: float, target: int = TARGET_TICKS) -> list[float]:
    """Tick values on a 1-2-5 step covering [low, high] (0 included when the range starts at 0)."""
    low, high = float(min(low, high)), float(max(low, high))
    if low == high:
        high = low + (abs(low) or 1.0)
    step = nice_step(high - low, target)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 12) + 0.0 for i in range(first, last + 1)]


def _flat(values):
    """Every number in `values` (numbers, arrays, lists of lists of any lengths), None left out."""
    if isinstance(values, (int, float, np.number)) and not isinstance(values, (bool, np.bool_)):
        yield values
    elif isinstance(values, (list, tuple)):
        for value in values:
            yield from _flat(value)
    elif hasattr(values, "tolist"):                 # arrays (any shape), Series
        yield from _flat(np.asarray(values).ravel().tolist())


def _extent(values) -> tuple[float, float]:
    array = np.asarray(list(_flat(values)), dtype=float)
    array = array[np.isfinite(array)]
    if not array.size:
        return 0.0, 1.0
    return float(min(array.min(), 0.0)), float(max(array.max(), 0.0))


def axis_ticks(low: float, high: float, lang: str, unit: str = "usd", target: int = TARGET_TICKS) -> dict:
    """The `tickvals`/`ticktext` of an axis or colour bar spanning [low, high], labelled in `lang`."""
    values = nice_ticks(low, high, target)
    return {"tickmode": "array", "tickvals": values, "ticktext": [tick_label(v, lang, unit) for v in values]}


def ticks_for(values, lang: str, unit: str = "usd", target: int = TARGET_TICKS) -> dict:
    """`axis_ticks` over the extent of `values` (any nested numbers; 0 always included: bars start there)."""
    low, high = _extent(values)
    return axis_ticks(low, high, lang, unit, target)


def log_ticks(low_exponent: float, high_exponent: float, lang: str, unit: str = "count") -> dict:
    """Ticks at the powers of ten between two exponents of a log10 scale (a colour bar of log10 values):
    `tickvals` are the exponents, `ticktext` the powers of ten in `lang` (0.01 -> '0,01'; 1e9 -> '1 Md')."""
    exponents = list(range(int(math.floor(low_exponent)), int(math.ceil(high_exponent)) + 1))
    return {"tickmode": "array", "tickvals": exponents,
            "ticktext": [tick_label(10.0 ** e, lang, unit) for e in exponents]}
