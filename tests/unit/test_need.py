"""ipmd.coverage.need: need score and gap finder on hand-made frames with known answers."""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipmd.coverage.need import (DEFAULT_WEIGHTS, INDICATORS, METHOD, QUADRANT_GAP, QUADRANT_HIGH_COVERED,
                       QUADRANT_LOW_COVERED, QUADRANT_LOW_UNCOVERED, QUADRANT_MISSING, gaps,
                       high_need_uncovered, method_text, need_scores, need_threshold, percentile_rank,
                       remittance_cost_gap, with_remittance_cost_gap)

NaN = np.nan
W3 = {"emigrant_pct_pop": 1.0, "immigrant_pct_pop": 1.0, "remittances_pct_gdp": 2.0}


def three_indicator_frame():
    return pd.DataFrame({
        "iso3": ["AAA", "BBB", "CCC", "DDD", "EEE"],
        "name": ["a", "b", "c", "d", "e"],
        "emigrant_pct_pop": [1, 2, 3, 4, NaN],
        "immigrant_pct_pop": [10, 20, NaN, 40, 30],
        "remittances_pct_gdp": [5, NaN, NaN, 15, 10],
    })


def test_remittance_cost_gap():
    assert remittance_cost_gap(7.5) == 4.5
    assert remittance_cost_gap(3.0) == 0.0
    assert remittance_cost_gap(2.0) == 0.0
    assert math.isnan(remittance_cost_gap(None)) and math.isnan(remittance_cost_gap(NaN))
    s = remittance_cost_gap(pd.Series([7.5, 2.0, NaN]))
    assert s.iloc[:2].tolist() == [4.5, 0.0] and np.isnan(s.iloc[2])
    f = with_remittance_cost_gap(pd.DataFrame({"iso3": ["X"], "remittance_cost_inbound_pct": [5.25]}))
    assert f["remittance_cost_gap"].tolist() == [2.25]


def test_percentile_rank_ties_missing_and_single_value():
    r = percentile_rank(pd.Series([10, 20, 20, 40, NaN]))
    assert r.iloc[:4].tolist() == pytest.approx([0, 1 / 3, 1 / 3, 1])   # ties share the lower rank
    assert np.isnan(r.iloc[4])
    assert percentile_rank(pd.Series([7.0, NaN])).iloc[0] == 0.5
    assert percentile_rank(pd.Series([NaN, NaN])).isna().all()
    assert percentile_rank(pd.Series([1.0, np.inf, 2.0])).isna().tolist() == [False, True, False]


def test_weighted_mean_over_available_indicators_with_renormalised_weights():
    s = need_scores(three_indicator_frame(), W3, min_indicators=2).set_index("iso3")
    # ranks: emigrant AAA 0, BBB 1/3, CCC 2/3, DDD 1; immigrant AAA 0, BBB 1/3, EEE 2/3, DDD 1;
    # remittances (weight 2) AAA 0, EEE .5, DDD 1
    assert s.loc["DDD", "score"] == pytest.approx(1.0)
    assert s.loc["EEE", "score"] == pytest.approx((2 / 3 * 1 + 0.5 * 2) / 3)   # 5/9, no emigrant value
    assert s.loc["BBB", "score"] == pytest.approx(1 / 3)                       # (1/3 + 1/3) / 2
    assert s.loc["AAA", "score"] == 0.0
    assert s.loc["BBB", "n_available"] == 2 and s.loc["EEE", "n_available"] == 2
    assert (s["n_used"] == 3).all()
    # CCC has one indicator (< 2): missing, never a zero score
    assert bool(s.loc["CCC", "missing"]) and np.isnan(s.loc["CCC", "score"]) and pd.isna(s.loc["CCC", "rank"])
    assert s.loc["AAA", "norm_remittances_pct_gdp"] == 0.0 and s.loc["EEE", "norm_remittances_pct_gdp"] == 0.5


def test_order_rank_and_pass_through():
    s = need_scores(three_indicator_frame(), W3, min_indicators=2)
    assert s["iso3"].tolist() == ["DDD", "EEE", "BBB", "AAA", "CCC"]
    assert s["rank"].tolist()[:4] == [1, 2, 3, 4]
    assert s.columns[:6].tolist() == ["iso3", "score", "rank", "n_available", "n_used", "missing"]
    assert "name" in s.columns


def test_default_minimum_of_three_marks_sparse_countries_missing():
    s = need_scores(three_indicator_frame(), W3).set_index("iso3")   # min 3
    assert s.loc[~s["missing"]].index.tolist() == ["DDD", "AAA"]
    # with only AAA and DDD scored, ranks are still computed over all countries having each value
    assert s.loc["DDD", "score"] == 1.0 and s.loc["AAA", "score"] == 0.0


