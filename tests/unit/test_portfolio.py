"""The demonstration portfolio: deterministic, plausible, illustrative, and it passes every invariant."""
import numpy as np
import pandas as pd
import pytest

from ipmd import DEFAULT_SOURCES
from ipmd.build.framework import GFMD_FILE, PARTNER_IDS, framework_tables
from ipmd.build.portfolio import AS_OF, PORTFOLIO_SOURCE, generate_portfolio
from ipmd.ledger.invariants import IATI_CODES, ledger_invariant_problems

REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania"]
INCOME = ["Low income", "Lower middle income", "Upper middle income", "High income"]
SCHEMA = {
    "donors": ["donor_id", "name", "donor_type", "iso3", "is_world_bank_internal", "is_illustrative"],
    "projects": ["project_id", "title", "partner_id", "area_id", "gfmd_item_id", "objectives",
                 "expected_results", "status", "requested_usd", "submitted_date", "decision_date", "start_date",
                 "end_date", "is_illustrative", "gender_marker"],
    "project_countries": ["project_id", "iso3", "share"],
    "project_goals": ["project_id", "goal_id", "weight", "is_primary"],
    "transactions": ["txn_id", "txn_type", "iati_code", "txn_date", "donor_id", "project_id", "amount_usd",
                     "currency", "amount_original", "is_illustrative"],
    "results": ["result_id", "project_id", "result_type", "title", "description", "is_illustrative"],
    "result_indicators": ["result_indicator_id", "result_id", "title", "unit", "by_sex", "baseline_year",
                          "baseline_value", "is_illustrative"],
    "indicator_periods": ["result_indicator_id", "period_start", "period_end", "sex", "target_value",
                          "actual_value", "is_illustrative"],
    "report_milestones": ["project_id", "report_type", "due_date", "received_date", "is_illustrative"],
    "project_documents": ["document_id", "project_id", "title", "category", "url", "document_date",
                          "is_illustrative"],
}


def make_countries(n: int = 150) -> pd.DataFrame:
    """Made-up countries (codes X000 ...) with made-up intensities, some missing, in shuffled order."""
    rng = np.random.default_rng(7)
    c = pd.DataFrame({
        "iso3": [f"X{i:03d}" for i in range(n)],
        "name_en": [f"Country {i}" for i in range(n)],
        "un_region": [REGIONS[i % 5] for i in range(n)],
        "wb_region": "Somewhere",
        "income_group": [INCOME[i % 4] for i in range(n)],
        "emigrant_pct_pop": rng.gamma(1.0, 5.0, n),
        "immigrant_pct_pop": rng.gamma(1.0, 3.0, n),
        "remittances_pct_gdp": rng.gamma(1.0, 4.0, n),
        "refugees_per_1000": rng.gamma(0.5, 2.0, n),
    })
    c.loc[::7, "remittances_pct_gdp"] = np.nan
    c.loc[::11, "refugees_per_1000"] = np.nan
    return c.sample(frac=1.0, random_state=3).reset_index(drop=True)


def make_gfmd() -> pd.DataFrame:
    rows = [("GFMD2007-RT1", 2007, "roundtable"), ("GFMD2007-RT2", 2007, "roundtable"),
            ("GFMD2007-RT3", 2007, "roundtable"), ("GFMD2007-CC1", 2007, "cross_cutting"),
            ("GFMD2007-OUT1", 2007, "outcome"), ("GFMD2007-FMT1", 2007, "format"),
            ("GFMD2008-RT1", 2008, "roundtable"), ("GFMD2008-RT2", 2008, "roundtable"),
            ("GFMD2008-OUT1", 2008, "outcome"), ("GFMD2008-OUT2", 2008, "outcome"),
            ("GFMD2008-OUT3", 2008, "outcome"), ("GFMD2008-REC1", 2008, "recommendation"),
            ("GFMD2008-PART1", 2008, "participation")]
    return pd.DataFrame({"gfmd_item_id": [r[0] for r in rows], "meeting": [f"GFMD {r[1]}" for r in rows],
                         "year": [r[1] for r in rows], "item_type": [r[2] for r in rows],
                         "roundtable_no": None, "title": [f"Item {r[0]}" for r in rows], "summary": None,
                         "source_url": None})


def make_rates() -> pd.DataFrame:
    currencies = {"EUR": 0.75, "GBP": 0.6, "SEK": 7.0, "NOK": 6.0, "DKK": 5.5, "CHF": 1.1, "AUD": 1.2,
                  "CAD": 1.1, "JPY": 100.0, "PHP": 45.0, "MXN": 13.0, "MAD": 8.5}
    return pd.DataFrame([(c, y, r * (1 + 0.03 * (y - 2008))) for c, r in currencies.items()
                         for y in range(2005, 2024)], columns=["currency", "year", "lcu_per_usd"])


