"""AppTest of the allocation review: the what-if round moves the balance and the coverage, the decision
sheet downloads the same rows and totals, an empty round is the "before" state, links open views.

On the ledger fixture database (tests/ledger_fixtures.make_ledger_fixture_db: a seeded ledger from 2008 to 2011 and
ten proposals awaiting a decision); every figure the page shows is compared with the core's computation on it."""
import base64
import io
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import apptest_pages
from ipmd.allocation import report as allocation
from ipmd.i18n import fmt_usd, t

PAGE = "pages/allocation.py"


@pytest.fixture(scope="module", autouse=True)
def con(on_ledger_fixture_db):
    """The ledger fixture database, which every page of this module reads (IPMD_DB)."""
    return on_ledger_fixture_db


@pytest.fixture(scope="module")
def pipe(con):
    return allocation.pipeline(con)


def open_page(**params) -> AppTest:
    return apptest_pages.open_page(PAGE, timeout=120, **params)


def open_round(**params) -> AppTest:
    """The page with the what-if round open (?view=whatif): only the open tab is computed and drawn."""
    return open_page(view="whatif", **params)


def tick(at: AppTest, rows: dict[int, float | None]) -> AppTest:
    """Tick editor rows (index -> partial amount, or None for the full request) and rerun."""
    edits = {i: ({"include": True} if amount is None else {"include": True, "amount_usd": amount})
             for i, amount in rows.items()}
    at.session_state["round_editor"] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    return at.run()


def metric(at: AppTest, label_key: str) -> str:
    label = t(label_key)
    return next(m.value for m in at.metric if m.label == label)


def coverage_traces(at: AppTest) -> dict[str, list]:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id and "allocation_coverage" in c.proto.id)
    data = json.loads(chart.proto.spec)["data"]
    goal_traces = [tr for tr in data if tr.get("xaxis", "x") == "x"]
    return {tr["name"]: tr["y"] for tr in goal_traces}


def y_values(y) -> list[float]:
    if isinstance(y, dict):   # plotly 6+ may send typed arrays
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    return list(y)


def test_empty_round_shows_the_before_state(con):
    at = open_round()
    assert not at.exception, [e.message for e in at.exception]
    env = allocation.envelope(con)
    assert any(i.value == t("allocation.round.empty") for i in at.info)
    assert metric(at, "allocation.round.remaining") == fmt_usd(env.available, "en")
    assert metric(at, "allocation.round.selected") == fmt_usd(0, "en")
    assert not at.error
    traces = coverage_traces(at)
    assert y_values(traces[t("allocation.cov.before")]) == y_values(traces[t("allocation.cov.after")])
    # the notices: committee use, demo mode, illustrative data
    assert any(w.value == t("allocation.notice.confidential") for w in at.warning)
    assert any(w.value == t("access.demo_mode") for w in at.warning)


def test_ticking_proposals_changes_the_balance_and_the_coverage(con, pipe):
    at = open_round()
    before = coverage_traces(at)
    at = tick(at, {0: None, 2: 300_000.0})
    assert not at.exception, [e.message for e in at.exception]
    selection = ((pipe["project_id"].iloc[0], None), (pipe["project_id"].iloc[2], 300_000.0))
    result = allocation.effects(con, selection, 2024)
    assert result.selected_total == pytest.approx(pipe["requested_usd"].iloc[0] + 300_000.0)
    assert metric(at, "allocation.round.selected") == fmt_usd(result.selected_total, "en")
    assert metric(at, "allocation.round.remaining") == fmt_usd(result.remaining, "en")
    assert not any(i.value == t("allocation.round.empty") for i in at.info)
    after = coverage_traces(at)
    shown_after = y_values(after[t("allocation.cov.after")])
    assert shown_after == pytest.approx(result.coverage_by_goal["approved_after"].tolist())
    assert shown_after != y_values(before[t("allocation.cov.after")])
    assert sum(shown_after) - sum(y_values(after[t("allocation.cov.before")])) == pytest.approx(result.selected_total)


def test_over_committing_shows_an_error(con, pipe):
    at = tick(open_round(), {i: None for i in range(len(pipe))})
    env = allocation.envelope(con)
    shortfall = pipe["requested_usd"].sum() - env.available
    assert shortfall > 0
    errors = [e.value for e in at.error]
    assert any(fmt_usd(shortfall, "en", compact=False) in e for e in errors), errors


