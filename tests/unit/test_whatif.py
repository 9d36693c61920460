"""ipmd.allocation.whatif on a known pipeline: balance, over-commitment, coverage change, concentration, 15% check."""
import math

import numpy as np
import pandas as pd
import pytest

from ipmd.coverage.need import QUADRANT_GAP, QUADRANT_HIGH_COVERED
from ipmd.i18n import LANGUAGES, Message, catalog, t
from ipmd.allocation.whatif import Concentration, concentration, what_if


def ledger():
    """Funded: P1 ILO area A (G1 .6 primary / G2 .4) PHL .5 MEX .5, approved 100
               P2 IOM area B (G2) PHL, approved 50
               P3 WB  area A (G3 .5 primary / G1 .5), no country, approved 40
    Pipeline:  P4 IOM area B (G3) NPL, requested 80, submitted
               P6 WB  area A (G2 .7 primary / G1 .3) HTI, requested 120, under_review
    Rejected:  P5 ILO area A (G1) MEX, requested 30
    Deposits 300 (D1, government) + 50 (WB, World Bank internal) = 350; a pledge of 500 is not money.
    Available = 350 - 190 = 160. WB internal share = 50 / 350 = 1/7 < 15%."""
    projects = pd.DataFrame({
        "project_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
        "title": ["One", "Two", "Three", "Four", "Five", "Six"],
        "partner_id": ["ILO", "IOM", "WB", "IOM", "ILO", "WB"],
        "area_id": ["A", "B", "A", "B", "A", "A"],
        "gfmd_item_id": [None] * 6,
        "status": ["active", "approved", "closed", "submitted", "rejected", "under_review"],
        "requested_usd": [100.0, 50.0, 40.0, 80.0, 30.0, 120.0],
    })
    goals = pd.DataFrame({
        "project_id": ["P1", "P1", "P2", "P3", "P3", "P4", "P5", "P6", "P6"],
        "goal_id": ["G1", "G2", "G2", "G3", "G1", "G3", "G1", "G2", "G1"],
        "weight": [0.6, 0.4, 1.0, 0.5, 0.5, 1.0, 1.0, 0.7, 0.3],
        "is_primary": [True, False, True, True, False, True, True, True, False],
    })
    countries = pd.DataFrame({
        "project_id": ["P1", "P1", "P2", "P4", "P5", "P6"],
        "iso3": ["PHL", "MEX", "PHL", "NPL", "MEX", "HTI"],
        "share": [0.5, 0.5, 1.0, 1.0, 1.0, 1.0],
    })
    tx = pd.DataFrame({
        "txn_type": ["pledge", "deposit", "deposit", "commitment", "disbursement", "commitment", "commitment"],
        "project_id": [None, None, None, "P1", "P1", "P2", "P3"],
        "donor_id": ["D1", "D1", "WBDGF", None, None, None, None],
        "amount_usd": [500.0, 300.0, 50.0, 100.0, 60.0, 50.0, 40.0],
    })
    donors = pd.DataFrame({"donor_id": ["D1", "WBDGF"], "name": ["Gov", "World Bank DGF"],
                           "is_world_bank_internal": [False, True]})
    return projects, goals, countries, tx, donors


def run(selection, **kw):
    p, g, c, tx, d = ledger()
    return what_if(selection, p, g, c, tx, d, **kw)


def row(frame, key, value):
    return frame.set_index(key).loc[value]


def test_empty_selection_is_the_before_state():
    for empty in (None, pd.DataFrame({"project_id": [], "amount": []})):
        r = run(empty, need_gaps={"NPL", "HTI"})
        assert (r.deposits, r.approved_to_date, r.available_before) == (350.0, 190.0, 160.0)
        assert (r.selected_total, r.remaining, r.over_committed, r.shortfall) == (0.0, 160.0, False, 0.0)
        assert r.selection.empty and r.high_need_reached == () and r.n_high_need_reached == 0
        assert r.high_need == ("HTI", "NPL")
        assert (r.coverage_by_goal["approved_before"] == r.coverage_by_goal["approved_after"]).all()
        assert (r.coverage_cells["n_projects_before"] == r.coverage_cells["n_projects_after"]).all()
        assert r.partner_before == r.partner_after
        assert r.warnings == ()


