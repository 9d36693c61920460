"""ipmd.allocation.report on the bundled database: pipeline, envelope, "since the last meeting", the decision sheet."""
import io

import openpyxl
import pandas as pd
import pytest

from ipmd import queries
from ipmd.allocation import report as allocation
from ipmd.coverage import need
from ipmd.coverage import report as coverage_report
from ipmd.fund import report as fund_report
from ipmd.fund.rules import PIPELINE_STATUSES
from ipmd.i18n import t


@pytest.fixture(scope="module")
def pipe(con):
    return allocation.pipeline(con)


def test_envelope_is_deposits_minus_approvals_and_pledges_apart(con, ledger):
    tx = ledger["transactions"]
    deposits = tx.loc[tx["txn_type"] == "deposit", "amount_usd"].sum()
    approvals = tx.loc[tx["txn_type"] == "commitment", "amount_usd"].sum()
    env = allocation.envelope(con)
    assert env.deposited == pytest.approx(deposits)
    assert env.approved == pytest.approx(approvals)
    assert env.available == pytest.approx(deposits - approvals)
    # pledged-but-not-deposited is shown apart and never added to what is available
    by_donor = tx.loc[tx["txn_type"].isin(["pledge", "deposit"])].pivot_table(
        index="donor_id", columns="txn_type", values="amount_usd", aggfunc="sum", fill_value=0.0)
    assert env.unpaid_pledges == pytest.approx((by_donor["pledge"] - by_donor["deposit"]).clip(lower=0).sum())
    assert env.unpaid_pledges > 0 and env.available < env.deposited
    assert env.as_of == pd.to_datetime(tx["txn_date"]).max().date()


def test_envelope_has_the_fund_page_numbers(con):
    ladder = fund_report.fund_report(con).ladder
    env = allocation.envelope(con)
    assert env.available == pytest.approx(ladder.fund_balance)
    assert env.unpaid_pledges == pytest.approx(ladder.unpaid_pledges)
    assert env.pledged == pytest.approx(ladder.pledged)


def test_pipeline_lists_only_submitted_and_under_review(ledger, pipe):
    projects = ledger["projects"]
    expected = set(projects.loc[projects["status"].isin(PIPELINE_STATUSES), "project_id"])
    assert expected, "the bundled ledger has a pipeline"
    assert set(pipe["project_id"]) == expected and len(pipe) == len(expected)
    assert set(pipe["status"]) <= set(PIPELINE_STATUSES)
    assert list(pipe.columns) == allocation.PIPELINE_COLUMNS
    row = pipe.iloc[0]
    assert row["partner_name"] and row["objectives"] and row["expected_results"] and row["goals"]
    assert row["duration_months"] > 0
    env = allocation.envelope_from(ledger)
    assert env.n_pipeline == len(pipe)
    assert env.pipeline_requested == pytest.approx(pipe["requested_usd"].sum())


def test_pipeline_filters(pipe):
    iom = allocation.filter_pipeline(pipe, partners=("IOM",))
    assert len(iom) and set(iom["partner_id"]) == {"IOM"}
    g1 = allocation.filter_pipeline(pipe, goals=("G1",))
    assert len(g1) and all("G1" in ids.split(",") for ids in g1["goal_ids"])
    both = allocation.filter_pipeline(pipe, areas=("A",), statuses=("submitted",))
    assert set(both["area_id"]) <= {"A"} and set(both["status"]) <= {"submitted"}
    assert len(allocation.filter_pipeline(pipe)) == len(pipe)


def test_proposal_record_only_for_the_pipeline(con, ledger, pipe):
    pid = pipe["project_id"].iloc[0]
    p = allocation.proposal(con, pid)
    assert p.record["project_id"] == pid
    assert p.countries["share"].sum() == pytest.approx(1.0)
    assert p.goals["weight"].sum() == pytest.approx(1.0) and p.goals["is_primary"].iloc[0]
    funded = ledger["projects"].loc[ledger["projects"]["status"] == "active", "project_id"].iloc[0]
    assert allocation.proposal(con, funded) is None       # decided projects are not "proposals"
    assert allocation.proposal(con, "NOPE") is None


