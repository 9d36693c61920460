"""Fund computations on a small hand-made ledger whose answers are worked out by hand below.

Donors: GOV (government) pledges 1000, deposits 600 + 200; PRV (private) pledges and deposits 300;
WB (World Bank DGF, internal) pledges and deposits 100. Deposits 1200: GOV 2/3, PRV 1/4, WB 1/12.
Projects: P1 (IOM, area A; goals G1 0.7 primary, G2 0.3; PHL 100%) approved 500, disbursed 400,
spent 350, all in 2010. P2 (ILO, area B; G3; MEX 60%, GTM 40%) approved 300, disbursed 300, spent 100,
in 2011. So: pledged 1400, deposited 1200, approved 800, disbursed 700, spent 450, fund balance 400,
partner balance 250, unpaid pledges 200 (GOV).
"""
import math

import pandas as pd
import pytest

from ipmd.fund import flows
from ipmd.fund.flows import FundFilters

CODES = {"pledge": 11, "deposit": 1, "commitment": 2, "disbursement": 3, "expenditure": 4}


def txn(i, kind, date, amount, donor=None, project=None):
    return {"txn_id": f"T{i}", "txn_type": kind, "iati_code": CODES[kind], "txn_date": pd.Timestamp(date),
            "donor_id": donor, "project_id": project, "amount_usd": float(amount), "currency": "USD",
            "amount_original": float(amount), "is_illustrative": True}


def ledger(wb_deposit: float = 100.0) -> dict[str, pd.DataFrame]:
    rows = [
        txn(1, "pledge", "2010-01-01", 1000, donor="GOV"),
        txn(2, "pledge", "2010-01-01", wb_deposit, donor="WB"),
        txn(3, "pledge", "2010-01-15", 300, donor="PRV"),
        txn(4, "deposit", "2010-02-01", 600, donor="GOV"),
        txn(5, "deposit", "2010-03-01", 300, donor="PRV"),
        txn(6, "deposit", "2010-03-01", wb_deposit, donor="WB"),
        txn(7, "commitment", "2010-04-01", 500, project="P1"),
        txn(8, "disbursement", "2010-05-01", 400, project="P1"),
        txn(9, "expenditure", "2010-12-31", 350, project="P1"),
        txn(10, "commitment", "2011-01-15", 300, project="P2"),
        txn(11, "disbursement", "2011-02-01", 300, project="P2"),
        txn(12, "deposit", "2011-03-01", 200, donor="GOV"),
        txn(13, "expenditure", "2011-12-31", 100, project="P2"),
    ]
    return {
        "donors": pd.DataFrame({"donor_id": ["GOV", "PRV", "WB"], "name": ["Gov", "Foundation", "World Bank DGF"],
                                "donor_type": ["government", "private", "multilateral"],
                                "iso3": ["BEL", None, None], "is_world_bank_internal": [False, False, True],
                                "is_illustrative": True}),
        "projects": pd.DataFrame({"project_id": ["P1", "P2"], "title": ["one", "two"],
                                  "partner_id": ["IOM", "ILO"], "area_id": ["A", "B"],
                                  "status": ["closed", "active"]}),
        "project_goals": pd.DataFrame({"project_id": ["P1", "P1", "P2"], "goal_id": ["G1", "G2", "G3"],
                                       "weight": [0.7, 0.3, 1.0], "is_primary": [True, False, True]}),
        "project_countries": pd.DataFrame({"project_id": ["P1", "P2", "P2"], "iso3": ["PHL", "MEX", "GTM"],
                                           "share": [1.0, 0.6, 0.4]}),
        "transactions": pd.DataFrame(rows),
        "goals": pd.DataFrame({"goal_id": ["G1", "G2", "G3"],
                               "short_name": ["GFMD follow-up", "Policy coherence", "Capacity building"]}),
        "countries": pd.DataFrame({"iso3": ["PHL", "MEX", "GTM"], "un_region": ["Asia", "Americas", "Americas"],
                                   "name_en": ["Philippines", "Mexico", "Guatemala"]}),
    }


def legs(links) -> dict[str, float]:
    return {k: round(v, 6) for k, v in flows.leg_totals(links).items()}


# ---------------------------------------------------------------------------------------------- ladder

def test_ladder_keeps_the_five_numbers_apart():
    lad = flows.funding_ladder(ledger()["transactions"])
    assert (lad.pledged, lad.deposited, lad.approved, lad.disbursed, lad.spent) == (1400, 1200, 800, 700, 450)
    assert (lad.fund_balance, lad.partner_balance, lad.unpaid_pledges) == (400, 250, 200)
    stages = lad.stages()
    assert list(stages["stage"]) == ["pledged", "deposited", "approved", "disbursed", "spent"]
    assert stages["definition"].str.len().gt(10).all()