def test_full_request_when_no_amount_given():
    r = run(pd.DataFrame({"project_id": ["P4"]}), need_gaps=["NPL", "HTI"])
    assert r.selected_total == 80.0 and r.remaining == 80.0 and not r.over_committed
    assert r.selection["amount"].tolist() == [80.0] and not r.selection["is_partial"].iloc[0]
    # coverage: G3 gains P4 in area B
    g3 = row(r.coverage_by_goal, "goal_id", "G3")
    assert g3[["n_projects_before", "n_projects_after", "approved_before", "approved_after",
               "approved_change"]].tolist() == [1, 2, 40.0, 120.0, 80.0]
    assert g3["share_before"] == pytest.approx(40 / 190) and g3["share_after"] == pytest.approx(120 / 270)
    b = row(r.coverage_by_area, "area_id", "B")
    assert b[["n_projects_before", "n_projects_after", "approved_before", "approved_after"]].tolist() == [1, 2, 50.0, 130.0]
    cell = r.coverage_cells.set_index(["goal_id", "area_id"]).loc[("G3", "B")]
    assert cell[["n_projects_before", "n_projects_after", "approved_after"]].tolist() == [0, 1, 80.0]
    assert len(r.coverage_cells) == 6 and r.coverage_by_goal["goal_id"].tolist() == ["G1", "G2", "G3"]
    assert r.high_need_reached == ("NPL",) and r.n_high_need_reached == 1


def test_partial_amount():
    r = run(pd.DataFrame({"project_id": ["P4"], "amount": [30.0]}))
    assert r.selected_total == 30.0 and r.remaining == 130.0
    assert bool(r.selection["is_partial"].iloc[0]) and not bool(r.selection["exceeds_request"].iloc[0])
    assert row(r.coverage_by_goal, "goal_id", "G3")["approved_after"] == 70.0


def test_over_commitment_and_world_bank_partner_share():
    r = run(pd.DataFrame({"project_id": ["P4", "P6"], "amount": [np.nan, 120.0]}))
    assert r.selected_total == 200.0 and r.remaining == -40.0
    assert r.over_committed and r.shortfall == 40.0
    assert Message("allocation.round.over", {"shortfall": 40.0, "available": 160.0}) in r.warnings
    assert r.selection_includes_wb
    assert r.wb_partner_share_before == pytest.approx(40 / 190)
    assert r.wb_partner_share_after == pytest.approx(160 / 390)
    # deposits are unchanged by a selection: 50 / 350 under the 15% ceiling
    assert r.wb_internal_deposits == 50.0 and r.wb_internal_share == pytest.approx(1 / 7)
    assert not r.wb_internal_over_ceiling


def test_exactly_using_the_balance_is_not_over_committed():
    r = run(pd.DataFrame({"project_id": ["P6"], "amount": [160.0]}))
    assert r.remaining == 0.0 and not r.over_committed and r.shortfall == 0.0
    assert bool(r.selection["exceeds_request"].iloc[0])           # 160 > 120 requested: warned, kept
    assert r.warnings == (Message("allocation.round.exceeds", {"id": "P6", "amount": 160.0, "requested": 120.0}),)


def test_world_bank_internal_ceiling():
    r = run(None, ceiling=0.10)
    assert r.wb_internal_over_ceiling
    assert r.warnings == (Message("allocation.wb.breached_msg", {"share": pytest.approx(1 / 7), "ceiling": 0.10}),)
    assert not run(None).wb_internal_over_ceiling
    assert not run(None).selection_includes_wb


def test_concentration_by_partner_and_country():
    r = run(pd.DataFrame({"project_id": ["P4"], "amount": [80.0]}))
    # partners before: ILO 100, IOM 50, WB 40 of 190
    assert r.partner_before.largest == "ILO" and r.partner_before.largest_share == pytest.approx(100 / 190)
    assert r.partner_before.hhi == pytest.approx((100**2 + 50**2 + 40**2) / 190**2)
    # after: IOM 130 of 270 is the largest
    assert r.partner_after.largest == "IOM" and r.partner_after.largest_share == pytest.approx(130 / 270)
    assert r.partner_after.hhi == pytest.approx((100**2 + 130**2 + 40**2) / 270**2)
    ps = r.partner_shares.set_index("partner_id")
    assert ps.loc["IOM", ["approved_before", "approved_after"]].tolist() == [50.0, 130.0]
    assert ps["share_after"].sum() == pytest.approx(1.0)
    # countries (P3 has none): before PHL 100, MEX 50; after + NPL 80
    assert r.country_before.n == 2 and r.country_before.hhi == pytest.approx((100**2 + 50**2) / 150**2)
    assert r.country_after.n == 3 and r.country_after.hhi == pytest.approx((100**2 + 50**2 + 80**2) / 230**2)
    assert r.country_shares["iso3"].tolist() == ["PHL", "NPL", "MEX"]


