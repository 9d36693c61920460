"""The benchmark's issue-18 figures: medians, budgets and the raw page names it looks for (no browser)."""
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO / "bench"))

import firstload  # noqa: E402
import interactions  # noqa: E402


def _sample(s, script_ms, charts_redrawn=1):
    return {"step": "x", "s": s, "wall_s": s + 0.1, "script_ms": script_ms, "script_cpu_ms": script_ms / 2, "runs": 1,
            "charts_redrawn": charts_redrawn, "charts": 2}


def test_summary_is_the_median_and_max_of_the_samples_and_skips_a_failed_one():
    item = interactions.Interaction("filter", "/coverage", [])
    res = interactions.summarise(item, [_sample(0.4, 80), _sample(0.9, 120), _sample(0.6, 60),
                                        _sample(float("nan"), 70)], [])
    assert res["s"] == 0.6 and res["s_max"] == 0.9
    assert res["script_ms"] == 75 and res["script_ms_max"] == 120
    assert res["n"] == 4 and res["charts"] == 2


def test_an_interaction_with_no_sample_reports_nan_not_zero():
    res = interactions.summarise(interactions.Interaction("tab", "/funds", []), [], ["tab: not redrawn"])
    assert math.isnan(res["s"]) and math.isnan(res["script_ms_max"])
    line = interactions.report_lines({"tab": res}, 2)[-1]
    assert "n/a" in line and line.rstrip("| ").endswith("1")      # its one error counted


def test_report_says_within_budget_and_within_twice_beside_each_figure():
    res = interactions.summarise(interactions.Interaction("year", "/", []), [_sample(0.7, 90), _sample(0.7, 90)], [])
    row = interactions.report_lines({"year": res}, 2)[-1].split(" | ")
    # redrawn 0.70 s: over 0.5 s, within 1 s; script 90 ms: within 100 ms
    assert row[2] == "0.70 s / 0.70 s" and row[3:5] == ["no", "yes"]
    assert row[5] == "90 ms / 90 ms" and row[7:9] == ["yes", "yes"]


def test_every_interaction_of_the_issue_is_driven():
    names = " ".join(item.name for item in interactions.interactions(["Tonga", "Kenya"]))
    for word in ("coverage filter", "funds filter", "tab", "language", "year", "country switch", "tick",
                 "amount", "meeting pack", "gap finder", "indicator"):
        assert word in names


def test_raw_page_names_are_the_page_files_as_streamlit_would_label_them():
    names = firstload.raw_page_names(REPO / "app.py")
    assert set(names) == {p.stem for p in (REPO / "pages").glob("*.py")}
    assert "coverage" in names


def test_floor_report_ratio_against_its_budget():
    floor = {"floor_s": 2.0, "floor_s_all": [2.0], "errors": [],
             "pages": {"/": {"load_s": 2.5, "load_s_all": [2.5], "ratio": 1.25},
                       "/funds": {"load_s": 3.0, "load_s_all": [3.0], "ratio": 1.5}}}
    lines = firstload.report_lines(floor, None, 1)
    assert "| / | 2.50 s | [2.5] | 1.25 | yes | yes |" in lines
    assert "| /funds | 3.00 s | [3.0] | 1.50 | no | yes |" in lines


def test_first_paint_report_says_when_the_navigations_code_came_and_how_long_the_browser_was_busy():
    paint = {"/": {"fcp_s": 1.0, "nav_s": 9.5, "title_s": 2.0, "drawn_s": 12.0, "nav_code_s": 3.5,
                   "plotly_code_s": 4.0, "blocked_s": 5.25, "raw_names": [], "n": 2, "errors": []}}
    row = firstload.report_lines(None, paint, 2)[-2]
    assert row == "| / | 1.00 s | 9.50 s | 2.00 s | 12.00 s | 3.50 s | 4.00 s | 5.25 s | none | 2 |"
