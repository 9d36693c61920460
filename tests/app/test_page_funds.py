"""AppTest: the trust fund flows page runs with every filter (URL or widget), says "no flows" for an
empty selection, draws a Sankey whose links add up to the ladder and a map with the local topojson.

On the ledger fixture database (tests/ledger_fixtures.make_ledger_fixture_db: a seeded ledger of ten projects from
2008 to 2011); every figure the page shows is compared with the core's computation on the same database."""
import json

import pandas as pd

import pytest
from streamlit.testing.v1 import AppTest

import apptest_pages
from ipmd import queries
from ipmd.fund import report as fund_report
from ipmd.i18n import fmt_usd

PAGE = "pages/funds.py"
TOL = 1.0          # US$


def open_page(**params) -> AppTest:
    return apptest_pages.open_page(PAGE, **params)


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert at.title and at.title[0].value == "Trust fund flows"


def sankey_legs(at: AppTest) -> dict[str, float]:
    """Total link value per leg (customdata[4] of every link) of the page's Sankey."""
    spec = next(json.loads(e.proto.spec) for e in at.get("plotly_chart")
                if json.loads(e.proto.spec)["data"][0]["type"] == "sankey")
    link = spec["data"][0]["link"]
    legs: dict[str, float] = {}
    for value, data in zip(link["value"], link["customdata"]):
        legs[data[4]] = legs.get(data[4], 0.0) + value
    return legs


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(scope="module", autouse=True)
def con(on_ledger_fixture_db):
    """The ledger fixture database, which every page of this module reads (IPMD_DB)."""
    return on_ledger_fixture_db


def ledger_years(con) -> tuple[int, int]:
    """The first and last year of the ledger's transactions: the page's default period."""
    dates = pd.to_datetime(queries.ledger(con)["transactions"]["txn_date"])
    return int(dates.min().year), int(dates.max().year)


@pytest.fixture(scope="module")
def default_page():
    return open_page()


@pytest.fixture(scope="module")
def every_view():
    return apptest_pages.open_views(PAGE, ("flows", "map", "donors", "time", "uses"))


# ------------------------------------------------------------------------------------- default view

def test_page_runs_with_every_section(every_view):
    for view, at in every_view.items():
        ok(at)
        assert any("Illustrative data" in w.value for w in at.warning)
        labels = [m.label for m in at.metric]
        for label in ("Pledged", "Deposited", "Approved", "Disbursed", "Spent", "Fund balance", "Partner balance",
                      "Unpaid pledges"):
            assert label in labels, (view, label)
        assert at.tabs[0].label == "Where the money goes" and len(at.tabs) == 5
    kinds = {view: apptest_pages.chart_kinds(at) for view, at in every_view.items()}
    assert kinds["flows"] == ["bar", "sankey"]              # the ladder, then the open tab's charts
    assert kinds["map"] == ["bar", "choropleth"]
    assert kinds["donors"][0] == "bar" and "heatmap" in kinds["donors"] and len(kinds["donors"]) == 4
    assert kinds["time"][0] == "bar" and len(kinds["time"]) == 2
    assert kinds["uses"] == ["bar", "bar"]                  # the ladder, then the delivery rate by year
    uses = every_view["uses"]
    assert any("Sources and uses of funds" in h.value for h in uses.subheader)
    assert metric(every_view["donors"], "Status") == "Within the ceiling"
    assert "Status" not in [m.label for m in every_view["flows"].metric]


def test_the_open_tab_is_in_the_url_and_a_bad_one_is_reported():
    at = open_page()
    ok(at)
    assert "view" not in at.query_params                     # the default tab leaves the URL clean
    at.session_state["view"] = "Donors"                      # what a click on the tab does
    at.run()
    ok(at)
    assert at.query_params["view"] == "donors" and "Status" in [m.label for m in at.metric]
    at = open_page(view="nowhere")
    ok(at)
    assert any("?view=" in w.value and "nowhere" in w.value for w in at.warning)
    assert apptest_pages.chart_kinds(at) == ["bar", "sankey"]