@pytest.fixture(scope="module")
def pf():
    return generate_portfolio(make_countries(), make_gfmd(), exchange_rates=make_rates())


def test_schema_columns(pf):
    for name, cols in SCHEMA.items():
        assert list(pf[name].columns) == cols, name


def test_passes_every_ledger_invariant(pf):
    assert ledger_invariant_problems(pf) == []


def test_same_inputs_same_output_whatever_their_order(pf):
    again = generate_portfolio(make_countries().sort_values("iso3"), make_gfmd().iloc[::-1],
                               exchange_rates=make_rates())
    for name in pf:
        pd.testing.assert_frame_equal(pf[name], again[name])
    other = generate_portfolio(make_countries(), make_gfmd(), seed=1, exchange_rates=make_rates())
    assert not other["projects"]["title"].equals(pf["projects"]["title"])


def test_everything_is_illustrative(pf):
    for name in ("donors", "projects", "transactions"):
        assert pf[name]["is_illustrative"].all()
    assert PORTFOLIO_SOURCE["source_id"] == "illustrative_portfolio" and PORTFOLIO_SOURCE["is_illustrative"]
    assert "not real" in PORTFOLIO_SOURCE["notes"].lower() and "seed" in PORTFOLIO_SOURCE["notes"].lower()


def test_donors(pf):
    d = pf["donors"]
    assert 22 <= len(d) <= 28 and d["donor_id"].is_unique
    assert set(d["donor_type"]) == {"government", "private", "multilateral"}
    gov = d[d["donor_type"] == "government"]
    assert gov["iso3"].notna().all() and gov["iso3"].str.fullmatch("[A-Z]{3}").all()
    assert d.loc[d["donor_type"] == "private", "name"].str.contains("illustrative").all()
    wb = d[d["is_world_bank_internal"]]
    assert list(wb["name"]) == ["World Bank Development Grant Facility"]


def test_world_bank_share_is_well_under_the_ceiling(pf):
    t = pf["transactions"]
    dep = t[t["txn_type"] == "deposit"]
    wb_ids = set(pf["donors"].loc[pf["donors"]["is_world_bank_internal"], "donor_id"])
    share = dep.loc[dep["donor_id"].isin(wb_ids), "amount_usd"].sum() / dep["amount_usd"].sum()
    assert 0.08 <= share <= 0.12


def test_some_pledges_are_unpaid(pf):
    t = pf["transactions"]
    money = t[t["txn_type"].isin(["pledge", "deposit"])].pivot_table(
        index="donor_id", columns="txn_type", values="amount_original", aggfunc="sum", fill_value=0)
    assert (money["pledge"] > money["deposit"]).sum() >= 3


def test_transactions(pf):
    t = pf["transactions"]
    assert t["txn_id"].is_unique
    assert (t["iati_code"] == t["txn_type"].map(IATI_CODES)).all()
    assert t["txn_date"].between(pd.Timestamp("2008-01-01"), AS_OF).all()
    assert (t["amount_usd"] > 0).all()
    donor_side = t["txn_type"].isin(["pledge", "deposit"])
    assert t.loc[donor_side, "donor_id"].notna().all() and t.loc[donor_side, "project_id"].isna().all()
    assert t.loc[~donor_side, "project_id"].notna().all() and t.loc[~donor_side, "donor_id"].isna().all()
    # donors pay in their own currency, converted at the year's rate
    rates = make_rates().set_index(["currency", "year"])["lcu_per_usd"]
    eur = t[t["currency"] == "EUR"]
    assert len(eur) > 5
    expected = eur["amount_original"] / [rates[("EUR", d.year)] for d in eur["txn_date"]]
    assert np.allclose(eur["amount_usd"], expected, atol=0.01)
    assert set(t.loc[~donor_side, "currency"]) == {"USD"}


def test_without_exchange_rates_everything_is_in_dollars():
    t = generate_portfolio(make_countries(), make_gfmd())["transactions"]
    assert set(t["currency"]) == {"USD"} and (t["amount_usd"] == t["amount_original"]).all()
    assert ledger_invariant_problems(generate_portfolio(make_countries(), make_gfmd())) == []