def test_ladder_for_a_period():
    lad = flows.funding_ladder(ledger()["transactions"], start="2011-01-01", end="2011-12-31")
    assert (lad.pledged, lad.deposited, lad.approved, lad.disbursed, lad.spent) == (0, 200, 300, 300, 100)
    assert lad.fund_balance == -100             # 2011 approved more than it received
    assert lad.unpaid_pledges == 200            # a stock: pledges to date minus deposits to date
    assert flows.funding_ladder(ledger()["transactions"], end="2010-12-31").unpaid_pledges == 400


def test_ladder_with_filters():
    t = ledger()
    gov = flows.ladder_for(t, FundFilters(donor_types=("government",)))
    assert (gov.pledged, gov.deposited) == (1000, 800)
    assert gov.approved == pytest.approx(800 * 2 / 3)          # pooled money, attributed pro rata
    assert gov.fund_balance == pytest.approx(800 - 800 * 2 / 3)
    g3 = flows.ladder_for(t, FundFilters(goal_ids=("G3",)))
    assert (g3.approved, g3.disbursed, g3.spent, g3.partner_balance) == (300, 300, 100, 200)
    assert math.isnan(g3.deposited) and math.isnan(g3.fund_balance)
    g2 = flows.ladder_for(t, FundFilters(goal_ids=("G2",)))
    assert g2.approved == pytest.approx(150) and g2.spent == pytest.approx(105)
    iom = flows.ladder_for(t, FundFilters(partner_ids=("IOM",)))
    assert iom.approved == 500


# ---------------------------------------------------------------------------------------------- sankey

def test_sankey_reconciles_with_the_ladder():
    t = ledger()
    links = flows.flow_links(t, ("goal", "partner", "region", "country"))
    assert legs(links) == {"donor>fund": 1200, "fund>balance": 400, "fund>goal": 800, "goal>partner": 800,
                           "partner>region": 800, "region>country": 800}
    v = links.set_index(["source", "target"])["value"]
    assert v[("donor:GOV", "fund:IPMD")] == 800
    assert v[("fund:IPMD", "goal:G1")] == pytest.approx(350)
    assert v[("goal:G2", "partner:IOM")] == pytest.approx(150)
    assert v[("region:Americas", "country:MEX")] == pytest.approx(180)
    assert v[("region:Americas", "country:GTM")] == pytest.approx(120)
    labels = dict(zip(links["target"], links["target_label"]))
    assert labels["goal:G1"] == "G1 GFMD follow-up" and labels["country:MEX"] == "Mexico"
    assert labels[flows.UNALLOCATED_NODE].startswith("Not yet approved")
    shares = links[links["target_stage"] == "goal"]["share"]
    assert shares.sum() == pytest.approx(1.0)


def test_every_node_balances():
    links = flows.flow_links(ledger(), ("area", "partner", "country"))
    inflow = links.groupby("target")["value"].sum()
    outflow = links.groupby("source")["value"].sum()
    for node in set(inflow.index) & set(outflow.index):
        assert inflow[node] == pytest.approx(outflow[node]), node


def test_sankey_for_a_period_brings_the_balance_forward():
    links = flows.flow_links(ledger(), ("partner",), FundFilters(start="2011-01-01", end="2011-12-31"))
    assert legs(links) == {"donor>fund": 200, "balance>fund": 100, "fund>partner": 300}


def test_sankey_with_donor_type_and_goal_filters():
    t = ledger()
    gov = flows.flow_links(t, ("goal",), FundFilters(donor_types=("government",)))
    assert legs(gov) == pytest.approx({"donor>fund": 800, "fund>balance": 800 / 3, "fund>goal": 1600 / 3})
    g3 = flows.flow_links(t, ("goal", "country"), FundFilters(goal_ids=("G3",)))
    assert legs(g3) == {"donor>fund": 300, "fund>goal": 300, "goal>country": 300}
    donor_leg = g3[g3["source_stage"] == "donor"].set_index("source")["value"]
    assert donor_leg.to_dict() == pytest.approx({"donor:GOV": 200, "donor:PRV": 75, "donor:WB": 25})


def test_other_keeps_the_total():
    t = ledger()
    plain = flows.flow_links(t, ("goal", "country"))
    grouped = flows.flow_links(t, ("goal", "country"), other_threshold_share=0.3)
    assert legs(grouped) == legs(plain)
    donors = set(grouped.loc[grouped["source_stage"] == "donor", "source"])
    assert donors == {"donor:GOV", "donor:Other"}                  # PRV 25% and WB 8% merged
    assert grouped.set_index("source").loc["donor:Other", "value"] == 400
    countries = set(grouped.loc[grouped["target_stage"] == "country", "target"])
    assert countries == {"country:PHL", "country:Other"}           # MEX 22.5% and GTM 15%
    # a single small node is not renamed "Other"
    one = flows.flow_links(t, ("country",), other_threshold_share=0.2)
    assert "country:GTM" in set(one["target"]) and "country:Other" not in set(one["target"])