def test_the_open_tab_stays_open_when_the_language_changes():
    at = open_page(view="map")
    at.sidebar.selectbox(key="lang").set_value("fr").run()
    assert not at.exception
    assert at.title[0].value == "Flux du fonds d'affectation spéciale"
    assert at.query_params["view"] == "map" and apptest_pages.chart_kinds(at) == ["bar", "choropleth"]
    assert at.tabs[1].label == "Fonds par pays bénéficiaire"


def test_kpis_are_the_ledger_and_carry_their_definitions(default_page, con):
    at = default_page
    ladder = fund_report.fund_report(con).ladder
    assert metric(at, "Deposited") == fmt_usd(ladder.deposited, "en")
    assert metric(at, "Approved") == fmt_usd(ladder.approved, "en")
    assert metric(at, "Fund balance") == fmt_usd(ladder.deposited - ladder.approved, "en")
    helps = {m.label: m.help for m in at.metric}
    assert "incoming funds" in helps["Deposited"].lower() and "pledges not yet paid" in helps["Deposited"].lower()
    assert "never added to deposits" in helps["Pledged"]


def test_sankey_links_sum_to_the_ladder(default_page, con):
    at = default_page
    ladder = fund_report.fund_report(con).ladder
    legs = sankey_legs(at)
    assert legs["donor>fund"] == pytest.approx(ladder.deposited, abs=TOL)
    assert legs["fund>balance"] == pytest.approx(ladder.deposited - ladder.approved, abs=TOL)
    for leg in ("fund>goal", "goal>partner", "partner>region"):
        assert legs[leg] == pytest.approx(ladder.approved, abs=TOL), leg
    captions = " ".join(c.value for c in at.caption).replace("\\$", "$")     # dollars are escaped for markdown
    assert (f"deposits {fmt_usd(ladder.deposited, 'en')} = approved {fmt_usd(ladder.approved, 'en')} "
            f"+ not yet approved {fmt_usd(ladder.fund_balance, 'en')}") in captions


def test_every_chart_says_illustrative(every_view):
    for element in [e for at in every_view.values() for e in at.get("plotly_chart")]:
        spec = json.loads(element.proto.spec)
        title = spec["layout"].get("title", {}).get("text", "")
        colorbar = json.dumps(spec["layout"].get("coloraxis", {}))
        assert "illustrative" in title.lower() or "illustrative" in colorbar.lower(), title


def test_the_map_uses_the_local_topojson(every_view):
    maps = [e for e in every_view["map"].get("plotly_chart")
            if {t["type"] for t in json.loads(e.proto.spec)["data"]} & {"choropleth", "scattergeo"}]
    assert len(maps) == 1
    assert json.loads(maps[0].proto.config)["topojsonURL"] == "app/static/"


def test_undecided_proposals_are_not_listed(every_view, con):
    projects = queries.ledger(con)["projects"]
    pipeline = projects.loc[projects.status.isin(["submitted", "under_review"]), "project_id"]
    pages = list(every_view.values())
    page_text = json.dumps([json.loads(e.proto.spec) for at in pages for e in at.get("plotly_chart")])
    page_text += " ".join(str(d.value) for at in pages for d in at.dataframe)
    assert not any(p in page_text for p in pipeline)


# ------------------------------------------------------------------------------------ filters by URL

@pytest.mark.parametrize("params", [
    {"from": "2009", "to": "2010"},
    {"donor_type": "government"},
    {"goal": "G2"},
    {"partner": "IOM,ILO"},
    {"middle": "area", "end_stage": "country", "other": "5"},
    {"money": "disbursed", "freq": "Q"},
    {"from": "2009", "to": "2009"},
])
def test_page_runs_with_each_filter_in_the_url(params, con):
    at = open_page(**params)
    ok(at)
    assert not [w.value for w in at.warning if "Illustrative" not in w.value]
    for key, value in params.items():
        assert at.query_params[key] == [value] or at.query_params[key] == value, key
    legs = sankey_legs(at)
    first, last = ledger_years(con)
    start = int(params.get("from", first)), int(params.get("to", last))
    report = fund_report.fund_report(con, *start, tuple(params.get("donor_type", "").split(",")) if "donor_type" in params else (),
                                     tuple(params["goal"].split(",")) if "goal" in params else (),
                                     tuple(params["partner"].split(",")) if "partner" in params else ())
    downstream = [v for k, v in legs.items() if not k.startswith(("donor>", "balance>")) and k != "fund>balance"]
    assert downstream and all(v == pytest.approx(report.ladder.approved, abs=TOL) for v in downstream)
    if "goal" in params or "partner" in params:
        assert legs["donor>fund"] == pytest.approx(report.ladder.approved, abs=TOL)
        assert metric(at, "Deposited") == "–"
    else:
        assert legs["donor>fund"] == pytest.approx(report.ladder.deposited, abs=TOL)