def test_ties_share_a_rank_and_are_listed_by_iso3():
    f = pd.DataFrame({"iso3": ["ZZZ", "AAB", "AAA", "CCC"],
                      "emigrant_pct_pop": [2, 1, 1, 0], "immigrant_pct_pop": [2, 1, 1, 0],
                      "remittances_pct_gdp": [2, 1, 1, 0]})
    s = need_scores(f, W3)
    assert s["iso3"].tolist() == ["ZZZ", "AAA", "AAB", "CCC"]
    assert s["rank"].tolist() == [1, 2, 2, 4]
    assert s["score"].tolist() == pytest.approx([1, 1 / 3, 1 / 3, 0])


def test_ties_from_different_indicator_mixes_are_exact():
    # PPP, QQQ, RRR hold the ranks 1/3, 2/3, 1 in different orders: equal weights -> one score, one rank
    f = pd.DataFrame({"iso3": ["RRR", "QQQ", "PPP", "SSS"], "emigrant_pct_pop": [3, 2, 1, 0],
                      "immigrant_pct_pop": [1, 3, 2, 0], "remittances_pct_gdp": [2, 1, 3, 0]})
    s = need_scores(f, {"emigrant_pct_pop": 0.1, "immigrant_pct_pop": 0.1, "remittances_pct_gdp": 0.1})
    assert s["iso3"].tolist() == ["PPP", "QQQ", "RRR", "SSS"]
    assert s["rank"].tolist() == [1, 1, 1, 4]
    assert s["score"].iloc[0] == s["score"].iloc[1] == s["score"].iloc[2] == pytest.approx(2 / 3)


def test_changing_a_weight_changes_the_ranking():
    f = pd.DataFrame({"iso3": ["AAA", "BBB"], "emigrant_pct_pop": [1, 2], "immigrant_pct_pop": [2, 1],
                      "remittances_pct_gdp": [2, 1]})
    assert need_scores(f, {"emigrant_pct_pop": 3, "immigrant_pct_pop": 1, "remittances_pct_gdp": 1})["iso3"].iloc[0] == "BBB"
    assert need_scores(f, {"emigrant_pct_pop": 1, "immigrant_pct_pop": 1, "remittances_pct_gdp": 1})["iso3"].iloc[0] == "AAA"


def test_zero_weight_drops_an_indicator_and_caps_the_minimum():
    f = three_indicator_frame()
    s = need_scores(f, {"emigrant_pct_pop": 1.0, "immigrant_pct_pop": 0.0}).set_index("iso3")
    # one indicator used: need min(3, 1) = 1; EEE has no emigrant value -> missing
    assert (s["n_used"] == 1).all()
    assert s.loc["DDD", "score"] == 1.0 and bool(s.loc["EEE", "missing"])
    assert "norm_immigrant_pct_pop" not in s.columns


def test_gender_lens_uses_female_share_only_when_on():
    f = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"], "emigrant_pct_pop": [1, 2, 3], "immigrant_pct_pop": [1, 2, 3],
                      "remittances_pct_gdp": [1, 2, 3], "refugees_per_1000": [1, 2, 3],
                      "remittance_cost_inbound_pct": [2.0, 5.0, 9.0], "female_share": [90, 50, 10]})
    off = need_scores(f).set_index("iso3")
    on = need_scores(f, gender_lens=True).set_index("iso3")
    assert (off["n_used"] == 5).all() and (on["n_used"] == 6).all()
    assert "norm_female_share" not in off.columns
    assert off.loc["CCC", "score"] == 1.0
    # CCC: 1 on every indicator (weights 4 x 1 + .5) and 0 on female share (weight .5) -> 4.5 / 5
    assert on.loc["CCC", "score"] == pytest.approx(4.5 / 5)
    assert off.loc["AAA", "norm_remittance_cost_gap"] == 0.0   # cost 2% -> gap 0
    with pytest.raises(ValueError):
        need_scores(f.drop(columns="female_share"), gender_lens=True)


def test_bad_input_raises():
    f = three_indicator_frame()
    with pytest.raises(ValueError):
        need_scores(f, {"emigrants": 1.0})
    with pytest.raises(ValueError):
        need_scores(f, {"emigrant_pct_pop": -1.0})
    with pytest.raises(ValueError):
        need_scores(f, {"emigrant_pct_pop": 0.0})
    with pytest.raises(ValueError):
        need_scores(pd.concat([f, f.iloc[:1]]), W3)
    with pytest.raises(ValueError):   # default weights need all five columns
        need_scores(f)


def test_all_missing_country_is_never_scored_zero():
    f = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC", "NON"], "emigrant_pct_pop": [1, 2, 3, NaN],
                      "immigrant_pct_pop": [1, 2, 3, NaN], "remittances_pct_gdp": [1, 2, 3, NaN]})
    s = need_scores(f, W3)
    assert s["iso3"].iloc[-1] == "NON" and bool(s["missing"].iloc[-1]) and np.isnan(s["score"].iloc[-1])
    assert s["n_available"].iloc[-1] == 0


def test_method_text_and_defaults():
    assert "missing" in METHOD and "3" in method_text(3) and "4 indicators" in method_text(4)
    assert set(INDICATORS) <= set(DEFAULT_WEIGHTS)


