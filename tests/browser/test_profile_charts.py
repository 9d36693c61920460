"""The profile's charts in a real browser, drawn with plotly's automargin off and margins sized on the server
(components/figures/profile.py, issue 18): every tick and legend label lies inside its chart, the value labels stay
left of the plot, and plotly pushed no margin (a push means it measured the labels and drew the chart again)."""
from __future__ import annotations

import pytest

import browser_helpers as bh
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

KEYS = ("profile_stocks", "profile_remittances", "profile_corridor_bars", "profile_peers")

LABELS_JS = r"""(keys) => keys.map(key => {
  const gd = document.querySelector(`.st-key-section_${key} .js-plotly-plot`);
  if (!gd || !gd._fullLayout) return {key, missing: true};
  const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
  const size = gd._fullLayout._size, margin = gd._fullLayout.margin;
  const outside = [], overlapping = [];
  let n = 0;
  for (const text of gd.querySelectorAll('g.xtick text, g.x2tick text, g.ytick text, g.y2tick text, text.legendtext')) {
    const r = text.getBoundingClientRect();
    if (!r.width || getComputedStyle(text).display === 'none') continue;
    n += 1;
    if (r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1 || r.bottom > svg.bottom + 1)
      outside.push(text.textContent);
    if (text.closest('g.ytick') && r.right > svg.left + size.l + 1) overlapping.push(text.textContent);
  }
  return {key, n, outside, overlapping, pushed: ['l', 'r', 't', 'b'].filter(s => Math.abs(size[s] - margin[s]) > 0.5)};
})"""


@pytest.mark.parametrize("path", ["/country?country=PHL", "/country?country=TON&lang=fr",
                                  "/country?country=MEX&corridors=origins&lang=es"])
def test_profile_chart_labels_fit_the_margins_set_on_the_server(page, open_page, path):
    state = open_page(page, path)
    screenshot(page, "profile_margins_" + path.split("?")[1].replace("&", "_").replace("=", "-"))
    assert not bh.exception_texts(page) and not page.watch.errors(), page.watch.errors()
    assert all(c["drawn"] for c in state["charts"])
    charts = page.evaluate(LABELS_JS, list(KEYS))
    for chart in charts:
        assert not chart.get("missing"), f"{chart['key']} not drawn on {path}"
        assert chart["n"] >= 3, chart                       # the labels were found
        assert chart["outside"] == [], f"{path}: labels cut at the edge of {chart['key']}: {chart['outside']}"
        assert chart["overlapping"] == [], f"{path}: value labels over the plot of {chart['key']}: {chart['overlapping']}"
        assert chart["pushed"] == [], f"{path}: plotly widened the margins of {chart['key']} ({chart['pushed']})"
