"""The stepping world map's hover labels (components/figures/years_map.py, issue 18): the source every label ends
with is written once, in the hover templates of the traces with a value, not in each label of each frame; what a
reader sees on hover (label, then the template's tail) is the label the page built."""
from __future__ import annotations

import json
import math

import pandas as pd

from components.figures import years_map

COUNTRIES = pd.DataFrame({"iso3": ["MAR", "PHL", "TON", "FJI"], "name": ["Morocco", "Philippines", "Tonga", "Fiji"],
                          "is_small_state": [False, False, True, True], "label_lon": [-7.0, 122.0, -175.2, 178.0],
                          "label_lat": [31.8, 12.9, -21.2, -17.7]})
WORDS = {"year": "Year: ", "play": "Play", "pause": "Pause"}


def values(sources=("UN DESA, IMS 2024",) * 5) -> pd.DataFrame:
    rows = [(2020, "MAR", 100_000.0, 2020), (2020, "PHL", 200_000.0, 2020), (2020, "TON", 5_000.0, 2020),
            (2024, "MAR", 120_000.0, 2024), (2024, "PHL", 210_000.0, 2020)]
    frame = pd.DataFrame(rows, columns=["map_year", "iso3", "value", "year"])
    frame["label"] = [f"{v:,.0f}<br>{y} · {s}" for v, y, s in zip(frame["value"], frame["year"], sources)]
    return frame


def spec(frame: pd.DataFrame) -> dict:
    fig = years_map.stepping_map(frame.drop(columns="year"), COUNTRIES, 2024, colorbar_title="Immigrants",
                                 log_scale=True, words=WORDS, lang="en")
    return json.loads(fig.to_json())


def seen(trace: dict) -> dict[str, str]:
    """Per ISO3 code, the hover text below the country's name: its label and the template's tail."""
    after = trace["hovertemplate"].split("%{customdata[2]}", 1)[1].split("<extra>", 1)[0]
    return {iso3: label + after for iso3, _, label in trace["customdata"]}


def test_the_shared_source_is_in_the_template_and_the_reader_sees_every_label_whole():
    frame = values()
    figure = spec(frame)
    labels = {(int(r.map_year), r.iso3): r.label for r in frame.itertuples()}
    countries, states, bare = figure["data"]
    assert seen(countries) == {"MAR": labels[2024, "MAR"], "PHL": labels[2024, "PHL"]}
    assert "UN DESA, IMS 2024" in countries["hovertemplate"] and "UN DESA, IMS 2024" in states["hovertemplate"]
    # Tonga has no 2024 value: a grey marker whose hover names it and nothing else (no source after an empty label)
    assert [c[0] for c in bare["customdata"]] == ["TON", "FJI"] and "UN DESA" not in bare["hovertemplate"]
    frames = {f["name"]: f["data"] for f in figure["frames"]}
    assert list(frames) == ["2020", "2024"]
    for name, (shapes, dots, _) in frames.items():
        assert not any("UN DESA" in c[2] for c in shapes["customdata"] + dots["customdata"])
        shown = {iso3: label + " · UN DESA, IMS 2024" for iso3, _, label in shapes["customdata"] + dots["customdata"]}
        assert shown == {iso3: label for (year, iso3), label in labels.items() if year == int(name)}
    shapes_2020 = dict(zip(frames["2020"][0]["locations"], frames["2020"][0]["z"]))
    # the colour value to 7 significant digits: log10(200,000) = 5.301029995..., sent as 5.30103
    assert shapes_2020["PHL"] == 5.30103 and math.isclose(shapes_2020["PHL"], math.log10(200_000), rel_tol=1e-6)


def test_labels_of_several_sources_stay_whole():
    frame = values(("UN DESA, IMS 2024",) * 4 + ("World Bank, WDI",))
    countries = spec(frame)["data"][0]
    assert countries["hovertemplate"] == years_map.HOVER
    assert seen(countries)["PHL"].endswith(" · World Bank, WDI") and seen(countries)["MAR"].endswith(" · UN DESA, IMS 2024")


def test_a_source_with_template_syntax_stays_in_the_labels():
    countries = spec(values(("Odd %{x} source",) * 5))["data"][0]
    assert countries["hovertemplate"] == years_map.HOVER and seen(countries)["MAR"].endswith(" · Odd %{x} source")