def test_unknown_stage_is_refused():
    with pytest.raises(ValueError, match="stage"):
        flows.flow_links(ledger(), ("sector",))


def test_projects_without_goal_or_country_are_not_dropped():
    t = ledger()
    t["project_goals"] = t["project_goals"][t["project_goals"]["project_id"] == "P1"]
    t["project_countries"] = t["project_countries"][t["project_countries"]["project_id"] == "P1"]
    links = flows.flow_links(t, ("goal", "country"))
    assert legs(links)["goal>country"] == 800
    assert ("goal:Unspecified", "country:Unspecified") in set(zip(links["source"], links["target"]))


# -------------------------------------------------------------------------------------------- country

def test_country_shares_sum_to_the_project_amount():
    t = ledger()
    approved = flows.amounts_by_country(t, "approved").set_index("iso3")["amount_usd"]
    assert approved.to_dict() == pytest.approx({"PHL": 500, "MEX": 180, "GTM": 120})
    assert approved.sum() == pytest.approx(flows.funding_ladder(t["transactions"]).approved)
    disbursed = flows.amounts_by_country(t, "disbursed").set_index("iso3")["amount_usd"]
    assert disbursed.to_dict() == pytest.approx({"PHL": 400, "MEX": 180, "GTM": 120})
    g2 = flows.amounts_by_country(t, "approved", FundFilters(goal_ids=("G2",)))
    assert g2.set_index("iso3")["amount_usd"].to_dict() == pytest.approx({"PHL": 150})
    with pytest.raises(ValueError):
        flows.amounts_by_country(t, "pledged")


# --------------------------------------------------------------------------------------------- donors

def test_donor_summary():
    d = flows.donor_summary(ledger()).set_index("donor_id")
    assert list(d.index) == ["GOV", "PRV", "WB"]
    assert d.loc["GOV", ["pledged_usd", "deposited_usd", "unpaid_usd"]].tolist() == [1000, 800, 200]
    assert d["share_of_deposits"].sum() == pytest.approx(1.0)
    assert d.loc["GOV", "share_of_deposits"] == pytest.approx(2 / 3)
    assert d.loc["GOV", "first_deposit"] == pd.Timestamp("2010-02-01")
    assert d.loc["GOV", "last_deposit"] == pd.Timestamp("2011-03-01")
    assert bool(d.loc["WB", "is_world_bank_internal"])
    priv = flows.donor_summary(ledger(), FundFilters(donor_types=("private",)))
    assert list(priv["donor_id"]) == ["PRV"] and priv["share_of_deposits"].iloc[0] == pytest.approx(0.25)


@pytest.mark.parametrize("wb, status", [
    (50, "within"),               # 50 / 1150 = 4.3%
    (1100 * 0.13 / 0.87, "at risk"),  # exactly 13%: the edge of the warning band
    (1100 * 0.15 / 0.85, "at risk"),  # exactly 15% is allowed, but at risk
    (1100 * 0.12 / 0.88, "within"),   # 12%
    (200, "breached"),            # 200 / 1300 = 15.4%
])
def test_world_bank_ceiling_at_below_and_above(wb, status):
    s = flows.world_bank_share_status(ledger(wb_deposit=wb))
    assert s.status == status
    assert s.share == pytest.approx(wb / (1100 + wb))
    assert (s.wb_deposits, s.total_deposits) == pytest.approx((wb, 1100 + wb))
    # headroom: what could still be deposited by the Bank to reach exactly the ceiling
    assert (s.wb_deposits + s.headroom_usd) / (s.total_deposits + s.headroom_usd) == pytest.approx(0.15)


def test_world_bank_exactly_at_ceiling_on_round_numbers():
    t = ledger(wb_deposit=0)
    t["transactions"].loc[t["transactions"]["donor_id"] == "GOV", "amount_usd"] *= 0    # only PRV pays: 300
    t["transactions"] = pd.concat([t["transactions"], pd.DataFrame([
        txn(20, "deposit", "2012-01-01", 550, donor="PRV"), txn(21, "deposit", "2012-01-01", 150, donor="WB")])])
    s = flows.world_bank_share_status(t)       # 150 of 1000
    assert s.share == 0.15 and s.status == "at risk"


# ------------------------------------------------------------------------------------------ over time

