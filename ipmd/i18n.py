"""Interface language: message files per language and area (ipmd/locales/<lang>/<area>.json), Babel formatting.

Messages use str.format placeholders: t("profile.unknown", "fr", code="XYZ").
"""
from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, get_group_symbol

LANGUAGES = ("en", "fr", "es")
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"


@dataclass(frozen=True)
class Message:
    """A sentence the core hands to the interface: a message key and its raw values (numbers, ids),
    formatted and translated there, in the reader's language."""
    key: str
    values: dict = field(default_factory=dict)


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language; a key defined in two area files is an error."""
    messages: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        clash = messages.keys() & part.keys()
        if clash:
            raise ValueError(f"{path}: keys defined twice: {sorted(clash)}")
        messages.update(part)
    return messages


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The message `key` in `lang`, falling back to English (a test makes sure no language lacks a key).

    A message held as plural forms (`key.one`, `key.other`...) takes the form of its count {n}: see plural()."""
    if key not in catalog(DEFAULT_LANGUAGE) and f"{key}.other" in catalog(DEFAULT_LANGUAGE) and "n" in values:
        return plural(key, values.pop("n"), lang, **values)
    text = catalog(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE)[key]
    return text.format(**values) if values else text


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value, lang: str, digits: int = 0) -> str:
    if _missing(value):
        return "–"
    return _formatted(round(float(value), digits) + 0.0, lang, digits)   # + 0.0: no "-0"


# CLDR's minimumGroupingDigits, which Babel does not apply: Spanish writes 3512 but 35.120.
MIN_GROUPING_DIGITS = {"es": 2}


@lru_cache(maxsize=100_000)
def _formatted(value: float, lang: str, digits: int) -> str:
    # Babel takes ~0.1 ms a number, and a page formats the same few hundred amounts on every rerun
    grouped = abs(value) >= 10 ** (2 + MIN_GROUPING_DIGITS.get(lang, 1))
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


_SCALES = ((1e9, "unit.billion"), (1e6, "unit.million"))


def fmt_compact(value, lang: str, digits: int = 1) -> str:
    """304021813 -> '304.0 million' (en), '304,0 millions' (fr), '304,0 millones' (es); below a million, in full."""
    if _missing(value):
        return "–"
    for size, key in _SCALES:
        if abs(value) >= size:
            if abs(round(value / size, digits)) < 2 and f"{key}.one" in catalog(lang):
                key = f"{key}.one"  # French: 1,5 million, but 2,0 millions
            return t(key, lang, value=fmt_number(value / size, lang, digits))
    return fmt_number(value, lang)


def fmt_usd(value, lang: str, digits: int = 1, compact: bool = True) -> str:
    """US$1.2 billion (compact) or US$3,512 (exact); a negative amount reads −US$1.4 million."""
    if _missing(value):
        return "–"
    amount = fmt_compact(abs(value), lang, digits) if compact else fmt_number(abs(value), lang)
    return ("−" if value < 0 else "") + t("unit.usd", lang, amount=amount)


def usd_column_format(lang: str) -> str:
    """A printf format for a table column of US$ amounts (Streamlit's NumberColumn, which formats with sprintf-js):
    whole dollars grouped as in `lang`, worded as fmt_usd words them: US$13,200,000 / 13 200 000 $ US /
    US$ 13.200.000. The column stays numeric, so it sorts by amount; Streamlit's named formats ("compact",
    "dollar", "localized") follow the browser's locale, not the page's language, and sprintf has no decimal
    comma, hence whole dollars. In sprintf-js, %'X,d groups thousands with the character X."""
    return t("unit.usd", lang, amount=f"%'{get_group_symbol(lang)},d")


def fmt_pct(value, lang: str, digits: int = 1, significant: int = 0) -> str:
    """A value already expressed in percent (48.03 -> '48.0%' / '48,0 %'). With `significant`, a small share keeps
    that many significant digits (0.0466 -> '0.047%' with 2, where one decimal would read '0.0%')."""
    if _missing(value):
        return "–"
    if significant and 0 < abs(value) < 10 ** (significant - digits - 1):
        digits = min(significant - 1 - math.floor(math.log10(abs(value))), 6)
    return t("unit.pct", lang, value=fmt_number(value, lang, digits))


def plural_form(n, lang: str) -> str:
    """The CLDR plural category of the number n in `lang`: 'one', 'many' or 'other' (French: 0 and 1 are 'one')."""
    return Locale.parse(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).plural_form(abs(n))


def plural(key: str, n, lang: str, **values) -> str:
    """The message `key.<plural form of n>` (falling back to `key.other`), with {n} the number formatted in `lang`:
    plural("figures.count.projects", 1, "en") -> '1 project'. Every count that meets a noun goes through here."""
    if not isinstance(n, numbers.Real) or _missing(float(n)):   # '–' for an unknown count: the general form
        return t(f"{key}.other", lang, n="–" if isinstance(n, numbers.Real) else n, **values)
    n = int(n) if float(n).is_integer() else float(n)            # numpy counts too
    messages = catalog(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    chosen = f"{key}.{plural_form(n, lang)}"
    return t(chosen if chosen in messages else f"{key}.other", lang, n=fmt_number(n, lang), **values)


def fmt_date(value, lang: str) -> str:
    return format_date(value, format="long", locale=lang)


def label(prefix: str, value, lang: str) -> str:
    """The message `prefix.value` in `lang` when there is one, else the value itself (data the app does not know)."""
    key = f"{prefix}.{value}"
    return t(key, lang) if key in catalog(DEFAULT_LANGUAGE) else str(value)


def place_name(name: str | None, lang: str) -> str:
    """A UN or World Bank region name in `lang` (the database holds English names); '–' for none."""
    return label("place", name, lang) if name else "–"


def income_group_name(name: str | None, lang: str) -> str:
    """A World Bank income group in `lang`; '–' for none."""
    return label("income", name, lang) if name else "–"


def goal_label(goal_id: str, lang: str) -> str:
    """One of the partnership's goals with its id: 'G2 · Policy coherence' / 'G2 · Cohérence des politiques'."""
    return f"{goal_id} · {label('goal', goal_id, lang)}"


def area_label(area_id: str, lang: str) -> str:
    """An area of work with its id: 'A · Information, research and analysis'."""
    return f"{area_id} · {label('area', area_id, lang)}"


def country_name(row, lang: str) -> str:
    """The name of a countries row (dict or Series) in `lang`, fit for running text: the ISO list inverts some names
    ("Palestine, State of", "Salomon, Îles"), which breaks a comma-separated list; those have their UN name in the
    messages (country.<iso3>, figures.json)."""
    key = f"country.{row.get('iso3')}"
    if key in catalog(DEFAULT_LANGUAGE):
        return t(key, lang)
    return row.get(f"name_{lang}") or row["name_en"]
