"""AppTest (issue 19): the profile's counting line and the methods page's counting methods and table sources, read
from the committed database. The same pages on a database without those tables: tests/app/test_page_methods.py."""
import duckdb
import pytest

import apptest_pages
from ipmd import DEFAULT_DB
from ipmd.i18n import t
from ipmd.profiles import methods

committed = pytest.mark.skipif(not DEFAULT_DB.is_file(), reason="data/ipmd.duckdb is not built yet")


def open_page(page: str, **params):
    return apptest_pages.open_page(page, timeout=60, **params)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect(str(DEFAULT_DB), read_only=True)
    yield c
    c.close()


@committed
@pytest.mark.parametrize(("iso3", "lang"), [("MAR", "en"), ("USA", "fr"), ("SOM", "es"), ("MAR", "fr")])
def test_profile_says_how_the_country_counts_its_immigrants(con, iso3, lang):
    method = methods.stock_method(con, iso3)
    expected = t(methods.method_key(method), lang, code=method["data_type"])
    at = open_page("pages/country.py", country=iso3, lang=lang)
    assert not at.exception
    assert [c.value for c in at.caption if c.value == expected] == [expected]


@committed
def test_methods_page_counts_the_counting_methods_and_lists_every_table_with_its_sources(con):
    at = open_page("pages/methods.py")
    assert not at.exception
    counts = methods.method_counts(methods.stock_methods(con))
    assert counts["citizenship"] == 48 and counts["imputed"] == 5
    assert t("methods.stock_methods.counts", "en", **counts) in [m.value for m in at.markdown]
    at.session_state["methods_stock_methods"] = True
    at.session_state["methods_table_sources"] = True
    at.run()
    assert not at.exception
    frames = {len(d.value): d.value for d in at.dataframe}
    stock = next(f for f in frames.values() if "data_type" in f.columns)
    assert len(stock) == con.execute("SELECT count(*) FROM migrant_stock_methods").fetchone()[0]
    assert stock.set_index("iso3").loc["MAR", "data_type"] == "C R"
    provenance = next(f for f in frames.values() if "table_name" in f.columns)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE "
                                        "table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()}
    assert set(provenance["table_name"]) == tables


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