def test_proposal_goals_and_area_are_named_in_the_interface_language(con, pipe):
    row = pipe.iloc[0]
    p = allocation.proposal(con, row["project_id"], "fr")
    french = {"G1": "G1 · Suivi du FMMD", "G2": "G2 · Cohérence des politiques", "G3": "G3 · Renforcement des capacités"}
    assert list(p.goals["label"]) == [french[g] for g in p.goals["goal_id"]]
    assert p.record["area_name"] == {"A": "Information, recherche et analyse",
                                     "B": "Évaluation d'impact et gestion des programmes"}[row["area_id"]]
    assert p.area_wording.startswith("Renforcer ")
    spanish = allocation.pipeline(con, "es")
    assert set(spanish["area_name"]) <= {"Información, investigación y análisis",
                                         "Evaluación del impacto y gestión de programas"}
    assert spanish["area_name"].nunique() == pipe["area_id"].nunique()


@pytest.mark.parametrize("since", ["2015-10-15", "2014-06-30", "2008-01-01", "2016-01-01"])
def test_since_lists_exactly_the_transactions_after_the_day(ledger, since):
    changes = allocation.changes_since_from(ledger, since)
    tx = ledger["transactions"]
    after = tx.loc[pd.to_datetime(tx["txn_date"]) > pd.Timestamp(since)]
    assert sorted(changes.transactions["txn_id"]) == sorted(after["txn_id"])
    totals = changes.totals.set_index("txn_type")
    for txn_type in allocation.TXN_TYPES:
        rows = after.loc[after["txn_type"] == txn_type]
        assert totals.loc[txn_type, "n"] == len(rows)
        assert totals.loc[txn_type, "amount_usd"] == pytest.approx(rows["amount_usd"].sum())
    projects = ledger["projects"]
    assert set(changes.added["project_id"]) == set(
        projects.loc[pd.to_datetime(projects["submitted_date"]) > pd.Timestamp(since), "project_id"])
    assert set(changes.decided["project_id"]) == set(
        projects.loc[pd.to_datetime(projects["decision_date"]) > pd.Timestamp(since), "project_id"])
    assert set(changes.decided["decision"]) <= {"approved", "rejected"}


def test_since_the_day_itself_is_not_included(ledger):
    tx = ledger["transactions"]
    day = pd.to_datetime(tx["txn_date"]).max()
    assert allocation.changes_since_from(ledger, day.date()).transactions.empty
    the_day_before = allocation.changes_since_from(ledger, (day - pd.Timedelta(days=1)).date())
    assert len(the_day_before.transactions) == int((pd.to_datetime(tx["txn_date"]) == day).sum())


def test_last_meeting_is_the_latest_decision(con, ledger):
    assert allocation.last_meeting(con) == pd.to_datetime(ledger["projects"]["decision_date"]).max().date()


def test_high_need_countries_are_the_gap_finders(con):
    expected = need.high_need_uncovered(coverage_report.gap_finder(con, 2024).table)
    assert list(allocation.high_need_uncovered(con, 2024)) == expected


def test_selection_from_the_editor():
    edited = pd.DataFrame({"include": [True, False, True, True], "project_id": ["A", "B", "C", "D"],
                           "amount_usd": [100.0, 50.0, None, -5.0]})
    assert allocation.selection_from(edited) == (("A", 100.0), ("C", None), ("D", 0.0))
    assert allocation.selection_from(edited.assign(include=False)) == ()


def test_selecting_the_whole_pipeline_over_commits(con, pipe):
    everything = tuple((pid, None) for pid in pipe["project_id"])
    result = allocation.effects(con, everything, 2024)
    env = allocation.envelope(con)
    assert result.available_before == pytest.approx(env.available)
    assert result.selected_total == pytest.approx(pipe["requested_usd"].sum())
    assert result.over_committed and result.shortfall == pytest.approx(result.selected_total - env.available)


def sample_selection(pipe):
    ids = list(pipe["project_id"])
    return ((ids[0], None), (ids[3], 400_000.0), (ids[-1], None))


def col(name: str, lang: str = "en") -> str:
    return t(f"ledger.sheet.col.{name}", lang)


