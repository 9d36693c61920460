"""The profile's charts size their own margins and turn plotly's automargin off (issue 18): Streamlit's chart theme
turns automargin on for every axis, and plotly then draws each chart twice (draw, measure every tick label, widen the
margins, draw again), which was about a third of plotly's time on the country switch. So every axis of these figures
says automargin False, and each margin is wide enough for the labels written in it."""
from __future__ import annotations

import pandas as pd

from components.figures import profile as figures


def axes(fig) -> dict:
    layout = fig.layout.to_plotly_json()
    return {name: spec for name, spec in layout.items() if name.startswith(("xaxis", "yaxis"))}


def test_label_width_counts_the_drawn_characters_of_the_longest_line():
    assert figures.label_width(["5M", "10M"]) == 3 * figures.TICK_CHAR_PX
    # tags are not drawn, entities are one character, each <br> starts a new line
    widest = len("Médiane, Revenu") * figures.TICK_CHAR_PX
    assert figures.label_width(["<b>8,9 %</b><br>Médiane, Revenu", "A &amp; B"]) == widest
    assert figures.label_width([]) == 0


def test_the_corridor_ranking_leaves_room_for_its_longest_name():
    short = pd.DataFrame({"name": ["Fiji", "Chad"], "stock": [2.0, 1.0], "label": ["2", "1"]})
    long = pd.DataFrame({"name": ["United Kingdom of Great Britain and Northern Ireland", "Chad"], "stock": [2.0, 1.0],
                         "label": ["2", "1"]})
    fig_short, fig_long = figures.corridor_bars(short, "#000"), figures.corridor_bars(long, "#000")
    widest = len("United Kingdom of Great Britain and Northern Ireland (2)") * figures.TICK_CHAR_PX
    assert fig_long.layout.margin.l >= widest > fig_short.layout.margin.l
    assert all(spec.get("automargin") is False and spec.get("ticklabeloverflow") == "allow"
               for spec in axes(fig_long).values())
    assert set(axes(fig_long)) == {"xaxis", "yaxis"}
    assert fig_long.layout.xaxis.visible is False     # no value axis: every value is written beside its name


def test_the_stock_and_remittance_charts_fit_their_value_ticks_with_automargin_off():
    stocks = pd.DataFrame({"year": [2000, 2000, 2000, 2024, 2024, 2024], "sex": ["total", "female", "male"] * 2,
                           "immigrants": [3.0e6, 1.5e6, 1.5e6, 9.0e6, 4.0e6, 5.0e6],
                           "emigrants": [1.0e6, 0.5e6, 0.5e6, 2.0e6, 1.0e6, 1.0e6]})
    fig = figures.stocks(stocks[stocks["sex"] != "total"], ("Immigrants", "Emigrants"),
                         {"female": "Women", "male": "Men"}, 2024)
    assert set(axes(fig)) == {"xaxis", "xaxis2", "yaxis", "yaxis2"}
    assert all(spec.get("automargin") is False and spec.get("ticklabeloverflow") == "allow"
               for spec in axes(fig).values())
    assert fig.layout.margin.l >= figures.label_width(fig.layout.yaxis.ticktext) > 0
    assert fig.layout.shapes        # the chosen year's band is still there

    series = pd.DataFrame({"year": [2000, 2010, 2020], "received_usd": [1e9, 5e9, 4.1e10], "paid_usd": [1e8, 2e8, 3e8]})
    fig = figures.remittances(series, {"received_usd": "Received", "paid_usd": "Paid"}, 2020)
    assert all(spec.get("automargin") is False for spec in axes(fig).values())
    assert fig.layout.margin.l >= figures.label_width(fig.layout.yaxis.ticktext) > 0
    assert [s.x0 for s in fig.layout.shapes] == [2020]
    assert fig.layout.xaxis.tickangle == 0          # no label-by-label measuring for an angle


def test_the_peer_chart_keeps_a_line_of_margin_per_line_of_label():
    def fig(labels):
        return figures.peers(pd.DataFrame({"label": labels, "value": [1.0] * len(labels),
                                           "colour": ["#000"] * len(labels), "text": ["1%"] * len(labels)}), "x")
    one = fig(["Tonga", "Median: Oceania"])
    four = fig(["Tonga", "Médiane, Revenu intermédiaire (tranche supérieure)"])
    # the value line plus the label's lines (one, then four)
    assert one.layout.margin.b >= 2 * figures.TICK_LINE_PX and four.layout.margin.b >= 5 * figures.TICK_LINE_PX
    assert four.layout.margin.b > one.layout.margin.b
    assert one.layout.xaxis.automargin is False and one.layout.yaxis.automargin is False
    assert one.layout.xaxis.tickangle == 0