def test_other_threshold_groups_small_flows(con):
    at = open_page(end_stage="country", other="5")
    ok(at)
    assert at.select_slider(key="other").value == 5
    spec = next(json.loads(e.proto.spec) for e in at.get("plotly_chart")
                if json.loads(e.proto.spec)["data"][0]["type"] == "sankey")
    assert "Other" in spec["data"][0]["node"]["label"]


# --------------------------------------------------------------------------------- filters by widget

def test_filters_set_with_the_widgets_go_to_the_url(con):
    at = open_page()
    at.selectbox(key="from").set_value(2009)
    at.selectbox(key="to").set_value(2010)
    at.multiselect(key="donor_type").set_value(["government"])
    at.run()
    ok(at)
    assert at.query_params["from"] in ("2009", ["2009"]) and at.query_params["to"] in ("2010", ["2010"])
    assert at.query_params["donor_type"] in ("government", ["government"])
    report = fund_report.fund_report(con, 2009, 2010, ("government",))
    assert metric(at, "Deposited") == fmt_usd(report.ladder.deposited, "en")
    assert sankey_legs(at)["donor>fund"] == pytest.approx(report.ladder.deposited, abs=TOL)

    at.multiselect(key="goal").set_value(["G1"])
    at.multiselect(key="partner").set_value(["IOM"])
    at.run()
    ok(at)
    report = fund_report.fund_report(con, 2009, 2010, ("government",), ("G1",), ("IOM",))
    assert metric(at, "Approved") == fmt_usd(report.ladder.approved, "en")
    assert sankey_legs(at)["fund>goal"] == pytest.approx(report.ladder.approved, abs=TOL)
    assert any("goal or partner" in i.value for i in at.info)


# ------------------------------------------------------------------------------------ empty and bad

