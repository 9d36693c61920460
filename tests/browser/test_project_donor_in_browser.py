"""The project and donor pages opened by link in a real browser (no network), in English and French; the
screenshots (tests/browser/screenshots/project_*.png, donor_*.png) are for review."""
from __future__ import annotations

import pytest

import browser_helpers as bh
from test_pages import _headings, _open_checked, _query
from ipmd import db, queries
from ipmd.i18n import t
from ipmd.portfolio import donors, projects

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def _largest_project_and_donor() -> tuple[dict, dict]:
    """A funded project with money at every stage and the donor with the most deposits, from the database the
    app serves (the committed one)."""
    con = db.connect()
    try:
        book = queries.ledger(con)
    finally:
        con.close()
    options = projects.project_options_from(book["projects"])
    pages = [projects.project_page_from(book, pid) for pid in options["project_id"]]
    project = max(pages, key=lambda p: (p.ladder.spent > 0, p.ladder.approved))
    deposits = book["transactions"].query("txn_type == 'deposit'").groupby("donor_id")["amount_usd"].sum()
    donor = donors.donor_page_from(book, deposits.idxmax())
    return project, donor


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_project_page_opens_by_link(page, open_page, lang):
    project, _ = _largest_project_and_donor()
    pid = project.project["project_id"]
    suffix = "" if lang == "en" else f"&lang={lang}"
    state = _open_checked(page, open_page, f"/project?project={pid}{suffix}", f"project_{lang}")
    headings = _headings(page)
    assert t("project.title", lang) in headings and project.project["title"] in headings, headings
    assert t("project.results.title", lang) in headings, headings
    charts = {c["key"]: c for c in state["charts"]}
    assert charts.get("project_ladder", {}).get("drawn"), list(charts)
    assert _query(page).get("project") == pid
    text = bh.main_text(page)
    assert t("project.ladder.spent", lang) in text and pid in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_donor_page_opens_by_link(page, open_page, lang):
    _, donor = _largest_project_and_donor()
    did = donor.donor["donor_id"]
    suffix = "" if lang == "en" else f"&lang={lang}"
    state = _open_checked(page, open_page, f"/donor?donor={did}{suffix}", f"donor_{lang}")
    headings = _headings(page)
    assert t("donor.title", lang) in headings and donor.donor["name"] in headings, headings
    charts = {c["key"]: c for c in state["charts"]}
    assert charts.get("donor_over_time", {}).get("drawn") and charts.get("donor_by_goal", {}).get("drawn"), list(charts)
    assert t("donor.method", lang)[:60] in bh.main_text(page)
    assert _query(page).get("donor") == did


def test_an_unknown_project_gives_a_message_and_the_list(page, open_page):
    _open_checked(page, open_page, "/project?project=NOPE", "project_unknown")
    assert t("project.unknown", "en", id="NOPE") in bh.main_text(page)
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
