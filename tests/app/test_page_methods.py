"""AppTest (issue 19): the profile and the methods page on a database without the counting methods and table
sources (the fixture). The same pages on the committed database: tests/data/test_methods_page.py."""
import duckdb

import apptest_pages


def open_page(page: str, **params):
    return apptest_pages.open_page(page, timeout=60, **params)


def test_pages_run_on_a_database_without_counting_methods(fixture_db):
    con = duckdb.connect(str(fixture_db))
    con.execute("DROP TABLE migrant_stock_methods")
    con.execute("DROP TABLE table_sources")
    con.close()
    for page, params in (("pages/methods.py", {}), ("pages/country.py", {"country": "MAR"})):
        at = open_page(page, **params)
        assert not at.exception, (page, [e.message for e in at.exception])
        assert not [c for c in at.caption if c.value.startswith("How UN DESA counts")]


@committed
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_indicator_units_are_in_the_pages_language(con, lang):
    """Each indicator's heading names its unit in the page's language ('persons' and 'per 100,000' were English)."""
    at = open_page("pages/methods.py", lang=lang)
    assert not at.exception
    labels = [e.label for e in at.expander]
    units = dict(con.execute("SELECT indicator_id, unit FROM indicators").fetchall())
    words = {"persons": t("unit.name.persons", lang), "per 100,000": t("unit.name.per_100k", lang)}
    for indicator, unit in units.items():
        if unit in words:
            name = t(f"indicator.{indicator}", lang)
            assert f"{name} · {words[unit]}" in labels, (indicator, labels)
    assert not [label for label in labels if label.endswith(("persons", "per 100,000"))]
    assert words["persons"] != "persons" and words["per 100,000"] != "per 100,000"


@committed
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_an_indicators_description_caveats_and_source_are_in_the_pages_language(con, lang):
    """Opened on a French or Spanish page, an indicator's box says what it is, its caveats and its default source in
    that language (the database holds them in English); the sources table's titles too."""
    indicator = "sdg_10_7_4_refugees_per_100k"
    at = apptest_pages.app_test("pages/methods.py", timeout=60, lang=lang)
    ids = [r[0] for r in con.execute("SELECT indicator_id FROM indicators ORDER BY indicator_id").fetchall()]
    at.session_state[f"methods_indicator_{ids.index(indicator)}"] = True
    at.run()
    assert not at.exception
    source = con.execute("SELECT default_source_id FROM indicators WHERE indicator_id = ?", [indicator]).fetchone()[0]
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    assert any(t(f"indicator.{indicator}.description", lang) in text for text in shown), shown
    assert any(t(f"indicator.{indicator}.caveats", lang) in text for text in shown), shown
    assert any(t(f"source.{source}.title", lang) in text for text in shown), shown
    english = con.execute("SELECT description FROM indicators WHERE indicator_id = ?", [indicator]).fetchone()[0]
    assert not any(english in text for text in shown)
    titles = next(d.value for d in at.dataframe if "publisher" in d.value.columns)["title"]
    assert t("source.undesa_ims_2024_destination.title", lang) in set(titles)
