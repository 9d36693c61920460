"""The profile's corridor ranking writes each value beside its country's name on the axis, not on the bar (issue 18:
plotly measured every bar's text one at a time, which forced the page's layout once per bar on the country switch)."""
import pandas as pd

from components.figures import profile as figures


def test_each_value_is_written_beside_its_country_and_no_bar_carries_text():
    rows = pd.DataFrame({"name": ["United States", "Saudi Arabia", "Canada"], "stock": [4_500_000.0, 800_000.0, 1_000_000.0],
                         "label": ["4.5M", "800k", "1.0M"]})
    fig = figures.corridor_bars(rows, "#E69F00")
    [bars] = fig.data
    assert bars.textposition == "none"
    # the bars still name the countries (largest on top: plotly draws the first category at the bottom)
    assert list(bars.y) == ["Saudi Arabia", "Canada", "United States"]
    assert list(bars.x) == [800_000.0, 1_000_000.0, 4_500_000.0]
    axis = fig.layout.yaxis
    assert list(axis.tickvals) == list(bars.y)
    assert list(axis.ticktext) == ["Saudi Arabia (800k)", "Canada (1.0M)", "United States (4.5M)"]