def test_projects(pf):
    p = pf["projects"]
    assert 60 <= len(p) <= 90 and p["project_id"].is_unique
    assert set(p["partner_id"]) <= set(PARTNER_IDS) and p["partner_id"].nunique() >= 8
    assert set(p["area_id"]) == {"A", "B"}
    assert {"submitted", "under_review", "approved", "active", "closed", "rejected"} == set(p["status"])
    assert p["title"].str.len().gt(20).all() and p["objectives"].str.len().gt(40).all()
    assert (p["requested_usd"] > 0).all()
    pipeline = p[p["status"].isin(["submitted", "under_review"])]
    assert 10 <= len(pipeline) <= 15
    assert pipeline["decision_date"].isna().all() and (pipeline["submitted_date"].dt.year == 2015).all()
    decided = p[~p["status"].isin(["submitted", "under_review"])]
    assert decided["decision_date"].notna().all()
    assert (decided["decision_date"] > decided["submitted_date"]).all()
    funded = p[p["status"].isin(["approved", "active", "closed"])]
    assert (funded["start_date"] > funded["decision_date"]).all() and (funded["end_date"] > funded["start_date"]).all()
    assert (funded.loc[funded["status"] == "closed", "end_date"] <= AS_OF).all()
    assert (funded.loc[funded["status"] == "approved", "start_date"] > AS_OF).all()
    # only funded projects have money
    t = pf["transactions"]
    assert set(t["project_id"].dropna()) == set(funded["project_id"])


def test_pipeline_asks_for_more_than_the_balance(pf):
    t, p = pf["transactions"], pf["projects"]
    balance = t.loc[t["txn_type"] == "deposit", "amount_usd"].sum() - t.loc[t["txn_type"] == "commitment", "amount_usd"].sum()
    asked = p.loc[p["status"].isin(["submitted", "under_review"]), "requested_usd"].sum()
    assert balance > 0 and asked > balance


def test_goals(pf):
    g = pf["project_goals"]
    assert set(g["project_id"]) == set(pf["projects"]["project_id"])
    assert set(g["goal_id"]) == {"G1", "G2", "G3"}
    assert g.groupby("project_id")["is_primary"].sum().eq(1).all()
    assert (g.groupby("project_id").size() > 1).any()


def test_gfmd_follow_up_has_gaps(pf):
    p = pf["projects"]
    followed = set(p["gfmd_item_id"].dropna())
    assert followed <= set(make_gfmd()["gfmd_item_id"])
    assert 0.6 <= p["gfmd_item_id"].notna().mean() < 1.0
    gfmd = make_gfmd()
    outcomes = set(gfmd.loc[gfmd["item_type"] == "outcome", "gfmd_item_id"])
    assert outcomes - followed, "some outcomes must have no follow-up"
    assert not followed & set(gfmd.loc[gfmd["item_type"].isin(["format", "participation"]), "gfmd_item_id"])
    # a project follows up a Forum held before it was submitted
    year = p["gfmd_item_id"].str[4:8].astype(float)
    assert (year.dropna() < p.loc[year.notna(), "submitted_date"].dt.year).all()


def test_countries_follow_need_but_leave_gaps(pf):
    c = make_countries()
    pc = pf["project_countries"]
    assert set(pc["iso3"]) <= set(c.loc[c["income_group"] != "High income", "iso3"])
    assert pc.groupby("project_id").size().between(1, 4).all()
    assert np.allclose(pc.groupby("project_id")["share"].sum(), 1.0)
    eligible = c[c["income_group"] != "High income"].copy()
    ranks = eligible[["emigrant_pct_pop", "immigrant_pct_pop", "remittances_pct_gdp", "refugees_per_1000"]].rank(pct=True)
    eligible["intensity"] = ranks.max(axis=1)
    covered = eligible["iso3"].isin(pc["iso3"])
    top = eligible.nlargest(20, "intensity")
    assert (~top["iso3"].isin(pc["iso3"])).sum() >= 4          # high-need countries left uncovered
    assert eligible.loc[covered, "intensity"].mean() > eligible.loc[~covered, "intensity"].mean()
    assert covered.sum() >= 30


@pytest.mark.skipif(not (DEFAULT_SOURCES / GFMD_FILE).exists(), reason="no source folder")
def test_with_the_real_gfmd_items():
    items = framework_tables(DEFAULT_SOURCES)["gfmd_items"]
    pf = generate_portfolio(make_countries(), items)
    assert ledger_invariant_problems(pf) == []
    followed = set(pf["projects"]["gfmd_item_id"].dropna())
    assert followed <= set(items["gfmd_item_id"])
    outcomes = set(items.loc[items["item_type"] == "outcome", "gfmd_item_id"])
    assert outcomes - followed


