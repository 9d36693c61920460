"""Loading a real ledger: round trips through every format, IATI mapping, the swap, the CLI, properties."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ledger_fixtures as F
from ipmd import REPO_ROOT
from ipmd.ledger.export import export_ledger, ledger_frames, template_bytes, write_export
from ipmd.ledger.raw import RawLedger
from ipmd.ledger.store import LEDGER_SOURCE_ID, content_hash, import_ledger
from ipmd.ledger.template import LEDGER_TABLES, SHEETS
from ipmd.ledger.validate import ReferenceData, validate


@pytest.fixture
def db(tmp_path) -> Path:
    return F.make_fixture_db(tmp_path / "ipmd.duckdb")


@pytest.fixture(scope="module")
def ledger() -> dict[str, pd.DataFrame]:
    return F.valid_ledger()


def query(db: Path, sql: str, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------------------------------- the template

def test_template_matches_the_schema():
    """The template's columns are the schema's, less is_illustrative, which the importer sets."""
    con = duckdb.connect()
    con.execute(F.SCHEMA.read_text(encoding="utf-8"))
    for sheet in SHEETS:
        db_columns = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [sheet.name]).fetchall()]
        assert sheet.column_names == [c for c in db_columns if c != "is_illustrative"]
        nullable = dict(con.execute("SELECT column_name, is_nullable FROM information_schema.columns "
                                    "WHERE table_name = ?", [sheet.name]).fetchall())
        for col in sheet.columns:     # a NOT NULL column is required, unless the importer derives it
            if nullable[col.name] == "NO" and col.name not in ("iati_code", "amount_usd", "currency",
                                                                 "amount_original", "is_world_bank_internal",
                                                                 "by_sex",        # blank: FALSE
                                                                 "target_value"):  # required by results_rules
                assert col.required, (sheet.name, col.name)


def test_template_download_has_every_sheet_and_header(db):
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(db)), read_only=True)
    assert wb.sheetnames[0] == "instructions"
    for sheet in SHEETS:
        header = next(wb[sheet.name].iter_rows(values_only=True))
        assert list(header) == sheet.column_names
    partners = [r[0] for r in wb["ref_partners"].iter_rows(min_row=2, values_only=True)]
    assert "ILO" in partners


def test_empty_template_is_refused_not_imported(db):
    before = F.sha256(db)
    result = import_ledger(template_bytes(), "template.xlsx", db)
    assert not result.ok and "no rows" in result.problems[0].message
    assert F.sha256(db) == before


# ------------------------------------------------------------------------------------------ round trips

@pytest.mark.parametrize("form", ["xlsx", "csv_zip", "csv_dir", "csv_files"])
def test_generated_ledger_imports_in_every_form(db, ledger, tmp_path, form):
    if form == "xlsx":
        result = import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db)
    elif form == "csv_zip":
        result = import_ledger(F.csv_zip_bytes(ledger), "ledger.zip", db)
    elif form == "csv_dir":
        result = import_ledger(F.write_csv_dir(ledger, tmp_path / "ledger"), db_path=db)
    else:
        files = {p.name: p.read_bytes() for p in F.write_csv_dir(ledger, tmp_path / "up").iterdir()}
        result = import_ledger(files, "uploaded", db)
    assert result.ok, [str(p) for p in result.problems]
    assert result.counts == {t: len(ledger[t]) for t in LEDGER_TABLES}
    assert F.rows(ledger_frames(db)) == F.rows(ledger)


def test_import_replaces_the_demonstration_portfolio_and_records_provenance(db, ledger):
    before = db.read_bytes()
    result = import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db)
    assert result.ok
    # the previous file is kept, byte for byte, as a dated backup beside the database
    assert result.backup_path.parent == db.parent / "backups"
    assert result.backup_path.name.startswith("ipmd-") and result.backup_path.suffix == ".duckdb"
    assert result.backup_path.read_bytes() == before
    for table in ("donors", "projects", "transactions"):
        assert query(db, f"SELECT count(*) FROM {table} WHERE is_illustrative")[0][0] == 0
    assert query(db, "SELECT count(*) FROM projects WHERE project_id = 'DEMO-P'")[0][0] == 0
    meta = dict(query(db, "SELECT key, value FROM meta"))
    assert meta["ledger_kind"] == "real" and meta["ledger_file"] == "ledger.xlsx"
    assert meta["built_at"] == "2025-01-01T00:00:00Z"            # other meta untouched
    con = duckdb.connect(str(db), read_only=True)
    assert meta["content_hash"] == content_hash(con) == result.content_hash
    con.close()
    sources = {r[0]: r for r in query(db, "SELECT source_id, is_illustrative, file_name FROM sources")}
    assert sources[LEDGER_SOURCE_ID][1:] == (False, "ledger.xlsx")
    assert "ledger_demo" not in sources and "wdi" in sources      # the demo's row goes; real sources stay
    # nothing left behind but the database and its backups
    assert sorted(p.name for p in db.parent.iterdir()) == ["backups", "ipmd.duckdb"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_reproduces_rows_and_totals(db, ledger, tmp_path, fmt):
    assert import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db).ok
    exported = export_ledger(db, fmt)
    other = shutil.copy(db, tmp_path / "other.duckdb")
    result = import_ledger(exported, f"export.{'xlsx' if fmt == 'xlsx' else 'zip'}", other)
    assert result.ok, [str(p) for p in result.problems]
    again = ledger_frames(other)
    assert F.rows(again) == F.rows(ledger_frames(db)) == F.rows(ledger)
    assert F.totals(again) == F.totals(ledger)


def test_export_of_the_demonstration_db_round_trips(db, tmp_path):
    """Export -> import of the illustrative ledger itself: same rows, now flagged real."""
    demo = ledger_frames(db)
    result = import_ledger(export_ledger(db, "xlsx"), "demo.xlsx", db)
    assert result.ok, [str(p) for p in result.problems]
    assert F.rows(ledger_frames(db)) == F.rows(demo)
    assert query(db, "SELECT count(*) FROM transactions WHERE is_illustrative")[0][0] == 0


def test_write_export_to_a_folder_and_a_workbook(db, ledger, tmp_path):
    assert import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db).ok
    written = write_export(db, tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(f"{t}.csv" for t in LEDGER_TABLES)
    [book] = write_export(db, tmp_path / "out.xlsx")
    assert zipfile.is_zipfile(book)


def test_dry_run_validates_and_writes_nothing(db, ledger):
    before = F.sha256(db)
    result = import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db, dry_run=True)
    assert result.ok and result.dry_run and result.backup_path is None
    assert F.sha256(db) == before and not (db.parent / "backups").exists()


def test_amounts_in_other_currencies_are_converted_when_usd_is_blank(db, ledger):
    t = F.copy_tables(ledger)
    tx = t["transactions"]
    euro = tx.index[tx["currency"] == "EUR"][0]
    tx.loc[euro, "amount_usd"] = None
    tx.loc[tx.index[tx["currency"] == "USD"][0], "amount_original"] = None
    tx["iati_code"] = None                                         # derived from txn_type
    result = import_ledger(F.xlsx_bytes(t), "ledger.xlsx", db)
    assert result.ok, [str(p) for p in result.problems]
    assert F.rows(ledger_frames(db)) == F.rows(ledger)            # the fixture used the same WDI rate


def test_spreadsheet_leniency_ids_as_numbers_codes_in_lower_case(db, ledger):
    t = F.copy_tables(ledger)
    t["project_countries"]["iso3"] = t["project_countries"]["iso3"].str.lower()
    t["projects"]["status"] = t["projects"]["status"].str.replace("_", " ").str.title()   # "Under Review"
    result = import_ledger(F.xlsx_bytes(t), "ledger.xlsx", db)
    assert result.ok, [str(p) for p in result.problems]
    assert F.rows(ledger_frames(db)) == F.rows(ledger)


def test_formula_cells_are_refused_not_read_at_their_saved_value(db, ledger):
    """The saved result of a formula can differ from what Excel shows once it recalculates (issue 14, item 9)."""
    pos = F.row_of(ledger, "transactions", txn_type="commitment")
    value = ledger["transactions"].iloc[pos]["amount_usd"]
    before = F.sha256(db)
    book = F.xlsx_with_formula(ledger, "transactions", pos, "amount_usd", f"=SUM({value}/2, {value}/2)")
    result = import_ledger(book, "ledger.xlsx", db)
    assert not result.ok
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("transactions", pos + 2, "amount_usd")]
    assert "holds a formula (=SUM(" in result.problems[0].message
    assert F.sha256(db) == before


# ------------------------------------------------------------------------------------------------ IATI

def test_iati_activities_are_mapped_and_converted(db):
    result = import_ledger(F.iati_xml(), "fund.xml", db)
    assert result.ok, [str(p) for p in result.problems]
    got = ledger_frames(db)
    donors = got["donors"].set_index("donor_id")
    assert donors.loc["GB-GOV-1", "iso3"] == "GBR" and donors.loc["GB-GOV-1", "donor_type"] == "government"
    assert bool(donors.loc["XM-DAC-44000", "is_world_bank_internal"])
    projects = got["projects"].set_index("project_id")
    assert list(projects.index) == ["XI-IPMD-P1", "XI-IPMD-P2"]   # the fund's own account is not a project
    p1 = projects.loc["XI-IPMD-P1"]
    assert (p1.partner_id, p1.area_id, p1.gfmd_item_id, p1.status) == ("ILO", "A", "GFMD2008-RT2", "active")
    assert p1.decision_date == pd.Timestamp("2008-09-15") and p1.start_date == pd.Timestamp("2008-10-01")
    assert p1.requested_usd == pytest.approx(1_000_000 / F.RATES["EUR"][2008], abs=0.01)
    assert projects.loc["XI-IPMD-P2", "partner_id"] == "IOM"
    shares = got["project_countries"].set_index(["project_id", "iso3"])["share"].to_dict()
    assert shares == {("XI-IPMD-P1", "MEX"): 0.4, ("XI-IPMD-P1", "PHL"): 0.6, ("XI-IPMD-P2", "MAR"): 1.0}
    goals = got["project_goals"].set_index(["project_id", "goal_id"])
    assert goals.loc[("XI-IPMD-P1", "G2"), "weight"] == pytest.approx(0.7)
    assert bool(goals.loc[("XI-IPMD-P1", "G2"), "is_primary"])
    tx = got["transactions"].set_index("txn_id")
    assert tx.loc["IN-3", "txn_type"] == "pledge" and tx.loc["IN-3", "iati_code"] == 11     # type 13
    assert "OUT-4" not in tx.index                                                            # type 12 skipped
    assert tx.loc["IN-1", "amount_usd"] == pytest.approx(1_000_000 / F.RATES["GBP"][2008], abs=0.01)
    assert (tx.loc["IN-1", "currency"], tx.loc["IN-1", "amount_original"]) == ("GBP", 1_000_000)
    # 2024 has no EUR rate: the 2023 rate is used, and the report says so
    assert tx.loc["OUT-3", "amount_usd"] == pytest.approx(400_000 / F.RATES["EUR"][2023], abs=0.01)
    assert tx.loc["OUT-3", "txn_date"] == pd.Timestamp("2024-03-01")
    assert any("no World Bank rate for EUR in 2024; the 2023 rate" in w for w in result.warnings)
    assert any("XI-IPMD-P2" in w and "by default" in w for w in result.warnings)
    assert any("type 12 were skipped" in w for w in result.warnings)


def test_iati_unknown_partner_and_country_are_located_problems(db):
    data = F.iati_xml(partner_ref="XX-NGO-9", partner_name="Some NGO").replace(
        b'code="MA"', b'code="QQ"')
    result = import_ledger(data, "fund.xml", db)
    assert not result.ok
    by_sheet = {p.sheet: p for p in result.problems}
    partner = by_sheet["participating-org"]
    assert "Some NGO" in partner.message and "is not one of the partners" in partner.message
    assert partner.row == data[:data.index(b"XX-NGO-9")].count(b"\n") + 1     # the line of that element
    country = by_sheet["recipient-country"]
    assert "'QQ' is not an ISO 3166 alpha-2" in country.message and country.column == "@code"
    # the cells already reported are not reported again as empty
    assert len(result.problems) == 2, [str(p) for p in result.problems]


# -------------------------------------------------------------------------------------------- the CLI

def run_cli(*args, cwd=REPO_ROOT):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "ipmd.ledger", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_cli_import_export_template(db, ledger, tmp_path):
    book = tmp_path / "ledger.xlsx"
    book.write_bytes(F.xlsx_bytes(ledger))
    dry = run_cli("import", book, "--db", db, "--dry-run")
    assert dry.returncode == 0 and "dry run, nothing written" in dry.stdout
    done = run_cli("import", book, "--db", db)
    assert done.returncode == 0 and "Imported 8 donors" in done.stdout
    assert run_cli("export", tmp_path / "csv", "--db", db).returncode == 0
    assert (tmp_path / "csv" / "transactions.csv").is_file()
    assert run_cli("template", tmp_path / "t.xlsx").returncode == 0
    assert zipfile.is_zipfile(tmp_path / "t.xlsx")


def test_cli_prints_problems_one_per_line_and_fails(db, ledger, tmp_path):
    t = F.copy_tables(ledger)
    t["transactions"].loc[3, "amount_usd"] = -5.0
    t["project_countries"].loc[0, "iso3"] = "ZZZ"
    book = tmp_path / "bad.xlsx"
    book.write_bytes(F.xlsx_bytes(t))
    before = F.sha256(db)
    out = run_cli("import", book, "--db", db)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert "bad.xlsx, sheet project_countries, row 2, column iso3: iso3: 'ZZZ' is not a country code" in lines[0]
    assert lines[1].startswith("bad.xlsx, sheet transactions, row 5, column amount_usd: amount_usd: -5 is negative")
    assert lines[-1].startswith("Not imported: 2 problem(s)")
    assert F.sha256(db) == before


# -------------------------------------------------------------------------------------- content hash

def test_content_hash_follows_content_not_row_order(tmp_path):
    a = F.make_fixture_db(tmp_path / "a.duckdb")
    con = duckdb.connect(str(a))
    first = content_hash(con)
    con.execute("CREATE TABLE shuffled AS SELECT * FROM countries ORDER BY random()")
    assert content_hash(con) != first                                  # a new table is new content
    con.execute("DROP TABLE shuffled")
    assert content_hash(con) == first
    con.execute("UPDATE meta SET value = 'x' WHERE key = 'content_hash'")
    assert content_hash(con) == first                                  # meta is not content
    con.execute("UPDATE exchange_rates SET lcu_per_usd = lcu_per_usd * 2 WHERE currency = 'MAD' AND year = 2010")
    assert content_hash(con) != first
    con.close()


# ------------------------------------------------------------------------------------ property tests

@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> ReferenceData:
    return ReferenceData.from_db(F.make_fixture_db(tmp_path_factory.mktemp("ref") / "ref.duckdb"))


def raw_from(tables: dict[str, pd.DataFrame]) -> RawLedger:
    """The raw form a CSV reader gives: text cells, index = row - 2."""
    raw = RawLedger("csv", "ledger")
    for name, frame in tables.items():
        text = frame.map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else
                         (v.isoformat() if hasattr(v, "isoformat") else str(v))).astype(object)
        raw.tables[name] = text
        raw.table_files[name] = f"{name}.csv"
    return raw


AMOUNT_CELLS = [("transactions", "amount_usd"), ("transactions", "amount_original"),
                ("projects", "requested_usd"), ("project_countries", "share"), ("project_goals", "weight")]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), amount=st.floats(max_value=-1e-6, min_value=-1e12, allow_nan=False))
def test_any_negative_amount_is_a_problem_at_its_row_and_column(reference, ledger, data, amount):
    table, column = data.draw(st.sampled_from(AMOUNT_CELLS))
    t = F.copy_tables(ledger)
    pos = data.draw(st.integers(0, len(t[table]) - 1))
    t[table].iloc[pos, t[table].columns.get_loc(column)] = amount
    if table == "transactions" and t[table].iloc[pos]["currency"] == "USD":
        other = "amount_original" if column == "amount_usd" else "amount_usd"
        t[table].iloc[pos, t[table].columns.get_loc(other)] = amount
    result = validate(raw_from(t), reference)
    hits = [p for p in result.problems if p.sheet == table and p.row == pos + 2 and p.column == column]
    assert hits and "negative" in hits[0].message, [str(p) for p in result.problems]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), junk=st.text(min_size=1, max_size=12).filter(
    lambda s: s.strip() and not __import__("re").fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", s)))
def test_any_text_in_a_number_column_is_a_problem_at_its_row(reference, ledger, data, junk):
    table, column = data.draw(st.sampled_from(AMOUNT_CELLS))
    t = F.copy_tables(ledger)
    pos = data.draw(st.integers(0, len(t[table]) - 1))
    t[table].iloc[pos, t[table].columns.get_loc(column)] = junk
    result = validate(raw_from(t), reference)
    assert any(p.sheet == table and p.row == pos + 2 and p.column == column and "number" in p.message
               for p in result.problems), [str(p) for p in result.problems]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 12))
def test_every_generated_ledger_is_valid_and_row_order_does_not_matter(reference, seed, n):
    t = F.valid_ledger(seed=seed, n_projects=n)
    assert validate(raw_from(t), reference).problems == []
    shuffled = {k: v.sample(frac=1, random_state=seed).reset_index(drop=True) for k, v in t.items()}
    assert validate(raw_from(shuffled), reference).problems == []

