"""The ledger's results framework (issue 20): broken results sheets are refused, located, with the database
unchanged; XLSX, CSV and IATI round trips keep every result; the IATI export validates against the schema."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

import ledger_fixtures as F
from ipmd.ledger.export import export_ledger, ledger_frames
from ipmd.ledger.iati_export import iati_bytes
from ipmd.ledger.store import import_ledger

IATI_XSD = Path("/work/shared/standards/iati-2.03/iati-activities-schema.xsd")
RESULT_TABLES = ("results", "result_indicators", "indicator_periods", "report_milestones", "project_documents")


def _xsd_path() -> Path:
    from ipmd import REPO_ROOT
    for candidate in (REPO_ROOT.parent / "shared" / "standards" / "iati-2.03" / "iati-activities-schema.xsd",
                      IATI_XSD):
        if candidate.is_file():
            return candidate
    pytest.skip("the IATI 2.03 schema (../shared/standards/iati-2.03) is not here")


def iati_schema_errors(data: bytes) -> list[str]:
    schema = etree.XMLSchema(etree.parse(str(_xsd_path())))
    ok = schema.validate(etree.fromstring(data))
    return [] if ok else [f"line {e.line}: {e.message}" for e in schema.error_log][:10]


@pytest.fixture(scope="module")
def ledger() -> dict[str, pd.DataFrame]:
    return F.with_results(F.valid_ledger())


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    return F.make_fixture_db(tmp_path_factory.mktemp("results") / "ipmd.duckdb")


@pytest.fixture
def db(template_db, tmp_path) -> Path:
    path = tmp_path / "ipmd.duckdb"
    shutil.copyfile(template_db, path)
    return path


def funded(tables):
    return set(tables["projects"].loc[tables["projects"]["status"].isin(["approved", "active", "closed"]),
                                      "project_id"])


# ------------------------------------------------------------------------------------------- round trips

@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_results_round_trip_through_the_database_and_back(db, ledger, form):
    data, name = (F.xlsx_bytes(ledger), "ledger.xlsx") if form == "xlsx" else (F.csv_zip_bytes(ledger), "ledger.zip")
    result = import_ledger(data, name, db)
    assert result.ok, result.report_lines()
    assert result.counts["indicator_periods"] == len(ledger["indicator_periods"]) > 0
    back = ledger_frames(db)
    assert F.rows(back) == F.rows(ledger)          # every table, results and gender markers included
    again = export_ledger(db, form)                 # and the export imports to the same rows once more
    second = import_ledger(again, f"again.{'xlsx' if form == 'xlsx' else 'zip'}", db)
    assert second.ok, second.report_lines()
    assert F.rows(ledger_frames(db)) == F.rows(ledger)


def test_a_ledger_without_results_sheets_still_imports(db):
    plain = F.valid_ledger()
    data = F.xlsx_bytes(plain, drop=RESULT_TABLES)
    result = import_ledger(data, "old.xlsx", db)
    assert result.ok, result.report_lines()
    assert all(result.counts[t] == 0 for t in RESULT_TABLES)


def test_iati_export_validates_and_round_trips_every_result(db, ledger, tmp_path):
    assert import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db).ok
    data = export_ledger(db, "iati")
    assert iati_schema_errors(data) == []
    other = tmp_path / "other"
    other.mkdir()
    second_db = F.make_fixture_db(other / "ipmd.duckdb")
    result = import_ledger(data, "ledger.xml", second_db)
    assert result.ok, result.report_lines()
    back = ledger_frames(second_db)
    keep = funded(ledger)
    results = ledger["results"][ledger["results"]["project_id"].isin(keep)]
    assert len(results) == len(ledger["results"]) > 0          # every project with results is funded
    for table in ("results", "result_indicators", "indicator_periods", "project_documents"):
        assert F.rows({table: back[table]})[table] == F.rows({table: ledger[table]})[table], table
    markers = dict(zip(ledger["projects"]["project_id"], ledger["projects"]["gender_marker"]))
    assert {p: int(m) for p, m in zip(back["projects"]["project_id"], back["projects"]["gender_marker"])} == \
        {p: int(markers[p]) for p in keep}
    # IATI -> database -> IATI: the same file, but for the time it was made
    again = export_ledger(second_db, "iati")
    strip = lambda b: re.sub(rb'generated-datetime="[^"]*"', b"", b)  # noqa: E731
    assert strip(again) == strip(data)


def test_iati_sex_dimension_is_written_for_female_and_male_values(ledger):
    data = iati_bytes(ledger)
    doc = etree.fromstring(data)
    sexes = [d.get("value") for d in doc.iter("dimension") if d.get("name") == "sex"]
    by_sex = ledger["indicator_periods"]
    assert sorted(sexes) == sorted(by_sex.loc[by_sex["sex"] != "total", "sex"].tolist()
                                   + by_sex.loc[(by_sex["sex"] != "total") & by_sex["actual_value"].notna(),
                                                "sex"].tolist())
    markers = [(m.get("vocabulary"), m.get("code"), m.get("significance")) for m in doc.iter("policy-marker")]
    assert markers and all(v == "1" and c == "1" and s in {"0", "1", "2", "3"} for v, c, s in markers)


# ----------------------------------------------------------------------------------- broken results

def first_row(t, table, **match):
    return F.row_of(t, table, **match)


def set_value(table, column, value, **match):
    def edit(t):
        pos = first_row(t, table, **match) if match else 0
        t[table].iloc[pos, t[table].columns.get_loc(column)] = value
        return pos
    return edit


def append_copy(table, changes: dict, **match):
    """A copy of a row (the first matching), changed, added at the end: returns its position."""
    def edit(t):
        pos = first_row(t, table, **match) if match else 0
        row = t[table].iloc[[pos]].copy()
        for column, value in changes.items():
            row.iloc[0, row.columns.get_loc(column)] = value
        t[table] = pd.concat([t[table], row], ignore_index=True).astype(object)
        return len(t[table]) - 1
    return edit


def project_dates(t, pid):
    p = t["projects"].loc[t["projects"]["project_id"] == pid].iloc[0]
    return pd.Timestamp(p["start_date"]).date(), pd.Timestamp(p["end_date"]).date()


def first_pid(t):
    return t["results"]["project_id"].iloc[0]


def period_before_start(t):
    pid = first_pid(t)
    start, _ = project_dates(t, pid)
    return set_value("indicator_periods", "period_start", start - dt.timedelta(days=10),
                     result_indicator_id=f"{pid}-I2")(t)


def period_after_end(t):
    pid = first_pid(t)
    _, end = project_dates(t, pid)
    pos = F.row_of(t, "indicator_periods", result_indicator_id=f"{pid}-I2", actual_value=1.0)
    t["indicator_periods"].iloc[pos, t["indicator_periods"].columns.get_loc("period_end")] = end + dt.timedelta(days=1)
    return pos


def male_row_missing(t):
    pid = first_pid(t)
    periods = t["indicator_periods"]
    pos = F.row_of(t, "indicator_periods", result_indicator_id=f"{pid}-I1", sex="male")
    female = F.row_of(t, "indicator_periods", result_indicator_id=f"{pid}-I1", sex="female")
    t["indicator_periods"] = periods.drop(index=periods.index[pos]).reset_index(drop=True)
    return female if female < pos else female


def overlapping_period(t):
    pid = first_pid(t)
    start, _ = project_dates(t, pid)
    return append_copy("indicator_periods", {"period_start": start + dt.timedelta(days=30)},
                       result_indicator_id=f"{pid}-I2")(t)


def second_final_report(t):
    pid = first_pid(t)
    return append_copy("report_milestones", {"due_date": dt.date(2013, 6, 30)}, project_id=pid,
                       report_type="final")(t)


def milestone_before_start(t):
    pid = first_pid(t)
    start, _ = project_dates(t, pid)
    return set_value("report_milestones", "due_date", start - dt.timedelta(days=1), project_id=pid,
                     report_type="progress")(t)


def result_without_indicator(t):
    pid = first_pid(t)
    return append_copy("results", {"result_id": f"{pid}-R9"}, project_id=pid)(t)


def results_for_unfunded_project(t):
    pid = t["projects"].loc[t["projects"]["start_date"].isna(), "project_id"].iloc[0]
    pos = append_copy("results", {"result_id": "NEW-R1", "project_id": pid})(t)
    append_copy("result_indicators", {"result_indicator_id": "NEW-I1", "result_id": "NEW-R1"},
                unit="documents")(t)
    return append_copy("indicator_periods", {"result_indicator_id": "NEW-I1"}, sex="total")(t), pid


def unfunded(t):
    pos, _ = results_for_unfunded_project(t)
    return pos


CASES = {
    # name: (edit returning the row position, sheet, column, words of the problem)
    "actual_without_target": (set_value("indicator_periods", "target_value", None, sex="female"),
                              "indicator_periods", "target_value", "an actual value (9) without a target"),
    "period_before_project_start": (period_before_start, "indicator_periods", "period_start",
                                    "before project"),
    "period_after_project_end": (period_after_end, "indicator_periods", "period_end", "after project"),
    "period_for_project_without_dates": (unfunded, "indicator_periods", "period_start", "has no start_date"),
    "result_for_unknown_project": (set_value("results", "project_id", "P99"), "results", "project_id",
                                   "'P99' is not in the projects sheet"),
    "indicator_for_unknown_result": (set_value("result_indicators", "result_id", "NOPE"), "result_indicators",
                                     "result_id", "'NOPE' is not"),
    "period_for_unknown_indicator": (set_value("indicator_periods", "result_indicator_id", "NOPE"),
                                     "indicator_periods", "result_indicator_id", "'NOPE' is not"),
    "gender_marker_outside_0_3": (set_value("projects", "gender_marker", 4), "projects", "gender_marker",
                                  "outside the allowed range 0 to 3"),
    "gender_marker_not_a_number": (set_value("projects", "gender_marker", "high"), "projects", "gender_marker",
                                   "not a whole number"),
    "sex_not_recognised": (set_value("indicator_periods", "sex", "woman", sex="female"), "indicator_periods",
                           "sex", "not one of the allowed values: total, female, male"),
    "negative_target": (set_value("indicator_periods", "target_value", -5.0, sex="male"), "indicator_periods",
                        "target_value", "is negative"),
    "non_numeric_actual": (set_value("indicator_periods", "actual_value", "many", sex="male"),
                           "indicator_periods", "actual_value", "is not a number"),
    "negative_baseline": (set_value("result_indicators", "baseline_value", -1.0, unit="persons"),
                          "result_indicators", "baseline_value", "is negative"),
    "duplicate_period": (append_copy("indicator_periods", {}, sex="male"), "indicator_periods", "sex",
                         "is used twice"),
    "duplicate_result_id": (append_copy("results", {"title": "Again"}), "results", "result_id", "is used twice"),
    "total_row_for_indicator_by_sex": (set_value("indicator_periods", "sex", "total", sex="male"),
                                       "indicator_periods", "sex", "is counted by sex"),
    "sex_row_for_indicator_not_by_sex": (set_value("indicator_periods", "sex", "female", sex="total"),
                                         "indicator_periods", "sex", "is not counted by sex"),
    "male_row_missing": (male_row_missing, "indicator_periods", "sex", "has no male row"),
    "female_and_male_rows_end_apart": (set_value("indicator_periods", "period_end", dt.date(2010, 6, 30), sex="male"),
                                       "indicator_periods", "period_end", "end on different days"),
    "period_ends_before_it_starts": (set_value("indicator_periods", "period_end", dt.date(2009, 1, 1), sex="total"),
                                     "indicator_periods", "period_end", "is before period_start"),
    "overlapping_periods": (overlapping_period, "indicator_periods", "period_start", "overlaps"),
    "unknown_result_type": (set_value("results", "result_type", "impactful"), "results", "result_type",
                            "not one of the allowed values: objective, outcome, output"),
    "result_without_indicator": (result_without_indicator, "results", "result_id", "has no indicator"),
    "baseline_year_without_value": (set_value("result_indicators", "baseline_value", None, unit="persons"),
                                    "result_indicators", "baseline_value", "a baseline needs both"),
    "two_final_reports": (second_final_report, "report_milestones", "report_type", "owes one final report"),
    "report_due_before_project_start": (milestone_before_start, "report_milestones", "due_date",
                                        "before the project starts"),
    "unknown_report_type": (set_value("report_milestones", "report_type", "interim"), "report_milestones",
                            "report_type", "not one of the allowed values: progress, final"),
    "document_link_not_http": (set_value("project_documents", "url", "file:///etc/passwd", category="proposal"),
                               "project_documents", "url", "is not an http:// or https:// address"),
    "document_without_title": (set_value("project_documents", "title", None), "project_documents", "title",
                               "title is empty"),
    "received_date_not_a_date": (set_value("report_milestones", "received_date", "soon"), "report_milestones",
                                 "received_date", "not a date"),
}


CSV_CASES = ("actual_without_target", "period_before_project_start", "sex_not_recognised", "duplicate_period",
             "result_for_unknown_project")      # the rules do not depend on the form: a few cases suffice


@pytest.mark.parametrize("name, form", [(n, "xlsx") for n in sorted(CASES)] + [(n, "csv") for n in CSV_CASES])
def test_broken_results_sheet_is_refused_located_and_the_database_unchanged(name, form, ledger, db):
    edit, sheet, column, words = CASES[name]
    t = F.copy_tables(ledger)
    pos = edit(t)
    before = F.sha256(db)
    data, filename = (F.xlsx_bytes(t), "ledger.xlsx") if form == "xlsx" else (F.csv_zip_bytes(t), "ledger.zip")
    result = import_ledger(data, filename, db)
    assert not result.ok
    matching = [p for p in result.problems if words in p.message]
    assert matching, f"expected {words!r} in:\n" + "\n".join(map(str, result.problems))
    p = matching[0]
    assert (p.sheet, p.row, p.column) == (sheet, pos + 2, column), str(p)
    assert p.file == ("ledger.xlsx" if form == "xlsx" else f"ledger.zip/{sheet}.csv")
    assert F.sha256(db) == before
    assert result.backup_path is None


def test_iati_sex_not_recognised_is_located_at_its_line(ledger, db):
    assert import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db).ok
    data = export_ledger(db, "iati").replace(b'name="sex" value="male"', b'name="sex" value="other"', 1)
    before = F.sha256(db)
    result = import_ledger(data, "ledger.xml", db)
    assert not result.ok
    [p] = [p for p in result.problems if "'other' is not one of the allowed values" in p.message]
    line = data[:data.index(b'value="other"')].count(b"\n") + 1
    assert p.sheet == "period" and p.column == "dimension[@name=sex]/@value"
    assert line - 3 <= p.row <= line          # the target or actual element holding the dimension
    assert F.sha256(db) == before


def test_iati_gender_marker_outside_0_3_is_refused(ledger, db):
    assert import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db).ok
    data = re.sub(rb'significance="\d"', b'significance="7"', export_ledger(db, "iati"), count=1)
    before = F.sha256(db)
    result = import_ledger(data, "ledger.xml", db)
    assert not result.ok
    assert any("outside the allowed range 0 to 3" in p.message and p.column.endswith("@significance")
               for p in result.problems), [str(p) for p in result.problems]
    assert F.sha256(db) == before


def test_write_export_to_an_xml_file_is_iati(db, ledger, tmp_path):
    from ipmd.ledger.export import write_export
    assert import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db).ok
    [out] = write_export(db, tmp_path / "ledger.xml")
    data = out.read_bytes()
    assert iati_schema_errors(data) == []
    assert data.count(b"<result ") == len(ledger["results"])


def test_indicators_without_their_results_sheet_are_refused_by_row(db, ledger):
    data = F.xlsx_bytes(ledger, drop=("results",))
    before = F.sha256(db)
    result = import_ledger(data, "ledger.xlsx", db)
    assert not result.ok
    located = {(p.sheet, p.row, p.column) for p in result.problems if "is not in the results sheet" in p.message}
    assert located == {("result_indicators", n + 2, "result_id") for n in range(len(ledger["result_indicators"]))}
    assert F.sha256(db) == before


def test_the_ledger_limits_apply_to_the_results_sheets(db, ledger, monkeypatch):
    from ipmd.ledger import read
    n = len(ledger["indicator_periods"])
    monkeypatch.setattr(read, "MAX_ROWS", n - 1)
    before = F.sha256(db)
    result = import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db)
    assert not result.ok
    assert any(p.sheet == "indicator_periods" and f"limit of {n - 1:,} data rows" in p.message
               for p in result.problems), [str(p) for p in result.problems]
    assert F.sha256(db) == before


def test_a_database_made_before_the_results_framework_takes_a_ledger_with_results(ledger, tmp_path, monkeypatch):
    # as a server that imported a ledger before issue 20: schema.sql without its results block
    schema = F.SCHEMA.read_text(encoding="utf-8")
    old = tmp_path / "old-schema.sql"
    old.write_text(schema[:schema.index("-- The results framework of the fund ledger")], encoding="utf-8")
    monkeypatch.setattr(F, "SCHEMA", old)
    db = F.make_fixture_db(tmp_path / "old.duckdb")
    assert all(len(frame) == 0 for name, frame in ledger_frames(db).items() if name in RESULT_TABLES)
    result = import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db)
    assert result.ok, result.report_lines()
    assert F.rows(ledger_frames(db)) == F.rows(ledger)