def test_decision_sheet_download_has_the_rows_and_totals_shown(deferred_downloads, con, pipe):
    at = tick(open_round(), {1: None, 4: 250_000.0, 7: None})
    assert not at.exception
    labels = {b.label for b in at.get("download_button")}
    assert {t("allocation.sheet.xlsx"), t("allocation.sheet.csv")} <= labels
    xlsx = next(fn for name, fn in deferred_downloads.items() if name.startswith("ipmd_decision_sheet") and name.endswith(".xlsx"))
    csv = next(fn for name, fn in deferred_downloads.items() if name.startswith("ipmd_decision_sheet") and name.endswith(".csv"))

    ids = [pipe["project_id"].iloc[i] for i in (1, 4, 7)]
    expected_total = pipe["requested_usd"].iloc[1] + 250_000.0 + pipe["requested_usd"].iloc[7]
    shown_selected = metric(at, "allocation.round.selected")
    assert shown_selected == fmt_usd(expected_total, "en")

    col = {c: t(f"ledger.sheet.col.{c}") for c in ("project_id", "amount_usd", "figure", "value")}
    sheets = pd.read_excel(io.BytesIO(xlsx()), sheet_name=None)
    assert sheets["Selection"][col["project_id"]].tolist() == ids
    assert sheets["Selection"][col["amount_usd"]].sum() == pytest.approx(expected_total, abs=2)   # to the dollar
    summary = sheets["Effects summary"].set_index(col["figure"])[col["value"]]
    assert float(summary["Selected (US$)"]) == pytest.approx(expected_total, abs=1)

    notes, rows = allocation.read_sheet_csv(csv())
    assert rows[col["project_id"]].tolist() == ids
    assert rows[col["amount_usd"]].sum() == pytest.approx(expected_total, abs=2)
    assert any(n.startswith("Data edition: ") for n in notes)


def test_filters_live_in_the_url(pipe):
    at = open_page(partner="IOM")
    assert not at.exception
    table = at.dataframe(key="pipeline_table").value
    assert len(table) == (pipe["partner_id"] == "IOM").sum() and set(table["partner_id"]) == {"IOM"}
    at = open_page(partner="NOBODY")
    assert any("NOBODY" in w.value for w in at.warning)
    assert len(at.dataframe(key="pipeline_table").value) == len(pipe)


def test_a_link_opens_a_proposal_record(pipe):
    pid, title = pipe["project_id"].iloc[0], pipe["title"].iloc[0]
    at = open_page(proposal=pid)
    assert not at.exception
    assert any(s.value.replace("\\", "") == title for s in at.subheader)   # shown as text (plain)
    at = open_page(proposal="IPMD-0000-000")
    assert any("IPMD-0000-000" in w.value.replace("\\", "") for w in at.warning)


def test_since_a_date_lists_the_changes(con):
    at = open_page(view="since", since="2009-06-30")
    assert not at.exception
    changes = allocation.changes_since(con, "2009-06-30")
    shown = next(d.value for d in at.dataframe if "txn_id" in d.value.columns)   # read-only tables carry no key
    assert len(shown) == len(changes.transactions) > 0
    at = open_page(view="since", since="not-a-date")
    assert not at.exception
    assert any("not-a-date" in w.value.replace("\\", "") for w in at.warning)


def test_the_counting_mode_lives_in_the_url(con, pipe):
    at = tick(open_round(count="weighted"), {0: None})
    assert not at.exception
    assert at.radio(key="count").value == "weighted"
    result = allocation.effects(con, ((pipe["project_id"].iloc[0], None),), 2024, "weighted")
    after = y_values(coverage_traces(at)[t("allocation.cov.after")])
    assert after == pytest.approx(result.coverage_by_goal["approved_after"].tolist())
    assert open_round(count="nonsense").radio(key="count").value == "primary"


def test_what_if_warnings_are_shown_in_words(con, pipe):
    over, zero = pipe["project_id"].iloc[1], pipe["project_id"].iloc[3]
    requested = float(pipe["requested_usd"].iloc[1])
    at = tick(open_round(), {1: requested + 50_000.0, 3: 0.0})
    assert not at.exception, [e.message for e in at.exception]
    result = allocation.effects(con, ((over, requested + 50_000.0), (zero, 0.0)), 2024)
    assert [w.key for w in result.warnings] == ["allocation.round.exceeds", "allocation.round.zero"]
    shown = [w.value.replace("\\", "") for w in at.warning] + [c.value.replace("\\", "") for c in at.caption]
    exceeds = t("allocation.round.exceeds", id=over, amount=fmt_usd(requested + 50_000.0, "en", compact=False),
                requested=fmt_usd(requested, "en", compact=False))
    assert any(exceeds in s.replace("\u2060", "") for s in shown), shown
    assert any(t("allocation.round.zero", ids=zero) in s.replace("\u2060", "") for s in shown), shown


# ------------------------------------------------------------------------------- tabs and the what-if in the URL

