"""AppTest: every table that names a project or a donor links to its page (issue 20 part 3), with relative
addresses that keep the language: the coverage cell's project list, the allocation pipeline, proposal record and
changes since a date, the funds screen's donors table and the pickers under its Sankey."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import apptest_pages
from ipmd.coverage import report as cr
from ipmd.fund import report as fund_report
from ipmd.portfolio import projects


@pytest.fixture(scope="module", autouse=True)
def con(on_ledger_fixture_db):
    """The pages read the seeded ledger fixture database (projects, proposals, donors), and so do the figures a
    test computes to compare with the page's."""
    return on_ledger_fixture_db


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def page_links(at: AppTest) -> list[tuple[str, str]]:
    """(page, query string) of every st.page_link on the page."""
    return [(p.proto.page, p.proto.query_string) for p in at.get("page_link")]


def table_with(at: AppTest, first_column: str):
    """The page's dataframe whose first column is `first_column` (a table without selection has no key here)."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[0] == first_column)


def test_the_coverage_cells_projects_link_to_their_pages(con):
    at = apptest_pages.open_page("pages/coverage.py", cell="G1-A", lang="fr")
    ok(at)
    listed = cr.cell_projects(con, "G1", "A")
    table = table_with(at, "project_id")
    assert len(listed) > 0
    assert table["project_id"].tolist() == [f"project?project={p}&lang=fr" for p in listed["project_id"]]


def test_the_pipeline_and_the_proposal_record_link_to_the_project_page():
    at = apptest_pages.open_page("pages/allocation.py")
    ok(at)
    table = at.dataframe(key="pipeline_table").value
    assert len(table) > 0 and table["project_id"].str.fullmatch(r"project\?project=[A-Z0-9-]+").all()
    first = table["project_id"].iloc[0].split("=", 1)[1]
    at = apptest_pages.open_page("pages/allocation.py", proposal=first)
    ok(at)
    assert ("project", f"project={first}") in [(p.rsplit("/", 1)[-1].removesuffix(".py"), q) for p, q in page_links(at)]


def test_the_funds_donors_table_links_to_the_donor_pages(con):
    at = apptest_pages.app_test("pages/funds.py", view="donors")
    at.session_state["funds_donors_data"] = True
    at.run()
    ok(at)
    table = table_with(at, "page")
    assert table["page"].str.startswith("donor?donor=").all()
    assert len(table) > 3


def test_the_sankey_lists_its_donors_and_partners_projects_to_open():
    at = apptest_pages.open_page("pages/funds.py")
    ok(at)
    donors = at.selectbox(key="sankey_donor")
    assert donors.options and "Other" not in donors.options
    donors.select_index(0).run()
    ok(at)
    assert any(q.startswith("donor=") for _, q in page_links(at))
    partner = at.selectbox(key="sankey_partner")
    assert partner.options and "Other" not in partner.options
    partner.select_index(0).run()
    ok(at)
    listed = table_with(at, "link")
    assert len(listed) > 0 and listed["link"].str.startswith("project?project=").all()
