"""In a browser: ticking a proposal in the what-if (a fragment's rerun) puts it in the address (?fund=), and that
address opened afresh shows the same selection and totals."""
from urllib.parse import parse_qs, urlsplit

import browser_helpers as bh
from ipmd import db
from ipmd.allocation import report as allocation
from ipmd.i18n import fmt_usd, t


def _selected(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=t("allocation.round.selected")).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _tick_first_row(page) -> None:
    """Click the first row's checkbox of the what-if table (a canvas grid: rows are 35 px high)."""
    grid = page.locator('[data-testid="stDataFrame"]:visible').filter(has=page.locator("canvas")).first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 47, box["y"] + 35 + 17)


def test_a_tick_goes_in_the_address_and_the_address_reopens_it(page, open_page):
    first = allocation.pipeline(db.connect()).iloc[0]
    open_page(page, "/allocation?view=whatif")
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for(timeout=15_000)
    assert _selected(page) == fmt_usd(0, "en")
    before = bh.runs_finished(page)
    _tick_first_row(page)
    bh.wait_until_drawn(page, min_finished=before + 1, timeout=60)
    page.wait_for_function("() => window.location.search.includes('fund=')", timeout=15_000)
    link = page.url
    assert parse_qs(urlsplit(link).query)["fund"] == [first["project_id"]]
    assert _selected(page) == fmt_usd(first["requested_usd"], "en")

    again = page.context.new_page()
    bh.goto_and_wait(again, link)
    again.locator('[data-testid="stDataFrame"] canvas').first.wait_for(timeout=15_000)
    assert _selected(again) == fmt_usd(first["requested_usd"], "en")
