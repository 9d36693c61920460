"""Every page works for any ledger the importer accepts (issue 14, item 1): ledgers of every shape are
imported into a copy of the bundled database, then every page is opened (AppTest) without an exception.

Shapes: one year, one donor and one project, no approvals yet, approvals but no money spent, pledges only,
donors but no projects, many countries over many years."""
from __future__ import annotations

import shutil

import duckdb
import pytest

import ledger_fixtures as F
from apptest_pages import app_test
from ipmd import DEFAULT_DB
from ipmd.ledger.store import import_ledger

PAGES = {"pages/overview.py": {}, "pages/country.py": {"country": "PHL"}, "pages/coverage.py": {},
         "pages/coverage.py?view=map": {"view": "map"}, "pages/funds.py": {}, "pages/allocation.py": {},
         "pages/admin.py": {}, "pages/methods.py": {}}


def _many_countries() -> tuple[str, ...]:
    con = duckdb.connect(str(DEFAULT_DB), read_only=True)
    try:
        return tuple(r[0] for r in con.execute(
            "SELECT iso3 FROM countries WHERE income_group IS NOT NULL AND income_group <> 'High income' "
            "ORDER BY iso3 LIMIT 60").fetchall())
    finally:
        con.close()


SHAPES = {
    "one_year": dict(years=(2009, 2009), n_donors=3, n_projects=4, iso3s=("PHL", "MEX", "MAR")),
    "one_donor_one_project": dict(years=(2009, 2010), n_donors=1, n_projects=1),
    "no_approvals": dict(years=(2010, 2012), n_donors=2, n_projects=3, pipeline_only=True),
    "approved_nothing_spent": dict(years=(2009, 2011), n_donors=2, n_projects=3,
                                   kinds=("pledge", "deposit", "commitment")),
    "pledges_only": dict(years=(2009, 2009), n_donors=2, n_projects=2, kinds=("pledge",)),
    "no_projects": dict(years=(2008, 2009), n_donors=2, n_projects=0),
    "many_countries": dict(years=(2008, 2015), n_donors=5, n_projects=12, countries_per_project=5),
}


@pytest.fixture(scope="module")
def many():
    return _many_countries()


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_page_opens_on_a_ledger_of_this_shape(shape, many, tmp_path, monkeypatch):
    db = tmp_path / "ipmd.duckdb"
    shutil.copyfile(DEFAULT_DB, db)
    spec = dict(SHAPES[shape])
    if shape == "many_countries":
        spec["iso3s"] = many
    ledger = F.shaped_ledger(**spec)
    result = import_ledger(F.xlsx_bytes(ledger), f"{shape}.xlsx", db)
    assert result.ok, "\n".join(result.report_lines())
    monkeypatch.setenv("IPMD_DB", str(db))
    failures = {}
    for name, params in PAGES.items():
        at = app_test(name.split("?")[0], timeout=120, **params)
        at.secrets["ipmd_roles"] = {}                     # demo mode: the restricted pages open too
        at.run()
        if at.exception:
            failures[name] = [e.message for e in at.exception]
    assert not failures, failures