@pytest.mark.parametrize("filters", [
    {}, {"donor_types": ("government",)}, {"goal_ids": ("G2",)}, {"partner_ids": ("IOM", "ILO")},
    {"start": "2012-01-01", "end": "2012-12-31"}, {"start": "2013-01-01", "end": "2013-06-30", "goal_ids": ("G1",)}, {"start": "2013-01-01", "end": "2013-12-31", "goal_ids": ("G1",)},
])
def test_fund_figures_reconcile_on_the_portfolio(pf, filters):
    from ipmd.fund import flows
    tables = {**pf, "countries": make_countries()}
    f = flows.FundFilters(**filters)
    ladder = flows.ladder_for(tables, f)
    links = flows.flow_links(tables, ("goal", "area", "partner", "region", "country"), f, other_threshold_share=0.05)
    legs = flows.leg_totals(links)
    for leg in ("fund>goal", "goal>area", "area>partner", "partner>region", "region>country"):
        assert legs.get(leg, 0.0) == pytest.approx(ladder.approved)
    if f.selects_projects:
        assert legs.get("donor>fund", 0.0) == pytest.approx(ladder.approved)
    else:
        assert legs["donor>fund"] == pytest.approx(ladder.deposited)
        balance = legs.get("fund>balance", 0.0) - legs.get("balance>fund", 0.0)
        assert balance == pytest.approx(ladder.fund_balance)
    by_country = flows.amounts_by_country(tables, "approved", f)
    assert by_country["amount_usd"].sum() == pytest.approx(ladder.approved)


# ------------------------------------------------------------------------ results framework (issue 20)

def test_results_respect_their_own_rules(pf):
    from ipmd.ledger.results_rules import results_problems
    assert results_problems(pf) == []


def test_results_are_illustrative_and_link_to_nothing_real(pf):
    for name in ("results", "result_indicators", "indicator_periods", "report_milestones", "project_documents"):
        assert len(pf[name]) and pf[name]["is_illustrative"].all(), name
    urls = pf["project_documents"]["url"].dropna()
    assert len(urls) and urls.str.startswith("https://example.org/").all()


def test_every_project_but_the_rejected_has_results_and_funded_ones_have_periods(pf):
    projects = pf["projects"].set_index("project_id")
    with_results = set(pf["results"]["project_id"])
    assert with_results == set(projects.index[projects["status"] != "rejected"])
    per_project = pf["results"].groupby("project_id")["result_type"].agg(set)
    assert all({"objective", "outcome", "output"} <= kinds for kinds in per_project)
    periods = pf["indicator_periods"].merge(pf["result_indicators"][["result_indicator_id", "result_id"]]) \
        .merge(pf["results"][["result_id", "project_id"]])
    funded = set(projects.index[projects["status"].isin(["approved", "active", "closed"])])
    assert set(periods["project_id"]) == funded
    p = periods.join(projects[["start_date", "end_date"]], on="project_id")
    assert (p["period_start"] >= p["start_date"]).all() and (p["period_end"] <= p["end_date"]).all()
    # actual values only for the periods over by the ledger's cut-off, and for every one of them
    assert p.loc[p["period_end"] > AS_OF, "actual_value"].isna().all()
    assert p.loc[p["period_end"] <= AS_OF, "actual_value"].notna().all()


def test_people_are_counted_by_sex_and_fit_the_work(pf):
    ind = pf["result_indicators"]
    assert (ind.loc[ind["by_sex"], "unit"] == "persons").all()
    by_sex = pf["indicator_periods"].merge(ind[["result_indicator_id", "by_sex"]])
    assert set(by_sex.loc[by_sex["by_sex"], "sex"]) == {"female", "male"}
    assert set(by_sex.loc[~by_sex["by_sex"], "sex"]) == {"total"}
    titles = pf["results"].merge(pf["projects"][["project_id", "area_id"]])
    trained = titles[titles["title"] == "Labour migration officials trained, by sex"]
    assert len(trained) and (trained["area_id"] == "B").all()           # capacity work, not research
    profiles = titles[titles["title"] == "National migration profile published"]
    assert len(profiles) and (profiles["area_id"] == "A").all()


def test_reports_some_late_some_outstanding_and_gender_markers(pf):
    m = pf["report_milestones"]
    due = m[m["due_date"] <= AS_OF]
    late = due["received_date"].isna() | (due["received_date"] > due["due_date"])
    assert 0.1 < late.mean() < 0.5                       # some late, most on time
    assert (m.groupby("project_id")["report_type"].apply(lambda s: (s == "final").sum()) == 1).all()
    assert (m["received_date"].dropna() <= AS_OF).all()
    markers = pf["projects"]["gender_marker"]
    assert markers.dropna().isin([0, 1, 2, 3]).all()
    assert markers[pf["projects"]["status"] == "rejected"].isna().all()
    assert markers.dropna().nunique() >= 3
