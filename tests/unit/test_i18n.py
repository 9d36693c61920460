"""Every message exists in English, French and Spanish with the same placeholders; numbers, dates, country
names, the partnership's goals and areas of work, regions and income groups follow the language."""
from __future__ import annotations

import json
import re
import string
from datetime import date

import pytest

from ipmd import REPO_ROOT
from ipmd.i18n import (LANGUAGES, LOCALES_DIR, area_label, catalog, fmt_compact, fmt_date, fmt_number,
                       fmt_pct, fmt_usd, goal_label, income_group_name, place_name, plural, plural_form, t,
                       usd_column_format)

TRANSLATIONS = [lang for lang in LANGUAGES if lang != "en"]
AREAS = sorted(path.stem for path in (LOCALES_DIR / "en").glob("*.json"))


def area(lang: str, name: str) -> dict[str, str]:
    path = LOCALES_DIR / lang / f"{name}.json"
    assert path.exists(), f"{path.relative_to(LOCALES_DIR.parent.parent)} is missing: translate {name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("name", AREAS)
def test_every_english_key_is_translated_and_nothing_more(lang, name):
    english, other = area("en", name), area(lang, name)
    assert sorted(english.keys() - other.keys()) == [], f"{lang}/{name}.json lacks these keys"
    assert sorted(other.keys() - english.keys()) == [], f"{lang}/{name}.json has keys English does not"


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_no_language_has_an_area_english_lacks(lang):
    extra = {p.stem for p in (LOCALES_DIR / lang).glob("*.json")} - set(AREAS)
    assert not extra, f"{lang} has area files with no English original: {sorted(extra)}"


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("name", AREAS)
def test_placeholders_are_the_same_in_every_language(lang, name):
    english, other = area("en", name), area(lang, name)
    wrong = {key: (sorted(placeholders(english[key])), sorted(placeholders(other[key])))
             for key in english.keys() & other.keys() if placeholders(english[key]) != placeholders(other[key])}
    assert not wrong, f"{lang}/{name}.json: placeholders differ (en, {lang}): {wrong}"


class Anything(str):
    """A stand-in value: indexable and with any attribute, as in plotly's '%{customdata[1]}'."""

    def __getitem__(self, key):
        return self

    def __getattr__(self, name):
        return self


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_formats(lang):
    messages = catalog(lang)            # also fails when an area defines a key another already has
    for key, text in messages.items():
        assert text.strip(), f"{lang}: {key} is empty"
        names = {field.split("[")[0].split(".")[0] for field in placeholders(text)}
        text.format(**{name: Anything("x") for name in names})


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translations_are_not_english_copies(lang):
    english, other = catalog("en"), catalog(lang)
    same = [key for key in english if other.get(key) == english[key] and any(c.isalpha() for c in english[key])]
    # names such as 'Population', 'Sources' or 'IATI' may rightly stay the same; whole screens may not
    assert len(same) <= 0.08 * len(english), f"{lang}: {len(same)} messages identical to English, e.g. {same[:15]}"


def test_french_labels():
    assert t("profile.title", "fr") == "Profil de pays"
    assert t("nav.overview", "fr") == "Vue d'ensemble"
    assert t("sex.female", "es") == "Mujeres"


def test_french_and_spanish_numbers():
    assert fmt_compact(304021813, "en") == "304.0 million"
    assert fmt_compact(304021813, "fr") == "304,0 millions"
    assert fmt_compact(304021813, "es") == "304,0 millones"
    assert fmt_compact(2.5e9, "fr") == "2,5 milliards"
    assert fmt_compact(2.5e9, "es") == "2,5 mil millones"
    assert fmt_number(111069, "fr") == "111\u202f069"          # narrow no-break space between thousands
    assert fmt_pct(48.03, "fr") == "48,0\u202f%"
    assert fmt_pct(48.03, "es") == "48,0\u00a0%"
    assert fmt_usd(1.234e9, "en") == "US$1.2 billion"
    assert fmt_usd(3512.4, "fr", compact=False) == "3\u202f512\u00a0$\u00a0US"
    assert fmt_compact(None, "fr") == "–"


def test_spanish_groups_thousands_only_from_five_digits():
    # CLDR minimumGroupingDigits = 2 for Spanish (Babel ignores it)
    assert fmt_number(3512, "es") == "3512"
    assert fmt_number(-3512.25, "es", 1) == "-3512,2"
    assert fmt_number(35120, "es") == "35.120"
    assert fmt_number(3512, "en") == "3,512"
    assert fmt_usd(3512.4, "es", compact=False) == "US$\u00a03512"


def test_rounding_to_zero_is_never_negative():
    assert fmt_number(-0.3, "en") == "0"
    assert fmt_pct(-0.04, "fr") == "0,0\u202f%"


def test_french_singular_below_two_millions():
    assert fmt_compact(1_234_567, "fr") == "1,2 million"
    assert fmt_compact(1.5e9, "fr") == "1,5 milliard"
    assert fmt_compact(1_234_567, "es") == "1,2 millones"
    assert fmt_compact(2_345_678, "fr") == "2,3 millions"


