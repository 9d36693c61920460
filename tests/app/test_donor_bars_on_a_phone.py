"""The donor page's breakdown bars (by goal, partner, country) write each amount under its label rather than beside
its bar, where on a 390 px phone it ran past the chart's edge and was cut (seen in the screen checks' screenshots)."""
import json

from apptest_pages import open_page
from ipmd.i18n import fmt_pct, fmt_usd


def test_each_amount_is_under_its_label_not_beside_its_bar(fixture_db):
    at = open_page("pages/donor.py", donor="DEMO-D", lang="fr")
    assert not at.exception, [e.message for e in at.exception]
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "donor_by_goal" in c.proto.id)
    bars = spec["data"][0]
    assert bars["textposition"] == "none"
    # the fixture ledger: the only approval (5) is drawn from the only donor's deposits, so 100 % of it
    ticks = spec["layout"]["yaxis"]["ticktext"]
    assert len(ticks) == len(bars["y"]) and sum(bars["x"]) == 5.0
    for label, tick, value in zip(bars["y"], ticks, bars["x"]):
        assert tick == f"{label}<br>{fmt_usd(value, 'fr')} ({fmt_pct(100 * value / 5.0, 'fr', 0)})"
