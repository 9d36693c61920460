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