def test_hhi_known_shares():
    assert concentration(pd.Series({"B": 5.0, "A": 5.0})) == Concentration("A", 0.5, 0.5, 2)
    assert concentration(pd.Series({"A": 7.0})).hhi == 1.0
    c = concentration(pd.Series({"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0, "Z": 0.0}))
    assert c.hhi == pytest.approx(0.25) and c.n == 4
    e = concentration(pd.Series(dtype=float))
    assert e.largest is None and math.isnan(e.hhi) and math.isnan(e.largest_share)


def test_two_equal_partners_in_a_ledger_give_hhi_one_half():
    p, g, c, tx, d = ledger()
    r = what_if(pd.DataFrame({"project_id": ["P6"], "amount": [50.0]}), p, g, c,
                tx.loc[tx["project_id"] != "P1"].assign(amount_usd=lambda t: t["amount_usd"].where(t["project_id"] != "P3", 50.0)),
                d)
    # before: IOM 50 (P2), WB 50 (P3) -> 0.5; after: WB 100, IOM 50
    assert r.partner_before.hhi == pytest.approx(0.5)
    assert r.partner_after.hhi == pytest.approx((100**2 + 50**2) / 150**2)


def test_weighted_coverage_mode():
    r = run(pd.DataFrame({"project_id": ["P6"], "amount": [100.0]}), mode="weighted")
    # P6 adds 70 to G2 and 30 to G1 (area A); n_projects counts it in both goals
    g = r.coverage_by_goal.set_index("goal_id")
    assert g.loc["G2", "approved_change"] == pytest.approx(70.0)
    assert g.loc["G1", "approved_change"] == pytest.approx(30.0)
    assert g.loc["G1", ["n_projects_before", "n_projects_after"]].tolist() == [2, 3]
    a = r.coverage_by_area.set_index("area_id")
    assert a.loc["A", ["n_projects_before", "n_projects_after", "approved_after"]].tolist() == [2, 3, 240.0]
    assert r.mode == "weighted"


def test_need_gaps_from_a_gaps_frame_uses_only_the_gap_quadrant():
    gaps_frame = pd.DataFrame({"iso3": ["NPL", "HTI", "PHL"],
                               "quadrant": [QUADRANT_GAP, QUADRANT_GAP, QUADRANT_HIGH_COVERED]})
    r = run(pd.DataFrame({"project_id": ["P4", "P6"], "amount": [10.0, 0.0]}), need_gaps=gaps_frame)
    assert r.high_need == ("HTI", "NPL")
    assert r.high_need_reached == ("NPL",)          # P6 has amount 0: it reaches nobody
    assert r.warnings == (Message("allocation.round.zero", {"ids": ("P6",)}),)
    assert row(r.coverage_by_goal, "goal_id", "G2")["n_projects_after"] == 1   # P6 not counted


def test_selecting_an_already_funded_project_is_a_top_up_with_a_warning():
    r = run(pd.DataFrame({"project_id": ["P2"], "amount": [10.0]}))
    assert r.remaining == 150.0
    g2 = row(r.coverage_by_goal, "goal_id", "G2")
    assert g2[["n_projects_before", "n_projects_after", "approved_after"]].tolist() == [1, 1, 60.0]
    assert r.warnings == (Message("allocation.round.not_pipeline", {"id": "P2", "status": "approved"}),)


def test_bad_selections_raise():
    with pytest.raises(ValueError):
        run(pd.DataFrame({"project_id": ["NOPE"], "amount": [1.0]}))
    with pytest.raises(ValueError):
        run(pd.DataFrame({"project_id": ["P4", "P4"], "amount": [1.0, 2.0]}))
    with pytest.raises(ValueError):
        run(pd.DataFrame({"project_id": ["P4"], "amount": [-1.0]}))
    with pytest.raises(ValueError):
        run(None, mode="sum")


def test_summary_table():
    s = run(pd.DataFrame({"project_id": ["P4"], "amount": [30.0]})).summary()
    assert list(s.columns) == ["key", "value"]
    v = dict(zip(s["key"], s["value"]))
    assert v["whatif.summary.remaining"] == 130.0 and v["whatif.summary.n_selected"] == 1
    assert t("whatif.summary.remaining", "en") == "Remaining after the selection (US$)"


def test_every_summary_figure_and_warning_has_words_in_every_language():
    r = run(pd.DataFrame({"project_id": ["P2", "P4", "P6"], "amount": [10.0, 0.0, 500.0]}), ceiling=0.10)
    keys = set(r.summary()["key"]) | {w.key for w in r.warnings}
    assert len(r.warnings) == 5                  # not in the pipeline, above the request, 0, over-committed, ceiling
    for lang in LANGUAGES:
        assert keys <= set(catalog(lang)), lang
        for w in r.warnings:                    # every value the message names is given
            text = t(w.key, lang, **{k: str(v) for k, v in w.values.items()})
            assert "{" not in text, (lang, w.key)
