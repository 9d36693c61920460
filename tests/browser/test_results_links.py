"""In a browser (no network): a project's page reached by clicking its id in the coverage cell's project list and
in the allocation pipeline (link cells of a canvas grid), and a donor's page reached from the funds screen (the
picker under the Sankey, and the donors table)."""
from __future__ import annotations

import re

import pytest

import browser_helpers as bh
from ipmd import db
from ipmd.allocation import report as allocation
from ipmd.coverage import report as cr
from ipmd.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

# Installed before any page script: where each text of a table's canvas (glide-data-grid) was last drawn, in
# page coordinates, so a test can click a link cell by its text.
CELL_HOOK = r"""
(() => {
  if (window.__ipmdCellsHooked) return;
  window.__ipmdCellsHooked = true;
  window.__ipmdCells = new Map();
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    if (this.canvas.closest && this.canvas.closest('[data-testid="stDataFrame"]')) {
      const m = this.getTransform(), ratio = window.devicePixelRatio || 1;
      const box = this.canvas.getBoundingClientRect();
      window.__ipmdCells.set(String(text), {x: box.left + (x * m.a + m.e) / ratio, y: box.top + (y * m.d + m.f) / ratio,
        width: this.measureText(String(text)).width * m.a / ratio});
    }
    return fill.call(this, text, x, y, ...rest);
  };
})();
"""


@pytest.fixture
def hooked(context):
    context.add_init_script(CELL_HOOK)
    return context


def _cell(page, text: str, timeout: float = 20.0) -> dict:
    page.wait_for_function("(t) => window.__ipmdCells && window.__ipmdCells.has(t)", arg=text,
                           timeout=timeout * 1000)
    return page.evaluate("(t) => window.__ipmdCells.get(t)", text)


def _click_link_cell(page, text: str):
    """Click the link drawn as `text` in a table; return the page it opens (a new tab, or this one)."""
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("canvas")).first
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.evaluate("() => window.__ipmdCells.clear()")
    page.mouse.move(1, 1)
    page.wait_for_timeout(300)                  # a redraw refills the positions after the scroll
    spot = _cell(page, text)
    x, y = spot["x"] + min(spot["width"] / 2, 30), spot["y"]
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    try:
        with page.context.expect_page(timeout=8_000) as opened:
            page.mouse.click(x, y)
        target = opened.value
    except Exception:  # noqa: BLE001 - the link may open in the same tab
        target = page
    bh.wait_until_drawn(target, timeout=120)
    return target


def _headings(page) -> list[str]:
    return page.evaluate(r"""() => Array.from(document.querySelectorAll(
        '[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3'))
        .map(h => h.innerText.trim())""")


def _project_opened(target, pid: str, title: str) -> None:
    target.wait_for_function("(p) => window.location.pathname.endsWith('/project') && "
                             "window.location.search.includes('project=' + p)", arg=pid, timeout=30_000)
    bh.wait_until_drawn(target, timeout=120)
    headings = _headings(target)
    assert t("project.title", "en") in headings and title in headings, headings
    assert not bh.exception_texts(target)


def test_a_project_page_from_the_coverage_cells_list(hooked, open_page):
    con = db.connect()
    try:
        listed = cr.cell_projects(con, "G1", "A")
    finally:
        con.close()
    first = listed.iloc[0]
    page = hooked.new_page()
    open_page(page, "/coverage?cell=G1-A")
    target = _click_link_cell(page, first["project_id"])
    _project_opened(target, first["project_id"], first["title"])


def test_a_project_page_from_the_allocation_pipeline(hooked, open_page):
    con = db.connect()
    try:
        first = allocation.pipeline(con).iloc[0]
    finally:
        con.close()
    page = hooked.new_page()
    open_page(page, "/allocation")
    target = _click_link_cell(page, first["project_id"])
    # an undecided proposal: its page opens for the committee (demo mode's visitor holds the role), marked so
    _project_opened(target, first["project_id"], first["title"])
    assert t("project.confidential", "en")[:40] in bh.main_text(target)


def test_a_donor_page_from_the_funds_screen(hooked, open_page):
    page = hooked.new_page()
    open_page(page, "/funds")
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=t("results_views.links.pick_donor", "en"))
    box.scroll_into_view_if_needed()
    box.locator("input").click()
    option = page.locator('[role="option"]').first
    name = option.inner_text().strip()
    option.click()
    link = page.locator('[data-testid="stPageLink-NavLink"]').filter(
        has_text=t("results_views.links.open_donor", "en", name=name))
    link.wait_for(timeout=30_000)
    link.click()
    page.wait_for_function("() => window.location.pathname.endsWith('/donor')", timeout=30_000)
    bh.wait_until_drawn(page, timeout=120)
    headings = _headings(page)
    assert t("donor.title", "en") in headings and name in headings, headings
    assert re.search(r"donor=[A-Z]", page.url)
    assert not bh.exception_texts(page)
