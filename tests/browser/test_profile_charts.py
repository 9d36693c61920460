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
  const outside = [], overlapping = [], colliding = [];
  let n = 0;
  // level labels of one x axis side by side must not run into each other (slanted ones are plotly's own choice)
  for (const axis of ['xtick', 'x2tick']) {
    const level = [...gd.querySelectorAll(`g.${axis} text`)].filter(t => !/rotate\((?!0[,)])/.test(t.getAttribute('transform') || ''))
      .map(t => t.getBoundingClientRect()).filter(r => r.width).sort((a, b) => a.left - b.left);
    for (let i = 1; i < level.length; i++) if (level[i].left < level[i - 1].right - 1) colliding.push(axis);
  }
  for (const text of gd.querySelectorAll('g.xtick text, g.x2tick text, g.ytick text, g.y2tick text, text.legendtext')) {
    const r = text.getBoundingClientRect();
    if (!r.width || getComputedStyle(text).display === 'none') continue;
    n += 1;
    if (r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1 || r.bottom > svg.bottom + 1)
      outside.push(text.textContent);
    if (text.closest('g.ytick') && r.right > svg.left + size.l + 1) overlapping.push(text.textContent);
  }
  return {key, n, outside, overlapping, colliding, pushed: ['l', 'r', 't', 'b'].filter(s => Math.abs(size[s] - margin[s]) > 0.5)};
})"""


@pytest.mark.parametrize("path, phone", [("/country?country=PHL", False), ("/country?country=TON&lang=fr", False),
                                         ("/country?country=MEX&corridors=origins&lang=es", False),
                                         ("/country?country=MEX&corridors=origins&lang=es", True)])
def test_profile_chart_labels_fit_the_margins_set_on_the_server(page, open_page, path, phone):
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
    state = open_page(page, path)
    screenshot(page, "profile_margins_" + path.split("?")[1].replace("&", "_").replace("=", "-") + ("_phone" if phone else ""))
    assert not bh.exception_texts(page) and not page.watch.errors(), page.watch.errors()
    assert all(c["drawn"] for c in state["charts"])
    charts = page.evaluate(LABELS_JS, list(KEYS))
    for chart in charts:
        assert not chart.get("missing"), f"{chart['key']} not drawn on {path}"
        assert chart["n"] >= 3, chart                       # the labels were found
        assert chart["outside"] == [], f"{path}: labels cut at the edge of {chart['key']}: {chart['outside']}"
        assert chart["overlapping"] == [], f"{path}: value labels over the plot of {chart['key']}: {chart['overlapping']}"
        assert chart["colliding"] == [], f"{path}: value ticks run into each other on {chart['key']}"
        # on a phone a legend of two long names takes two lines, and pushes the top margin: allowed there
        pushed = [side for side in chart["pushed"] if not (phone and side == "t")]
        assert pushed == [], f"{path}: plotly widened the margins of {chart['key']} ({chart['pushed']})"
