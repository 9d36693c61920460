"""The country names, goals and areas of work the build wrote into the committed database, as each
language names them (the catalogues in ipmd/locales against data/ipmd.duckdb)."""
from __future__ import annotations

import re

import pytest

from ipmd import db
from ipmd.i18n import catalog, country_name, t


def test_country_names_are_translated():
    path = db.db_path()
    if not path.exists():
        pytest.skip(f"{path} is not built")
    con = db.connect(path)
    rows = {r[0]: dict(zip(("iso3", "name_en", "name_fr", "name_es"), r))
            for r in con.execute("SELECT iso3, name_en, name_fr, name_es FROM countries "
                                 "WHERE iso3 IN ('DEU', 'MAR', 'MEX', 'CIV')").fetchall()}
    con.close()
    assert country_name(rows["DEU"], "fr") == "Allemagne"
    assert country_name(rows["DEU"], "es") == "Alemania"
    assert country_name(rows["MAR"], "fr") == "Maroc"
    assert country_name(rows["MEX"], "es") == "México"
    assert country_name(rows["MAR"], "en") == "Morocco"
    assert country_name(rows["CIV"], "fr") == country_name(rows["CIV"], "es") == "Côte d'Ivoire"   # not 'Costa de Marfíl'


def test_english_goal_and_area_names_are_the_databases():
    """The catalogues translate the framework the build writes (ipmd/build/framework.py): same ids, same English."""
    path = db.db_path()
    if not path.exists():
        pytest.skip(f"{path} is not built")
    con = db.connect(path)
    goals = con.execute("SELECT goal_id, short_name FROM goals").fetchall()
    areas = con.execute("SELECT area_id, short_name, wording FROM areas_of_work").fetchall()
    con.close()
    assert {g: t(f"goal.{g}") for g, _ in goals} == dict(goals)
    assert {a: (t(f"area.{a}"), t(f"area.{a}.wording")) for a, _, _ in areas} == {a: (n, w) for a, n, w in areas}
    assert t("area.B.wording", "es").startswith("Fortalecer la capacidad de evaluar los efectos de la migración")
    assert sorted(k for k in catalog("en") if k.startswith(("goal.", "area."))) == sorted(
        [f"goal.{g}" for g, _ in goals] + [f"area.{a}{part}" for a, _, _ in areas for part in ("", ".wording")])


def test_country_names_read_in_running_text():
    """A list 'A, B, C' of names must not break on a name the ISO list inverts ('Palestine, State of')."""
    path = db.db_path()
    if not path.exists():
        pytest.skip(f"{path} is not built")
    con = db.connect(path)
    rows = [dict(zip(("iso3", "name_en", "name_fr", "name_es"), r))
            for r in con.execute("SELECT iso3, name_en, name_fr, name_es FROM countries").fetchall()]
    con.close()
    # names that are lists themselves, as the UN writes them
    listed = {"BES", "SHN"}
    for lang in ("en", "fr", "es"):
        inverted = [(r["iso3"], country_name(r, lang)) for r in rows
                    if ", " in country_name(r, lang) and r["iso3"] not in listed]
        assert inverted == [], lang
    by_code = {r["iso3"]: r for r in rows}
    assert [country_name(by_code["PSE"], lang) for lang in ("en", "fr", "es")] == [
        "State of Palestine", "État de Palestine", "Estado de Palestina"]
    assert country_name(by_code["RUS"], "fr") == "Fédération de Russie"
    assert country_name(by_code["COD"], "es") == "República Democrática del Congo"
    assert country_name(by_code["MAR"], "fr") == "Maroc"     # names that read well stay the database's


def test_indicator_descriptions_and_caveats_are_translated_from_the_databases_english():
    """The methods page shows each indicator's description and caveats in the page's language from the catalogue
    (ipmd/locales/*/indicator_notes.json): the English there is the database's, word for word, so a caveat the build
    changes is seen as a translation to redo; French and Spanish have every one."""
    path = db.db_path()
    if not path.exists():
        pytest.skip(f"{path} is not built")
    con = db.connect(path)
    rows = con.execute("SELECT indicator_id, description, caveats FROM indicators").fetchall()
    con.close()
    english, french, spanish = catalog("en"), catalog("fr"), catalog("es")
    for indicator, description, caveats in rows:
        for part, text in (("description", description), ("caveats", caveats)):
            key = f"indicator.{indicator}.{part}"
            if not text:
                assert key not in english, key
                continue
            assert english.get(key) == text, key
            assert french.get(key) and spanish.get(key), key
            if not re.fullmatch(r"[A-Z][A-Z0-9. ]+\.", text):         # a series code alone ('WDI NY.GDP.MKTP.CD.')
                assert french[key] != text and spanish[key] != text, key