def test_decision_sheet_xlsx_reopens_with_the_selection(con, pipe):
    selection = sample_selection(pipe)
    result = allocation.effects(con, selection, 2024)
    sheet = allocation.decision_sheet(con, selection, 2024, made_at="2016-03-01T10:00:00+00:00")
    data = allocation.sheet_xlsx(sheet)

    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == list(allocation.SHEET_NAMES)
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    rows = sheets["Selection"]
    assert rows[col("project_id")].tolist() == [pid for pid, _ in selection]
    requested = pipe.set_index("project_id")["requested_usd"]
    expected = [round(requested[pid] if amount is None else amount) for pid, amount in selection]
    assert rows[col("amount_usd")].tolist() == expected                      # whole dollars
    assert rows[col("amount_usd")].sum() == pytest.approx(result.selected_total, abs=2)
    assert rows[col("is_partial")].tolist() == ["no", "yes", "no"]
    assert set(rows[col("status")]) <= {t("allocation.status.submitted"), t("allocation.status.under_review")}
    # a decision and a conditions column per proposal, empty, for the minutes
    assert rows[col("decision")].isna().all() and rows[col("conditions")].isna().all()
    summary = sheets["Effects summary"].set_index(col("figure"))[col("value")]
    assert float(summary["Selected (US$)"]) == pytest.approx(result.selected_total, abs=1)
    assert float(summary["Remaining after the selection (US$)"]) == pytest.approx(result.remaining, abs=1)
    coverage = sheets["Coverage before-after"]
    goals = coverage.loc[coverage[col("dimension")] == "goal"]
    assert goals[col("approved_change")].sum() == pytest.approx(result.selected_total, abs=3)
    assert set(goals[col("id")]) == {"G1", "G2", "G3"}
    shares = goals[col("share_after")]                                        # percentages, to 0.1
    assert shares.sum() == pytest.approx(100, abs=0.2) and (shares * 10).round(6).eq((shares * 10).round()).all()
    meta = sheets["Metadata"].set_index(col("item"))[col("value")]
    assert meta["Prepared at"] == "2016-03-01T10:00:00+00:00"
    assert meta["Data edition"] == queries.meta(con)["data_edition"]
    assert float(meta["Available to commit before the selection (US$) = deposited - approved"]) == pytest.approx(
        result.available_before, abs=1)
    assert "CONFIDENTIAL" in meta["Confidentiality"]


def test_decision_sheet_is_in_the_page_language(con, pipe):
    selection = sample_selection(pipe)
    sheet = allocation.decision_sheet(con, selection, 2024, made_at="x", lang="fr")
    wb = openpyxl.load_workbook(io.BytesIO(allocation.sheet_xlsx(sheet)))
    assert wb.sheetnames == [t(f"ledger.sheet.name.{k}", "fr")[:31] for k in allocation.SHEET_KEYS]
    header = [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))]
    assert header == [col(c, "fr") for c in allocation.DOCUMENT_COLUMNS]
    statuses = {c.value for c in wb.worksheets[0]["D"][1:]}
    assert statuses <= {t("allocation.status.submitted", "fr"), t("allocation.status.under_review", "fr")}
    assert "under_review" not in statuses
    notes, rows = allocation.read_sheet_csv(allocation.sheet_csv(sheet))
    assert list(rows.columns) == [col(c, "fr") for c in allocation.DOCUMENT_COLUMNS]
    # the metadata and the effects summary in the sheet's language: test_decision_sheet_metadata_and_summary_...


def test_decision_sheet_csv_reopens_with_the_selection(con, pipe):
    selection = sample_selection(pipe)
    result = allocation.effects(con, selection, 2024)
    sheet = allocation.decision_sheet(con, selection, 2024, made_at="2016-03-01T10:00:00+00:00")
    notes, rows = allocation.read_sheet_csv(allocation.sheet_csv(sheet))
    assert rows[col("project_id")].tolist() == [pid for pid, _ in selection]
    assert rows[col("amount_usd")].sum() == pytest.approx(result.selected_total, abs=2)
    assert list(rows.columns) == [col(c) for c in allocation.DOCUMENT_COLUMNS]
    assert notes[0].startswith("CONFIDENTIAL")
    assert f"Selected (US$): {round(result.selected_total)}" in notes
    assert f"Data edition: {queries.meta(con)['data_edition']}" in notes
    assert "Prepared at: 2016-03-01T10:00:00+00:00" in notes