def test_a_period_with_no_transactions_says_no_flows():
    at = open_page(**{"from": "1990", "to": "1991"})
    ok(at)
    assert any("No flows" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_bad_url_values_give_a_warning_and_the_default_view(con):
    at = open_page(**{"from": "abc", "goal": "G9", "middle": "planet", "other": "77"})
    ok(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "abc" in warnings and "G9" in warnings and "planet" in warnings and "77" in warnings
    assert at.selectbox(key="from").value == ledger_years(con)[0]
    assert sankey_legs(at)["fund>goal"] > 0


def test_a_backwards_period_is_turned_round(con):
    at = open_page(**{"from": "2010", "to": "2009"})
    ok(at)
    assert any("backwards" in w.value for w in at.warning)
    approved = fund_report.fund_report(con, 2009, 2010).ladder.approved
    assert approved > 0 and metric(at, "Approved") == fmt_usd(approved, "en")


# ------------------------------------------------------------------------- a tab's control, that tab only

SECTIONS = ("fund_ladder", "fund_flows", "fund_map", "fund_donors", "fund_over_time", "fund_transactions")
BUILDERS = ("ladder", "sankey", "country_map", "donor_bars", "donor_timing", "ceiling_bar", "over_time")


@pytest.fixture
def calls(monkeypatch):
    """How often each section's core function and each figure builder really ran (a cache hit does not call it)."""
    import functools
    from collections import Counter

    import streamlit as st

    from components.figures import funds as figures

    counted = Counter()

    def counting(module, name):
        original = getattr(module, name)

        @functools.wraps(original)             # same name, so the same cache keys as the real function
        def wrapper(*args, **kwargs):
            counted[name] += 1
            return original(*args, **kwargs)
        monkeypatch.setattr(module, name, wrapper)

    for name in SECTIONS:
        counting(fund_report, name)
    for name in BUILDERS:
        counting(figures, name)
    st.cache_data.clear()                      # nothing left from other tests: every first call is counted
    st.cache_resource.clear()
    yield counted
    st.cache_data.clear()
    st.cache_resource.clear()


def test_a_tab_control_recomputes_that_tab_only(calls):
    at = open_page(end_stage="country")
    ok(at)
    assert calls == {"fund_ladder": 1, "fund_flows": 1, "ladder": 1, "sankey": 1}      # the open tab only
    first = sankey_legs(at)

    at.select_slider(key="other").set_value(10).run()          # the flows tab's own control
    ok(at)
    assert at.query_params["other"] in ("10", ["10"])
    assert calls["fund_flows"] == 2 and calls["sankey"] == 2
    assert calls["fund_ladder"] == 1 and calls["ladder"] == 1  # the ladder and its figure: taken from the cache
    assert not {"fund_map", "fund_donors", "fund_over_time", "fund_transactions"} & set(calls)
    grouped = sankey_legs(at)
    assert grouped == pytest.approx(first, abs=TOL)            # grouping into "Other" changes no leg's total

    at.query_params["view"] = "time"                           # another tab, then its own control
    at.session_state["view"] = "Over time"
    at.run()
    ok(at)
    at.segmented_control(key="freq").set_value("Q").run()
    ok(at)
    assert at.query_params["freq"] in ("Q", ["Q"])
    assert calls["fund_over_time"] == 2 and calls["over_time"] == 2
    assert calls["fund_ladder"] == 1 and calls["ladder"] == 1 and calls["fund_flows"] == 2
    assert not {"fund_map", "fund_donors"} & set(calls)
    assert at.query_params["other"] in ("10", ["10"])          # the hidden tab's setting stays in the link



# ------------------------------------------------------------------ the top filters rerun the page's body only

def test_a_top_filter_reruns_the_body_not_the_navigation_and_sidebar(monkeypatch, con):
    """The filters, ladder, open tab and downloads are one fragment (issue 18: the funds filter): a donor type reruns
    it, not app.py's navigation and sidebar. AppTest reruns the whole script on every interaction, so the
    fragment-scoped rerun a browser asks for is made here the same way: a RerunData naming the fragment. What it
    shows must equal the core's figures for the same filters, and the URL follows."""
    from components import sidebar

    calls = apptest_pages.count_calls(monkeypatch, sidebar, ("year_picker",))
    at = open_page()
    ok(at)
    assert calls == {"year_picker": 1}
    assert sorted(apptest_pages.fragment_names(at).values()) == ["body", "flows_tab"]
    apptest_pages.rerun_fragments_only(monkeypatch, at, only=("body",))
    at.multiselect(key="donor_type").set_value(["government"]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert calls == {"year_picker": 1}                           # the sidebar (app.py) did not run again
    assert at.query_params["donor_type"] in ("government", ["government"])
    first, last = ledger_years(con)
    report = fund_report.fund_report(con, first, last, ("government",))
    assert metric(at, "Deposited") == fmt_usd(report.ladder.deposited, "en")
    assert sankey_legs(at)["donor>fund"] == pytest.approx(report.ladder.deposited, abs=TOL)
    assert [m.label for m in at.metric].count("Deposited") == 1  # replaced, not added
    assert len([c for c in at.get("plotly_chart")]) == 2         # the ladder and the Sankey, once each


def test_the_sankey_pickers_list_its_donors_and_partners(default_page, con):
    """The donor and partner pickers under the diagram offer the diagram's own donors and partners ("Other" left out),
    worked out once with the links (ipmd.fund.report.stage_nodes)."""
    first, last = ledger_years(con)
    flow = fund_report.fund_flows(con, first, last, middle="goal", end_stage="region", other_pct=3.0)
    links = flow.links
    for key, stage in (("sankey_donor", "donor"), ("sankey_partner", "partner")):
        ends = pd.concat([links.loc[links[f"{c}_stage"] == stage, [c, f"{c}_label"]].set_axis(["node", "label"], axis=1)
                          for c in ("source", "target")]).drop_duplicates("node")
        ends = ends[~ends["node"].str.endswith(":Other")]
        assert len(ends) > 1
        assert default_page.selectbox(key=key).options == ends["label"].tolist()