def test_only_the_open_tab_is_computed_and_the_tab_is_in_the_url(pipe):
    at = open_page()
    assert not at.exception
    assert len(at.dataframe(key="pipeline_table").value) == len(pipe)
    assert "round_editor" not in at.session_state               # the what-if editor is not drawn
    assert not at.get("plotly_chart")                          # the what-if's chart is not built on the pipeline tab
    assert "view" not in at.query_params                       # the default tab is left out of the link
    at = open_round()
    assert at.query_params["view"] == "whatif"
    assert [c for c in at.get("plotly_chart") if "allocation_coverage" in c.proto.id]
    assert "round_editor" in at.session_state
    assert not [d for d in at.dataframe if "pipeline_table" in d.proto.id]   # the pipeline is not drawn
    assert [d for d in open_page().dataframe if "pipeline_table" in d.proto.id]
    at = open_page(view="nowhere")
    assert any("nowhere" in w.value.replace("\\", "") for w in at.warning)
    assert len(at.dataframe(key="pipeline_table").value) == len(pipe)      # the default tab


def test_a_link_reopens_the_same_what_if(con, pipe):
    """Ticks and a partial amount go in the URL (?fund=ID,ID:amount); a new visitor with that link sees the same
    ticks and totals, equal to the effects computed from the same selection."""
    first, partial = pipe["project_id"].iloc[0], pipe["project_id"].iloc[2]
    at = tick(open_round(), {0: None, 2: 300_000.0})
    assert not at.exception
    assert at.query_params["fund"] == f"{first},{partial}:300000"
    selected = metric(at, "allocation.round.selected")
    remaining = metric(at, "allocation.round.remaining")

    again = open_round(fund=at.query_params["fund"])
    assert not again.exception, [e.message for e in again.exception]
    result = allocation.effects(con, ((first, None), (partial, 300_000.0)), 2024)
    assert metric(again, "allocation.round.selected") == selected == fmt_usd(result.selected_total, "en")
    assert metric(again, "allocation.round.remaining") == remaining == fmt_usd(result.remaining, "en")
    after = y_values(coverage_traces(again)[t("allocation.cov.after")])
    assert after == pytest.approx(result.coverage_by_goal["approved_after"].tolist())
    assert again.query_params["fund"] == f"{first},{partial}:300000"       # kept as it came


def test_a_what_if_link_with_unknown_ids_says_so_and_keeps_the_rest(con, pipe):
    known = pipe["project_id"].iloc[1]
    at = open_round(fund=f"{known},IPMD-NOPE-999,{pipe['project_id'].iloc[3]}:lots")
    assert not at.exception, [e.message for e in at.exception]
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("IPMD-NOPE-999" in w and ":lots" in w for w in warnings), warnings
    result = allocation.effects(con, ((known, None),), 2024)
    assert metric(at, "allocation.round.selected") == fmt_usd(result.selected_total, "en")
    assert at.query_params["fund"] == known                     # the link now names only what was shown


def test_a_tick_reruns_only_the_what_if_section(monkeypatch, con, pipe):
    """The what-if round is a fragment: a tick reruns it (the totals follow) and nothing else of the page.
    AppTest reruns the whole script on every interaction, so the fragment-scoped rerun a browser asks for is
    made here the same way: a RerunData naming the fragment."""
    from components.views import allocation as view

    calls = apptest_pages.count_calls(monkeypatch, view, ("envelope", "pipeline_filters"))
    at = open_round()
    assert calls["envelope"] == 1
    fragments = apptest_pages.rerun_fragments_only(monkeypatch, at)
    assert len(fragments) == 1                                   # the what-if round
    at = tick(at, {0: None})
    assert not at.exception, [e.message for e in at.exception]
    assert calls == {"envelope": 1, "pipeline_filters": 0}      # the page above the fragment did not run again
    result = allocation.effects(con, ((pipe["project_id"].iloc[0], None),), 2024)
    assert metric(at, "allocation.round.selected") == fmt_usd(result.selected_total, "en")
    assert at.query_params["fund"] == pipe["project_id"].iloc[0]     # the URL follows a fragment's rerun


def test_the_round_is_drawn_below_its_tab_not_inside_it(con, pipe):
    """Issue 18: a tab panel checks every change of its content for a focusable element (a forced restyle in the
    browser on each tick while the chart redraws), so the open view is drawn below the tab bar (url_tabs), its panel
    left empty."""
    at = open_round()
    assert not at.exception
    tab = next(tab for tab in at.tabs if tab.label == t("allocation.tab.round", "en"))
    assert not tab.children                                         # nothing in the panel
    assert t("allocation.round.intro", "en") in [c.value for c in at.caption]
    assert [c for c in at.get("plotly_chart") if "allocation_coverage" in c.proto.id]   # chart and editor drawn
    assert "round_editor" in at.session_state