def test_flows_over_time():
    y = flows.flows_over_time(ledger()["transactions"], "Y")
    assert list(y["period"]) == ["2010", "2011"]
    assert y[["deposits", "approvals", "disbursements"]].values.tolist() == [[1000, 500, 400], [200, 300, 300]]
    assert y["fund_balance"].tolist() == [500, 400]
    q = flows.flows_over_time(ledger()["transactions"], "Q")
    assert len(q) == 5 and q["deposits"].sum() == 1200              # 2010Q1 .. 2011Q1, empty quarters with 0
    assert q.set_index("period").loc["2010Q3", "fund_balance"] == 500
    later = flows.flows_over_time(ledger()["transactions"], "Y", start="2011-01-01")
    assert later["period"].tolist() == ["2011"] and later["fund_balance"].tolist() == [400]
    with pytest.raises(ValueError):
        flows.flows_over_time(ledger()["transactions"], "M")


# --------------------------------------------------------------------------------------------- empty

def test_empty_selections_return_empty_frames():
    t = ledger()
    none = FundFilters(partner_ids=("UNHCR",))
    assert flows.flow_links(t, ("goal",), none).empty
    assert list(flows.flow_links(t, ("goal",), none).columns) == flows.LINK_COLUMNS
    assert flows.amounts_by_country(t, "approved", none).empty
    assert flows.donor_summary(t, FundFilters(donor_types=("nobody",))).empty
    assert flows.ladder_for(t, none).approved == 0
    period = FundFilters(start="2020-01-01", end="2020-12-31")
    assert flows.flow_links(t, ("goal",), period).empty
    assert flows.donor_summary(t, period).empty
    assert flows.flows_over_time(t["transactions"], "Y", start="2020-01-01").empty

    empty = {k: v.iloc[0:0] for k, v in t.items()}
    lad = flows.funding_ladder(empty["transactions"])
    assert (lad.deposited, lad.approved, lad.unpaid_pledges) == (0, 0, 0)
    assert flows.flow_links(empty).empty
    assert flows.amounts_by_country(empty).empty
    assert flows.donor_summary(empty).empty
    assert flows.flows_over_time(empty["transactions"]).empty
    wb = flows.world_bank_share_status(empty)
    assert (wb.share, wb.status) == (0.0, "within")


# ------------------------------------------------------------------------------------------ property

from hypothesis import given, settings, strategies as st  # noqa: E402


@st.composite
def random_ledgers(draw):
    n = draw(st.integers(1, 6))
    t = ledger()
    goals, countries, txns, projects = [], [], [], []
    for i in range(n):
        pid = f"Q{i}"
        projects.append({"project_id": pid, "title": pid, "partner_id": draw(st.sampled_from(["IOM", "ILO", "WB"])),
                         "area_id": draw(st.sampled_from(["A", "B"])), "status": "active"})
        k = draw(st.integers(1, 3))
        raw = [draw(st.integers(1, 9)) for _ in range(k)]
        goals += [{"project_id": pid, "goal_id": f"G{j + 1}", "weight": r / sum(raw), "is_primary": j == 0}
                  for j, r in enumerate(raw)]
        m = draw(st.integers(1, 3))
        raw = [draw(st.integers(1, 9)) for _ in range(m)]
        countries += [{"project_id": pid, "iso3": iso, "share": r / sum(raw)}
                      for iso, r in zip(["PHL", "MEX", "GTM"], raw)]
        txns.append(txn(100 + i, "commitment", f"201{draw(st.integers(0, 3))}-06-01",
                        draw(st.integers(1, 10_000)), project=pid))
    t["projects"] = pd.DataFrame(projects)
    t["project_goals"] = pd.DataFrame(goals)
    t["project_countries"] = pd.DataFrame(countries)
    donor_rows = t["transactions"][t["transactions"]["txn_type"].isin(["pledge", "deposit"])]
    t["transactions"] = pd.concat([donor_rows, pd.DataFrame(txns)], ignore_index=True)
    return t


@settings(max_examples=25, deadline=None)
@given(random_ledgers(), st.sampled_from([0.0, 0.1, 0.3, 0.6]),
       st.sampled_from([FundFilters(), FundFilters(goal_ids=("G2",)), FundFilters(donor_types=("private",)),
                        FundFilters(partner_ids=("IOM",)), FundFilters(start="2011-01-01", end="2012-12-31")]))
def test_every_leg_carries_the_approved_total(t, threshold, f):
    ladder = flows.ladder_for(t, f)
    links = flows.flow_links(t, ("goal", "partner", "country"), f, other_threshold_share=threshold)
    totals = flows.leg_totals(links)
    for leg in ("fund>goal", "goal>partner", "partner>country"):
        assert totals.get(leg, 0.0) == pytest.approx(ladder.approved, abs=1e-6)
    assert flows.amounts_by_country(t, "approved", f)["amount_usd"].sum() == pytest.approx(ladder.approved, abs=1e-6)