def test_empty_selection_sheet_is_the_before_state(con):
    sheet = allocation.decision_sheet(con, (), 2024, made_at="2016-03-01")
    assert sheet.selection.empty and list(sheet.selection.columns) == allocation.SELECTION_COLUMNS
    summary = sheet.summary.set_index("figure")["value"]
    assert summary["Selected (US$)"] == 0
    assert summary["Remaining after the selection (US$)"] == pytest.approx(allocation.envelope(con).available)
    sheets = pd.read_excel(io.BytesIO(allocation.sheet_xlsx(sheet)), sheet_name=None)
    assert sheets["Selection"].empty
    notes, rows = allocation.read_sheet_csv(allocation.sheet_csv(sheet))
    assert rows.empty and list(rows.columns) == [col(c) for c in allocation.DOCUMENT_COLUMNS]


def test_high_need_reach_per_project_adds_up(con, ledger, pipe):
    everything = tuple((pid, None) for pid in pipe["project_id"])
    sheet = allocation.decision_sheet(con, everything, 2024, made_at="x")
    result = allocation.effects(con, everything, 2024)
    per_project = {c for cell in sheet.selection["high_need_reached"] if cell for c in cell.split(", ")}
    assert per_project == set(result.high_need_reached)


def test_an_empty_pipeline_still_works(con, ledger):
    decided = {**ledger, "projects": ledger["projects"].loc[~ledger["projects"]["status"].isin(PIPELINE_STATUSES)]}
    empty = allocation.pipeline_from(decided, queries.countries(con))
    assert empty.empty and list(empty.columns) == allocation.PIPELINE_COLUMNS
    assert allocation.editor_frame(empty).empty
    assert allocation.envelope_from(decided).n_pipeline == 0
    assert allocation.filter_pipeline(empty, goals=("G1",)).empty


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_decision_sheet_metadata_and_summary_are_in_the_sheets_language(con, pipe, lang):
    """Every metadata label, the fixed texts and the summary's added rows, yes/no and counting mode are in the
    sheet's language (they were English in French and Spanish), amounts rounded to the dollar, shares readable."""
    selection = sample_selection(pipe)
    result = allocation.effects(con, selection, 2024)
    env = allocation.envelope(con)
    sheet = allocation.decision_sheet(con, selection, 2024, made_at="2016-03-01T10:00:00+00:00", lang=lang)
    english = allocation.decision_sheet(con, selection, 2024, made_at="2016-03-01T10:00:00+00:00")
    labels = sheet.metadata["item"].tolist()
    assert labels == [t(f"screens17.sheet.meta.{item}", lang) for item in allocation.METADATA_ITEMS]
    assert not set(labels) & set(english.metadata["item"]) - {"Document", "Concentration"}   # same word in fr/es
    meta = dict(zip(sheet.metadata["item"], sheet.metadata["value"]))
    assert meta[t("screens17.sheet.meta.confidentiality", lang)] == t("screens17.sheet.confidential", lang)
    assert meta[t("screens17.sheet.meta.status", lang)] == t("screens17.sheet.proposed", lang)
    assert meta[t("screens17.sheet.meta.wb_status", lang)] == t(f"allocation.wb.{env.wb_status}", lang)
    assert meta[t("screens17.sheet.meta.wb_share", lang)] == pytest.approx(100 * env.wb_share, abs=0.05)
    summary = dict(zip(sheet.summary["figure"], sheet.summary["value"]))
    assert summary[t("screens17.sheet.summary.n_pipeline", lang)] == env.n_pipeline
    assert summary[t("whatif.summary.mode", lang)] == t("allocation.mode.primary", lang)
    assert summary[t("whatif.summary.over_committed", lang)] in {t("ledger.sheet.yes", lang), t("ledger.sheet.no", lang)}
    # the signed document: the metadata sheet's amounts to the dollar, every line of the CSV in the language
    doc = allocation.document(sheet)[t("ledger.sheet.name.metadata", lang)[:31]]
    rows = dict(zip(doc[col("item", lang)], doc[col("value", lang)]))
    assert rows[t("screens17.sheet.meta.available", lang)] == round(result.available_before)
    notes, _ = allocation.read_sheet_csv(allocation.sheet_csv(sheet))
    assert notes[0] == t("screens17.sheet.confidential", lang)
    assert f"{t('screens17.sheet.meta.prepared_at', lang)}: 2016-03-01T10:00:00+00:00" in notes
    assert not any(line.startswith(("Prepared at", "Data edition", "Confidentiality")) for line in notes)