# ------------------------------------------------------------------ gaps
def hand_scores():
    return pd.DataFrame({"iso3": ["AAA", "BBB", "CCC", "DDD", "EEE"],
                         "score": [0.9, 0.8, 0.5, 0.2, NaN], "rank": pd.array([1, 2, 3, 4, None], dtype="Int64"),
                         "n_available": [5, 5, 5, 5, 1], "n_used": 5,
                         "missing": [False, False, False, False, True]})


def hand_funding():
    # AAA absent (no project), DDD present with 0, FFF funded but not scored
    return pd.DataFrame({"iso3": ["BBB", "CCC", "DDD", "FFF"], "n_projects": [2, 1, 0, 1],
                         "approved": [100.0, 50.0, 0.0, 10.0], "disbursed": [20.0, 0.0, 0.0, 0.0]})


def test_need_threshold_is_the_quantile_of_scored_countries():
    assert need_threshold(hand_scores(), 0.5) == pytest.approx(0.65)     # between .5 and .8
    assert need_threshold(hand_scores(), 0.75) == pytest.approx(0.825)
    with pytest.raises(ValueError):
        need_threshold(hand_scores(), 1.5)


def test_gaps_quadrants_order_and_countries_with_no_project():
    g = gaps(hand_scores(), hand_funding(), need_quantile=0.5)
    assert g["iso3"].tolist() == ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
    q = g.set_index("iso3")["quadrant"].to_dict()
    assert q == {"AAA": QUADRANT_GAP, "BBB": QUADRANT_HIGH_COVERED, "CCC": QUADRANT_LOW_COVERED,
                 "DDD": QUADRANT_LOW_UNCOVERED, "EEE": QUADRANT_MISSING, "FFF": QUADRANT_MISSING}
    a = g.set_index("iso3").loc["AAA"]
    assert a["approved"] == 0.0 and a["n_projects"] == 0 and a["gap_rank"] == 1
    assert g["gap_rank"].isna().sum() == 5
    assert bool(g.set_index("iso3").loc["FFF", "missing"])
    assert high_need_uncovered(g) == ["AAA"]


def test_gaps_coverage_threshold():
    g = gaps(hand_scores(), hand_funding(), need_quantile=0.5, coverage_threshold=60.0).set_index("iso3")
    assert g.loc["CCC", "quadrant"] == QUADRANT_LOW_UNCOVERED and g.loc["BBB", "quadrant"] == QUADRANT_HIGH_COVERED
    with pytest.raises(ValueError):
        gaps(hand_scores(), hand_funding(), coverage_column="per_capita")


def test_gap_rank_ties_by_iso3():
    s = pd.DataFrame({"iso3": ["ZZZ", "YYY", "AAA"], "score": [0.9, 0.9, 0.1], "rank": [1, 1, 3],
                      "n_available": 5, "n_used": 5, "missing": False})
    g = gaps(s, hand_funding().iloc[0:0], need_quantile=0.5)
    assert g["iso3"].tolist() == ["YYY", "ZZZ", "AAA"] and g["gap_rank"].tolist()[:2] == [1, 2]
    assert high_need_uncovered(g) == ["YYY", "ZZZ"]


def test_gaps_on_real_pipeline_of_scores():
    f = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC", "DDD"], "emigrant_pct_pop": [4, 3, 2, 1],
                      "immigrant_pct_pop": [4, 3, 2, 1], "remittances_pct_gdp": [4, 3, 2, NaN]})
    s = need_scores(f, W3)
    g = gaps(s, pd.DataFrame({"iso3": ["AAA"], "n_projects": [1], "approved": [5.0]}))
    # scores AAA 1, BBB (2/3 + 2/3 + 2 x .5) / 4 = 7/12, CCC 1/6, DDD missing (2 indicators);
    # cut-off = .75 quantile of (1/6, 7/12, 1) = 7/12 + .5 x 5/12 -> only AAA is high need
    q = g.set_index("iso3")["quadrant"]
    assert g.set_index("iso3").loc["BBB", "score"] == pytest.approx(7 / 12)
    assert q.to_dict() == {"AAA": QUADRANT_HIGH_COVERED, "BBB": QUADRANT_LOW_UNCOVERED,
                           "CCC": QUADRANT_LOW_UNCOVERED, "DDD": QUADRANT_MISSING}
    assert high_need_uncovered(g) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*[st.one_of(st.none(), st.floats(0, 1e6)) for _ in range(5)]), min_size=1, max_size=12))
def test_scores_are_between_0_and_1_and_missing_iff_too_few(rows):
    f = pd.DataFrame(rows, columns=list(INDICATORS), dtype=float)
    f.insert(0, "iso3", [f"C{i:02d}" for i in range(len(f))])
    s = need_scores(f)
    scored = s.loc[~s["missing"]]
    assert ((scored["score"] >= 0) & (scored["score"] <= 1)).all()
    assert (s["missing"] == (s["n_available"] < 3)).all()
    assert s["score"].isna().equals(s["missing"])
