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
