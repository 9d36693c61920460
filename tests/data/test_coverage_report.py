"""ipmd.coverage.report on the bundled database (read-only): every total checked against the ledger itself,
the need indicators against the observations they come from."""
import math

import pandas as pd
import pytest

from ipmd import db, queries
from ipmd.coverage import need
from ipmd.coverage import report as cr
from ipmd.fund import flows
from ipmd.fund.rules import FUNDED_STATUSES, PIPELINE_STATUSES

TOL = 0.01   # US$


def sql_value(con, sql, params=None):
    return db.query(con, sql, params).iloc[0, 0]


def funded_commitments(con) -> float:
    return float(sql_value(con, """
        SELECT sum(t.amount_usd) FROM transactions t JOIN projects p USING (project_id)
        WHERE t.txn_type = 'commitment' AND p.status IN ('approved', 'active', 'closed')"""))


# ------------------------------------------------------------------------------------------ matrix
@pytest.mark.parametrize("mode", ["primary", "weighted"])
def test_matrix_total_is_every_commitment_of_funded_projects(con, mode):
    m = cr.matrix(con, mode=mode)
    expected = funded_commitments(con)
    assert expected > 0
    assert m.approved == pytest.approx(expected, abs=TOL)
    assert m.cells["approved"].sum() == pytest.approx(expected, abs=TOL)
    assert m.goal_totals["approved"].sum() == pytest.approx(expected, abs=TOL)
    assert m.area_totals["approved"].sum() == pytest.approx(expected, abs=TOL)
    disbursed = sql_value(con, """SELECT sum(t.amount_usd) FROM transactions t JOIN projects p USING (project_id)
                                  WHERE t.txn_type = 'disbursement' AND p.status IN ('approved', 'active', 'closed')""")
    assert m.cells["disbursed"].sum() == pytest.approx(disbursed, abs=TOL)
    assert m.n_projects == sql_value(con, "SELECT count(*) FROM projects WHERE status IN ('approved', 'active', 'closed')")
    assert len(m.cells) == 6


def test_primary_matrix_counts_each_project_once_under_its_primary_goal(con):
    m = cr.matrix(con, mode="primary")
    expected = db.query(con, """
        SELECT g.goal_id, p.area_id, count(DISTINCT p.project_id) AS n, sum(t.amount_usd) AS approved
        FROM projects p JOIN project_goals g ON g.project_id = p.project_id AND g.is_primary
        JOIN transactions t ON t.project_id = p.project_id AND t.txn_type = 'commitment'
        WHERE p.status IN ('approved', 'active', 'closed') GROUP BY ALL""")
    got = m.cells.merge(expected, on=["goal_id", "area_id"], how="left").fillna({"n": 0, "approved_y": 0.0})
    assert (got["n_projects"] == got["n"]).all()
    assert got["approved_x"].to_numpy() == pytest.approx(got["approved_y"].to_numpy(), abs=TOL)
    assert m.n_projects == m.cells["n_projects"].sum()


def test_cell_lists_add_up_to_their_cells(con):
    for mode in ("primary", "weighted"):
        m = cr.matrix(con, mode=mode)
        for cell in m.cells.itertuples():
            listed = cr.cell_projects(con, cell.goal_id, cell.area_id, mode=mode)
            assert len(listed) == cell.n_projects
            assert listed["approved"].sum() == pytest.approx(cell.approved, abs=TOL)
            assert not listed["status"].isin(PIPELINE_STATUSES).any()


def test_period_and_partner_totals_equal_the_fund_pages(con, ledger):
    """The fund page filters with ipmd.fund.flows; the same period and partners give the same approved money."""
    for start, end, partners in ((2010, 2012, ()), (None, None, ("IOM", "ILO")), (2013, 2015, ("WB",))):
        fund = flows.ladder_for(ledger, flows.FundFilters(
            start=None if start is None else f"{start}-01-01", end=None if end is None else f"{end}-12-31",
            partner_ids=partners))
        m = cr.matrix(con, partners=partners, start_year=start, end_year=end)
        assert m.approved == pytest.approx(fund.approved, abs=TOL)
        assert m.disbursed == pytest.approx(fund.disbursed, abs=TOL)
        assert m.spent == pytest.approx(fund.spent, abs=TOL)


