"""The profile's peer chart (components/figures/profile.py `peers`) on a 390 px phone (issue 17): labels wrap onto
short level lines instead of slanting, and each label starts with its bar's value (no value axis to take the width,
no text on the bars for plotly to lay out bar by bar)."""
from __future__ import annotations

import pandas as pd

from components.figures import profile as figures


def frame(labels: list[str]) -> pd.DataFrame:
    values = [51.1, 12.0, 8.9][:len(labels)]
    return pd.DataFrame({"label": labels, "value": values, "colour": ["#0072b2"] * len(labels),
                         "text": [f"{v}%" for v in values]})


def test_peer_labels_wrap_level_and_keep_every_word():
    labels = ["Tonga", "Median: Oceania", "Médiane, Revenu intermédiaire (tranche supérieure)"]
    fig = figures.peers(frame(labels), "Emigrants, % of the population of the country of origin")
    values = [tick.split("<br>")[0] for tick in fig.data[0].x]
    assert values == ["<b>51.1%</b>", "<b>12.0%</b>", "<b>8.9%</b>"]          # each bar's value first, in bold
    ticks = [tick.split("<br>", 1)[1] for tick in fig.data[0].x]
    assert ticks[:2] == ["Tonga", "Median: Oceania"]                 # short labels stay on one line
    assert ticks[2].split("<br>") == ["Médiane, Revenu", "intermédiaire", "(tranche", "supérieure)"]
    assert all(len(line) <= figures.PEER_LABEL_CHARS for tick in ticks for line in tick.split("<br>"))
    assert [t.replace("<br>", " ") for t in ticks] == labels          # nothing cut or dropped
    assert fig.layout.xaxis.tickangle == 0
    assert fig.layout.yaxis.visible is False
    assert list(fig.data[0].y) == [51.1, 12.0, 8.9] and fig.data[0].textposition == "none"
    # the hover names the whole label and the indicator
    assert [c[0] for c in fig.data[0].customdata] == labels