def test_dates_follow_the_language():
    day = date(2026, 3, 5)
    assert fmt_date(day, "en") == "March 5, 2026"
    assert fmt_date(day, "fr") == "5 mars 2026"
    assert fmt_date(day, "es") == "5 de marzo de 2026"


@pytest.mark.parametrize("name_of, value, lang, expected", [
    (goal_label, "G1", "fr", "G1 · Suivi du FMMD"),
    (goal_label, "G2", "fr", "G2 · Cohérence des politiques"),
    (goal_label, "G3", "es", "G3 · Fomento de la capacidad"),
    (area_label, "A", "es", "A · Información, investigación y análisis"),
    (area_label, "B", "fr", "B · Évaluation d'impact et gestion des programmes"),
    (goal_label, "G9", "fr", "G9 · G9"),                      # a goal the catalogues do not know keeps its id
    (place_name, "Asia", "fr", "Asie"),
    (place_name, "Latin America and the Caribbean", "es", "América Latina y el Caribe"),
    (place_name, "Sub-Saharan Africa", "fr", "Afrique subsaharienne"),
    (place_name, "Atlantis", "fr", "Atlantis"),               # data the catalogues do not know is shown as it is
    (place_name, None, "fr", "–"),
    (income_group_name, "Lower middle income", "fr", "Revenu intermédiaire (tranche inférieure)"),
    (income_group_name, "High income", "es", "Ingreso alto"),
    (income_group_name, "", "es", "–"),
])
def test_goals_areas_regions_and_income_groups_are_named_in_the_language(name_of, value, lang, expected):
    assert name_of(value, lang) == expected


def test_money_columns_are_worded_as_in_the_language():
    # Streamlit formats a NumberColumn with sprintf-js, where %'X,d groups thousands with X: the column stays
    # numeric (sorts by amount) and reads US$13,200,000 / 13 200 000 $ US / US$ 13.200.000
    assert usd_column_format("en") == "US$%',,d"
    assert usd_column_format("fr") == "%'\u202f,d\u00a0$\u00a0US"
    assert usd_column_format("es") == "US$\u00a0%'.,d"


def test_check_tool_agrees():
    import importlib.util

    spec = importlib.util.spec_from_file_location("i18n_check", REPO_ROOT / "tools" / "i18n_check.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.problems() == []


def test_small_shares_keep_two_significant_digits():
    # the Philippines pays 0.047% of its GDP in remittances: one decimal would read 0.0%
    assert fmt_pct(0.04662, "en", significant=2) == "0.047%"
    assert fmt_pct(0.04662, "fr", significant=2) == "0,047\u202f%"
    assert fmt_pct(0.5, "es", significant=2) == "0,50\u00a0%"
    assert fmt_pct(46.22, "en", significant=2) == "46.2%"      # from 1% up, one decimal as before
    assert fmt_pct(0.0, "en", significant=2) == "0.0%"
    assert fmt_pct(0.04662, "en") == "0.0%"                      # without it, as before (tables, axes)


@pytest.mark.parametrize("n, lang, expected", [
    (1, "en", "1 approved project"), (2, "en", "2 approved projects"), (0, "en", "0 approved projects"),
    (1, "fr", "1 projet approuvé"), (0, "fr", "0 projet approuvé"),     # French: 0 and 1 are singular
    (2, "fr", "2 projets approuvés"), (1_000_000, "fr", "1\u202f000\u202f000 projets approuvés"),
    (1, "es", "1 proyecto aprobado"), (0, "es", "0 proyectos aprobados"), (1234, "es", "1234 proyectos aprobados"),
])
def test_counts_take_the_languages_plural_form(n, lang, expected):
    assert plural("figures.count.approved_projects", n, lang) == expected


def test_every_plural_message_has_its_other_form():
    """plural() falls back to `.other`, so every counted noun needs one, in every language."""
    for lang in ("en", "fr", "es"):
        stems = {k.rsplit(".", 1)[0] for k in catalog(lang) if k.startswith("figures.count.")}
        assert stems and all(f"{stem}.other" in catalog(lang) for stem in stems)
        assert plural_form(1, lang) == "one" and plural_form(2, lang) == "other"


@pytest.mark.parametrize("key, n, lang, expected", [
    ("allocation.round.selected_note", 1, "en", "1 proposal · US$1"),
    ("allocation.round.selected_note", 3, "en", "3 proposals · US$1"),
    ("allocation.round.selected_note", 0, "fr", "0 proposition · US$1"),
    ("allocation.round.selected_note", 2, "es", "2 propuestas · US$1"),
    ("allocation.record.months", "–", "fr", "– mois"),          # an unknown count takes the general form
    ("allocation.record.months", 1, "es", "1 mes"),
])
def test_a_message_held_as_plural_forms_takes_the_form_of_its_count(key, n, lang, expected):
    assert t(key, lang, n=n, exact="US$1") == expected


def test_no_message_counts_in_parentheses():
    """'{n} problem(s)' is what plural forms are for."""
    for lang in LANGUAGES:
        assert not [k for k, v in catalog(lang).items() if "{n}" in v and re.search(r"\w\((s|e|es|x)\)", v)], lang