def test_period_counts_only_projects_with_money_in_it(con):
    m = cr.matrix(con, start_year=2015, end_year=2015)
    active = sql_value(con, """SELECT count(DISTINCT t.project_id) FROM transactions t JOIN projects p USING (project_id)
                               WHERE year(t.txn_date) = 2015 AND p.status IN ('approved', 'active', 'closed')
                                 AND t.txn_type IN ('commitment', 'disbursement', 'expenditure')""")
    assert m.n_projects == active
    approved_2015 = sql_value(con, "SELECT sum(amount_usd) FROM transactions WHERE txn_type = 'commitment' AND year(txn_date) = 2015")
    assert m.approved == pytest.approx(approved_2015, abs=TOL)


def test_regions_add_up_to_the_whole(con):
    options = cr.filter_options(con)
    whole = cr.matrix(con)
    by_region = sum(cr.matrix(con, regions=(r,)).approved for r in options.regions)
    without = cr.country_coverage(con).without_country["approved"]
    assert by_region + without == pytest.approx(whole.approved, abs=TOL)


def test_statuses_never_reach_the_pipeline(con):
    assert cr.matrix(con, statuses=("submitted", "under_review")).n_projects == cr.matrix(con).n_projects
    closed = cr.matrix(con, statuses=("closed",))
    assert closed.n_projects == sql_value(con, "SELECT count(*) FROM projects WHERE status = 'closed'")


def test_a_filter_that_selects_nothing_gives_empty_results_not_errors(con):
    m = cr.matrix(con, regions=("Northern America",))
    assert m.n_projects == 0 and m.approved == 0 and (m.cells["approved"] == 0).all()
    cov = cr.country_coverage(con, regions=("Northern America",))
    assert cov.by_country.empty and cov.approved == 0
    gfmd = cr.gfmd_tracker(con, regions=("Northern America",))
    assert (gfmd.items["follow_up"] == "none").all()
    answers = cr.answers(m, cr.gap_finder(con, 2024, regions=("Northern America",)), gfmd)
    assert answers.least_goal is None and len(answers.unfollowed) == len(gfmd.items)


# ------------------------------------------------------------------------------------------ map
@pytest.mark.parametrize("goal,mode", [(None, "primary"), ("G2", "primary"), ("G3", "weighted")])
def test_countries_plus_global_work_equal_the_money_under_the_goal(con, goal, mode):
    cov = cr.country_coverage(con, goal, mode)
    m = cr.matrix(con, mode=mode)
    expected = m.approved if goal is None else m.goal_totals.set_index("goal_id").loc[goal, "approved"]
    assert cov.by_country["approved"].sum() + cov.without_country["approved"] == pytest.approx(expected, abs=TOL)
    assert cov.approved == pytest.approx(expected, abs=TOL)
    assert cov.by_region["approved"].sum() == pytest.approx(cov.by_country["approved"].sum(), abs=TOL)


def test_country_money_is_split_by_country_shares(con):
    cov = cr.country_coverage(con).by_country.set_index("iso3")
    iso3 = cov.index[0]
    expected = sql_value(con, """
        SELECT sum(t.amount_usd * pc.share) FROM transactions t JOIN project_countries pc USING (project_id)
        JOIN projects p USING (project_id)
        WHERE t.txn_type = 'commitment' AND pc.iso3 = $iso3 AND p.status IN ('approved', 'active', 'closed')""",
                         {"iso3": iso3})
    assert cov.loc[iso3, "approved"] == pytest.approx(expected, abs=TOL)


def test_region_filter_keeps_the_region_and_matches_the_matrix(con):
    cov = cr.country_coverage(con, regions=("Africa",))
    assert set(cov.by_country["un_region"]) == {"Africa"}
    assert cov.approved == pytest.approx(cr.matrix(con, regions=("Africa",)).approved, abs=TOL)


# ------------------------------------------------------------------------------------------ need indicators
def test_need_indicators_are_one_row_per_country_and_no_aggregate(con):
    ind = cr.need_indicators(con, 2024)
    countries = queries.countries(con)
    assert ind["iso3"].is_unique
    assert set(ind["iso3"]) == set(countries["iso3"])
    aggregates = set(db.query(con, "SELECT agg_code FROM aggregates")["agg_code"])
    assert not set(ind["iso3"]) & aggregates
    assert {"WLD", "LMY"}.isdisjoint(ind["iso3"])


