"""AppTest: a table's numbers and a chart's axis read in the page's language (issue 17), on the funds page's donors
tab in French and Spanish. Expected texts are built from the ledger (the core's donor summary) and Babel."""
import base64
import json

import numpy as np

import pyarrow as pa
import pytest
from babel.numbers import format_compact_decimal, format_decimal

import apptest_pages
from ipmd.i18n import t


@pytest.fixture(scope="module", autouse=True)
def con(on_ledger_fixture_db):
    return on_ledger_fixture_db


def numbers(values) -> np.ndarray:
    """A trace's numbers as plotly's JSON holds them: a list, or a typed array in base64 ({'dtype', 'bdata'})."""
    if isinstance(values, dict):
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return array.reshape(values["shape"]) if "shape" in values and isinstance(values["shape"], list) else array
    return np.array(values, dtype=float)


def usd(value: float, lang: str) -> str:
    """A US$ tick as CLDR's short compact form (Babel) in the catalogue's US$ words: '2 M $ US', 'US$ 500 mil'."""
    amount = format_compact_decimal(value, format_type="short", locale=lang, fraction_digits=1) \
        if value >= 1000 else format_decimal(value, locale=lang)
    return t("unit.usd", lang, amount=amount)


def donors_page(lang: str):
    at = apptest_pages.app_test("pages/funds.py", view="donors", lang=lang)
    at.session_state["funds_donors_data"] = True         # the donors' table, drawn only while open
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture(scope="module", params=["fr", "es"])
def page(request):
    return request.param, donors_page(request.param)


def test_the_donor_table_writes_shares_and_amounts_in_the_language(page):
    lang, at = page
    table = next(d for d in at.dataframe if "share_of_deposits" in d.value.columns)
    data = table.value
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pandas()
    assert data["share_of_deposits"].dtype.kind == "f"           # still numbers: the column sorts by value
    for row in range(len(data)):
        share, deposited = data["share_of_deposits"][row], data["deposited_usd"][row]
        assert shown["share_of_deposits"][row] == t(
            "unit.pct", lang, value=format_decimal(round(100 * share, 1), format="0.0", locale=lang))
        grouping = "#,##0" if abs(deposited) >= (10_000 if lang == "es" else 1_000) else "0"
        assert shown["deposited_usd"][row] == t(
            "unit.usd", lang, amount=format_decimal(round(deposited), format=grouping, locale=lang))


def test_the_donor_bars_axis_reads_cldr_short_forms(page):
    lang, at = page
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["data"][0].get("orientation") == "h")     # pledged beside deposited
    axis = spec["layout"]["xaxis"]
    assert "tickprefix" not in axis and axis.get("tickformat") in (None, "")
    assert axis["ticktext"] == [usd(value, lang) for value in axis["tickvals"]]
    assert max(axis["tickvals"]) >= max(np.nanmax(numbers(trace["x"])) for trace in spec["data"])


def test_the_heat_maps_colour_bar_is_written_in_the_language(page):
    lang, at = page
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["data"][0]["type"] == "heatmap")
    bar = spec["data"][0]["colorbar"]
    assert "tickprefix" not in bar and bar["ticktext"] == [usd(value, lang) for value in bar["tickvals"]]
    cells = numbers(spec["data"][0]["z"])
    assert min(bar["tickvals"]) <= np.nanmin(cells) and max(bar["tickvals"]) >= np.nanmax(cells)