@pytest.mark.parametrize("iso3", ["JOR", "TUR", "LBN"])
def test_refugees_per_1000_is_refugees_hosted_over_population(con, iso3):
    ind = cr.need_indicators(con, 2024).set_index("iso3")
    refugees = db.query(con, """SELECT year, value FROM observations WHERE iso3 = $iso3 AND indicator_id = 'refugees_hosted'
                                AND sex = 'total' AND source_id = 'unhcr_bilateral' ORDER BY year DESC LIMIT 1""",
                        {"iso3": iso3}).iloc[0]
    population = sql_value(con, """SELECT value FROM observations WHERE iso3 = $iso3 AND indicator_id = 'population'
                                   AND sex = 'total' AND source_id = 'wdi_population' AND year = $year""",
                           {"iso3": iso3, "year": int(refugees["year"])})
    assert ind.loc[iso3, "refugees_per_1000_year"] == refugees["year"]
    assert ind.loc[iso3, "refugees_per_1000"] == pytest.approx(refugees["value"] / population * 1000, rel=1e-12)


def test_need_indicators_take_the_latest_default_source_value_up_to_the_year(con):
    for year in (2010, 2024):
        ind = cr.need_indicators(con, year).set_index("iso3")
        for column, indicator in (("emigrant_pct_pop", "emigrant_pct_pop"), ("remittances_pct_gdp",
                                  "remittances_received_pct_gdp"), ("remittance_cost_inbound_pct",
                                  "remittance_cost_inbound_pct"), ("female_share", cr.GENDER_LENS_INDICATOR)):
            latest = queries.latest_values(con, indicator, year).set_index("iso3")
            assert ind[column].notna().sum() == len(latest)
            assert ind.loc[latest.index, column].to_numpy() == pytest.approx(latest["value"].to_numpy())
            assert (ind.loc[latest.index, f"{column}_year"] <= year).all()


# ------------------------------------------------------------------------------------------ gap finder
def test_gap_finder_scores_countries_only_and_shows_the_missing_as_missing(con):
    g = cr.gap_finder(con, 2024, developing_only=False)
    countries = set(queries.countries(con)["iso3"])
    assert set(g.table["iso3"]) <= countries
    missing = g.table[g.table["missing"]]
    assert missing["score"].isna().all() and missing["quadrant"].eq(need.QUADRANT_MISSING).all()
    assert set(g.missing["iso3"]) == set(missing["iso3"])
    assert (g.missing["n_available"] < need.DEFAULT_MIN_INDICATORS).all()
    assert g.n_scored + len(g.missing) == len(g.table) == len(countries)


def test_gap_countries_are_high_need_with_no_money(con):
    g = cr.gap_finder(con, 2024)
    cov = cr.country_coverage(con).by_country.set_index("iso3")["approved"]
    gap = g.table[g.table["quadrant"] == need.QUADRANT_GAP]
    assert len(gap) > 0
    assert (gap["score"] >= g.cutoff).all()
    assert not gap["iso3"].isin(cov.index).any()
    assert list(gap["gap_rank"]) == list(range(1, len(gap) + 1))
    assert gap["score"].is_monotonic_decreasing


def test_developing_only_leaves_out_high_income_unless_an_income_group_is_chosen(con):
    g = cr.gap_finder(con, 2024)
    assert g.developing_only and not (g.table["income_group"] == "High income").any()
    assert g.table["iso3"].isin(["ETH", "VEN"]).sum() == 2          # unclassified by the World Bank: kept
    rich = cr.gap_finder(con, 2024, income_groups=("High income",))
    assert not rich.developing_only and (rich.table["income_group"] == "High income").all()


def test_filters_do_not_change_a_countrys_score(con):
    everywhere = cr.gap_finder(con, 2024).table.set_index("iso3")["score"]
    africa = cr.gap_finder(con, 2024, regions=("Africa",)).table.set_index("iso3")["score"]
    assert africa.to_numpy() == pytest.approx(everywhere.loc[africa.index].to_numpy(), nan_ok=True)


def test_weights_change_the_ranking(con):
    default = cr.gap_finder(con, 2024).table
    remittances = cr.gap_finder(con, 2024, weights=(("remittances_pct_gdp", 3.0), ("emigrant_pct_pop", 0.0),
                                                     ("immigrant_pct_pop", 0.0), ("refugees_per_1000", 0.0),
                                                     ("remittance_cost_gap", 0.0))).table
    assert list(default["iso3"].head(5)) != list(remittances["iso3"].head(5))
    top = remittances.dropna(subset=["score"]).sort_values("score", ascending=False).iloc[0]
    assert top["remittances_pct_gdp"] == remittances["remittances_pct_gdp"].max()
    with pytest.raises(ValueError):
        cr.gap_finder(con, 2024, weights=(("emigrant_pct_pop", 0.0),))


def test_gender_lens_adds_the_female_share_of_emigrants(con):
    g = cr.gap_finder(con, 2024, gender_lens=True)
    assert "norm_female_share" in g.table.columns and g.weights["female_share"] == need.DEFAULT_WEIGHTS["female_share"]
    assert "norm_female_share" not in cr.gap_finder(con, 2024).table.columns


# ------------------------------------------------------------------------------------------ GFMD
def test_gfmd_tracker_counts_public_projects_only(con):
    t = cr.gfmd_tracker(con)
    assert not t.projects["status"].isin(PIPELINE_STATUSES + ("rejected",)).any()
    followed = db.query(con, """SELECT gfmd_item_id, count(*) AS n FROM projects
                                WHERE status IN ('approved', 'active', 'closed') AND gfmd_item_id IS NOT NULL
                                GROUP BY ALL""").set_index("gfmd_item_id")["n"]
    items = t.items.set_index("gfmd_item_id")
    for item, row in items.iterrows():
        assert row["n_funded"] == followed.get(item, 0)
        assert (row["follow_up"] == "funded") == (followed.get(item, 0) > 0)
    assert set(t.unfollowed["gfmd_item_id"]) == set(items.index) - set(followed.index)
    assert set(items["item_type"]) <= {"roundtable", "outcome", "recommendation", "cross_cutting"}
    assert t.items["approved"].sum() == pytest.approx(t.projects["approved"].sum(), abs=TOL)


# ------------------------------------------------------------------------------------------ answers
def test_answers_name_the_goal_and_area_with_least_money(con):
    m = cr.matrix(con)
    a = cr.answers(m, cr.gap_finder(con, 2024), cr.gfmd_tracker(con))
    by_goal = db.query(con, """
        SELECT g.goal_id, sum(t.amount_usd) AS approved FROM projects p
        JOIN project_goals g ON g.project_id = p.project_id AND g.is_primary
        JOIN transactions t ON t.project_id = p.project_id AND t.txn_type = 'commitment'
        WHERE p.status IN ('approved', 'active', 'closed') GROUP BY ALL ORDER BY approved LIMIT 1""").iloc[0]
    assert a.least_goal == by_goal["goal_id"]
    assert a.least_goal_approved == pytest.approx(by_goal["approved"], abs=TOL)
    assert a.least_area == m.area_totals.sort_values("approved").iloc[0]["area_id"]
    assert a.least_cell_approved == pytest.approx(m.cells["approved"].min(), abs=TOL)
    assert a.unfollowed == tuple(cr.gfmd_tracker(con).unfollowed["gfmd_item_id"])
    assert a.gap_countries and not math.isnan(a.least_goal_approved)


def test_filter_options_hold_public_partners_and_the_ledger_years(con, ledger):
    o = cr.filter_options(con)
    public = set(ledger["projects"].loc[ledger["projects"]["status"].isin(FUNDED_STATUSES), "partner_id"])
    assert set(o.partners["partner_id"]) == public
    years = pd.to_datetime(ledger["transactions"]["txn_date"]).dt.year
    assert o.first_year >= years.min() and o.last_year <= years.max()
    assert "Africa" in o.regions and o.income_groups[0] == "Low income"


def test_the_page_explains_the_method_need_uses():
    """The method text shown on the page (and translated) is need.METHOD word for word in English."""
    from ipmd.i18n import t
    assert t("coverage.method", "en", min_ind=3) == need.method_text(3)
    assert t("coverage.coverage_note", "en") == need.COVERAGE_NOTE
