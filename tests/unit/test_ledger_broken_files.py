"""Broken ledgers: each gives its own plain-words problem, located, and the database stays byte-for-byte
as it was (no backup, no temporary file left behind)."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Callable

import openpyxl
import pandas as pd
import pytest

import ledger_fixtures as F
from ipmd.ledger.store import import_ledger
from ipmd.ledger.template import MAX_UNCOMPRESSED_BYTES, MAX_UPLOAD_BYTES


@dataclass
class Case:
    name: str
    make: Callable                  # (ledger, tmp_path) -> (source, filename)
    message: str                    # the words the problem must contain
    where: dict                     # the location it must have (sheet, row, column, file)


def edited(edit: Callable, form: str = "xlsx"):
    """A file of the valid ledger after `edit(tables)`."""
    def make(ledger, tmp_path):
        t = F.copy_tables(ledger)
        edit(t)
        if form == "xlsx":
            return F.xlsx_bytes(t), "ledger.xlsx"
        return F.csv_zip_bytes(t), "ledger.zip"
    return make


def set_cell(table, pos, column, value):
    def edit(t):
        t[table].iloc[pos, t[table].columns.get_loc(column)] = value
    return edit


def drop_column(table, column):
    def edit(t):
        t[table] = t[table].drop(columns=[column])
    return edit


def first(table, **match):
    return F.row_of(F.valid_ledger(), table, **match)


def over_disbursement(t):
    tx = t["transactions"]
    pos = F.row_of(t, "transactions", txn_type="disbursement")
    pid = tx.iloc[pos]["project_id"]
    commitment = tx.loc[(tx["txn_type"] == "commitment") & (tx["project_id"] == pid), "amount_usd"].iloc[0]
    tx.iloc[pos, tx.columns.get_loc("amount_usd")] = commitment + 1000
    tx.iloc[pos, tx.columns.get_loc("amount_original")] = commitment + 1000


def over_commitment(t):
    tx = t["transactions"]
    pos = F.row_of(t, "transactions", txn_type="commitment")
    deposits = tx.loc[tx["txn_type"] == "deposit", "amount_usd"].sum()
    tx.iloc[pos, tx.columns.get_loc("amount_usd")] = deposits * 2
    tx.iloc[pos, tx.columns.get_loc("amount_original")] = deposits * 2


def world_bank_breach(t):
    tx = t["transactions"]
    total = tx.loc[tx["txn_type"] == "deposit", "amount_usd"].sum()
    for kind in ("pledge", "deposit"):
        mask = (tx["donor_id"] == "WB-DGF") & (tx["txn_type"] == kind)
        tx.loc[mask, ["amount_usd", "amount_original"]] = round(total * 0.5, 2)


def share_not_one(t):
    t["project_countries"].iloc[0, t["project_countries"].columns.get_loc("share")] = 0.5


def deposit_above_pledge(t):
    tx = t["transactions"]
    pos = F.row_of(t, "transactions", donor_id="GOV-USA", txn_type="deposit")
    tx.iloc[pos, tx.columns.get_loc("amount_usd")] = tx.iloc[pos]["amount_usd"] * 3
    tx.iloc[pos, tx.columns.get_loc("amount_original")] = tx.iloc[pos]["amount_original"] * 3


def repeat_first_country(t):
    pc = t["project_countries"]
    t["project_countries"] = pd.concat([pc, pc.iloc[[0]]], ignore_index=True)


def missing_sheet(ledger, tmp_path):
    return F.xlsx_bytes(ledger, drop=("project_goals",)), "ledger.xlsx"


def truncated_xlsx(ledger, tmp_path):
    data = F.xlsx_bytes(ledger)
    return data[: len(data) // 2], "ledger.xlsx"


def truncated_xml(ledger, tmp_path):
    data = F.iati_xml()
    return data[: int(len(data) * 0.6)], "fund.xml"


def huge_file(ledger, tmp_path):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as f:                 # a sparse file: big on paper, nothing on disk
        f.write(b"PK\x03\x04")
        f.truncate(MAX_UPLOAD_BYTES + 1)
    return path, None


def huge_upload(ledger, tmp_path):
    return b"<" + b" " * MAX_UPLOAD_BYTES, "fund.xml"


def zip_bomb(ledger, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("transactions.csv", "w") as member:
            chunk = b"0" * (1 << 20)
            for _ in range(MAX_UNCOMPRESSED_BYTES // len(chunk) + 1):
                member.write(chunk)
    return buffer.getvalue(), "ledger.zip"


def non_utf8_csv(ledger, tmp_path):
    folder = F.write_csv_dir(ledger, tmp_path / "ledger")
    donors = folder / "donors.csv"
    donors.write_bytes(donors.read_bytes().replace(b"Government of France", "Gouvernement de la République".encode("cp1252")))
    return folder, None


def csv_short_row(ledger, tmp_path):
    folder = F.write_csv_dir(ledger, tmp_path / "ledger")
    tx = folder / "transactions.csv"
    lines = tx.read_bytes().split(b"\n")
    lines[3] = b",".join(lines[3].split(b",")[:4])
    tx.write_bytes(b"\n".join(lines))
    return folder, None


def empty_file(ledger, tmp_path):
    return b"", "ledger.xlsx"


def xxe(ledger, tmp_path):
    return F.iati_xml(doctype=F.XXE_DOCTYPE).replace(b"<title><narrative>Diaspora", b"<title><narrative>&xxe;"), "fund.xml"


def billion_laughs(ledger, tmp_path):
    doctype = ('<!DOCTYPE iati-activities [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
               '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>')
    return F.iati_xml(doctype=doctype).replace(b"Diaspora", b"&lol3;"), "fund.xml"


def text_as_xlsx(ledger, tmp_path):
    return b"donor_id,name\nD1,Someone\n", "ledger.xlsx"


def old_xls(ledger, tmp_path):
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "ledger.xlsx"


def macro_workbook(ledger, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(F.xlsx_bytes(ledger))) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue(), "ledger.xlsx"


def executable(ledger, tmp_path):
    return b"MZ\x90\x00", "ledger.exe"


def formula_without_value(ledger, tmp_path):
    """A formula never calculated (no saved value): refused as a formula, never evaluated."""
    wb = openpyxl.load_workbook(io.BytesIO(F.xlsx_bytes(ledger)))
    wb["transactions"]["I2"] = "=1000000*1"          # amount_original of a euro pledge
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), "ledger.xlsx"


def wrong_iati_root(ledger, tmp_path):
    return b"<?xml version='1.0'?><html><body>hello</body></html>", "fund.xml"


def iati_unknown_currency(ledger, tmp_path):
    return F.iati_xml().replace(b'currency="GBP" value-date="2008-02-01"', b'currency="XYZ" value-date="2008-02-01"'), "fund.xml"


def iati_negative_value(ledger, tmp_path):
    return F.iati_xml(spent=-5), "fund.xml"


def csv_bomb_honest(ledger, tmp_path):
    """150 MB of CSV in a small zip, its sizes declared truthfully (under the 200 MB expansion limit)."""
    return _bomb(150 << 20, lie=False), "ledger.zip"


def csv_bomb_lying(ledger, tmp_path):
    """The same, but the zip declares each member 100 bytes long (local header and central directory)."""
    return _bomb(150 << 20, lie=True), "ledger.zip"


def _bomb(size: int, lie: bool) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("donors.csv", "donor_id,name,donor_type\n")
        with zf.open("transactions.csv", "w", force_zip64=True) as member:
            member.write(b"txn_id,txn_type,txn_date,amount_usd\n")
            chunk = b"T1,deposit,2009-01-01,1\n" * (1 << 15)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    data = bytearray(buffer.getvalue())
    if lie:
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
            infos = zf.infolist()
        for info in infos:      # patch the uncompressed size in the local header (offset 22) and central record
            data[info.header_offset + 22: info.header_offset + 26] = (100).to_bytes(4, "little")
        cd = bytes(data).rfind(b"PK\x05\x06")
        start = int.from_bytes(data[cd + 16: cd + 20], "little")
        pos = start
        while data[pos: pos + 4] == b"PK\x01\x02":
            data[pos + 24: pos + 28] = (100).to_bytes(4, "little")
            n, m, k = (int.from_bytes(data[pos + o: pos + o + 2], "little") for o in (28, 30, 32))
            pos += 46 + n + m + k
    return bytes(data)


def far_cell_xlsx(ledger, tmp_path):
    """One value at XFD1048576: a used range of 16,384 columns by 1,048,576 rows in a small file."""
    wb = openpyxl.load_workbook(io.BytesIO(F.xlsx_bytes(ledger)))
    wb["projects"]["XFD1048576"] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), "ledger.xlsx"


def too_many_rows(ledger, tmp_path):
    folder = F.write_csv_dir(ledger, tmp_path / "ledger")
    tx = folder / "transactions.csv"
    header, first = tx.read_text().splitlines()[:2]
    tx.write_text(header + "\n" + "\n".join(first.replace("T0001", f"X{n}", 1) for n in range(50_001)) + "\n")
    return folder, None


def iati_percentage_in_words(ledger, tmp_path):
    return F.iati_xml().replace(b'code="MX" percentage="40"', b'code="MX" percentage="forty"'), "fund.xml"


def iati_version_3(ledger, tmp_path):
    return F.iati_xml().replace(b'version="2.03"', b'version="3.01"'), "fund.xml"


TXN = "transactions"
CASES = [
    Case("missing column", edited(drop_column(TXN, "txn_type")),
         "The column 'txn_type' is missing", dict(sheet=TXN, row=1, column="txn_type")),
    Case("wrong type", edited(set_cell(TXN, 4, "amount_usd", "lots")),
         "'lots' is not a number", dict(sheet=TXN, row=6, column="amount_usd")),
    Case("number with thousands separators", edited(set_cell("projects", 1, "requested_usd", "1,250,000.00"), "csv"),
         "without thousands separators", dict(sheet="projects", row=3, column="requested_usd",
                                              file="ledger.zip/projects.csv")),
    Case("date not ISO", edited(set_cell(TXN, 2, "txn_date", "03/04/2009")),
         "not a date in the ISO form YYYY-MM-DD", dict(sheet=TXN, row=4, column="txn_date")),
    Case("impossible date", edited(set_cell("projects", 0, "submitted_date", "2009-02-30"), "csv"),
         "is not a real date", dict(sheet="projects", row=2, column="submitted_date")),
    Case("unknown ISO3", edited(set_cell("project_countries", 1, "iso3", "XYZ")),
         "'XYZ' is not a country code (ISO3) in the database", dict(sheet="project_countries", row=3, column="iso3")),
    Case("alpha-2 instead of ISO3", edited(set_cell("project_countries", 0, "iso3", "PH")),
         "did you mean PHL?", dict(sheet="project_countries", row=2, column="iso3")),
    Case("unknown currency", edited(set_cell(TXN, 0, "currency", "XYZ")),
         "currency 'XYZ' has no exchange rate", dict(sheet=TXN, row=2, column="currency")),
    Case("negative amount", edited(set_cell(TXN, 7, "amount_original", -250.0)),
         "-250 is negative", dict(sheet=TXN, row=9, column="amount_original")),
    Case("share above 1", edited(set_cell("project_countries", 0, "share", 1.5)),
         "above the maximum of 1", dict(sheet="project_countries", row=2, column="share")),
    Case("duplicate id", edited(set_cell(TXN, 5, "txn_id", "T0001")),
         "txn_id 'T0001' is used twice (first on row 2)", dict(sheet=TXN, row=7, column="txn_id")),
    Case("duplicate country of a project", edited(repeat_first_country),
         "project_id 'P01' and iso3", dict(sheet="project_countries", column="iso3")),
    Case("dangling project reference", edited(set_cell(TXN, first(TXN, txn_type="commitment"), "project_id", "P-NOPE")),
         "'P-NOPE' is not in the projects sheet", dict(sheet=TXN, column="project_id")),
    Case("dangling partner reference", edited(set_cell("projects", 0, "partner_id", "ACME")),
         "'ACME' is not a known id in the database's partners table", dict(sheet="projects", row=2, column="partner_id")),
    Case("deposit without donor", edited(set_cell(TXN, 1, "donor_id", None)),
         "A deposit needs the donor_id", dict(sheet=TXN, row=3, column="donor_id")),
    Case("txn_type and iati_code disagree", edited(set_cell(TXN, 1, "iati_code", 3)),
         "iati_code 3 does not match txn_type 'deposit', which is IATI code 1", dict(sheet=TXN, row=3, column="iati_code")),
    Case("unknown status", edited(set_cell("projects", 2, "status", "done")),
         "'done' is not one of the allowed values", dict(sheet="projects", row=4, column="status")),
    Case("end before start", edited(set_cell("projects", 0, "end_date", "2009-01-01")),
         "end_date 2009-01-01 is before start_date 2010-01-01", dict(sheet="projects", row=2, column="end_date")),
    Case("over-disbursement", edited(over_disbursement),
         "disbursements may not exceed commitments to date", dict(sheet=TXN, column="amount_usd")),
    Case("over-commitment", edited(over_commitment),
         "approvals may not exceed the funds deposited to date", dict(sheet=TXN, column="amount_usd")),
    Case("15% breach", edited(world_bank_breach),
         "the proposal allows at most 15%", dict(sheet=TXN, column="amount_usd")),
    Case("deposit above pledge", edited(deposit_above_pledge),
         "deposits may not exceed the pledges made to date", dict(sheet=TXN)),
    Case("country shares not adding to 1", edited(share_not_one, "csv"),
         "country shares add up to", dict(sheet="project_countries", row=2, column="share",
                                           file="ledger.zip/project_countries.csv")),
    Case("empty file", empty_file, "The file is empty.", dict(file="ledger.xlsx")),
    Case("non-UTF-8 CSV", non_utf8_csv, "is not UTF-8 text: byte 0xE9 on line", dict(file="donors.csv", sheet="donors")),
    Case("CSV row cut short", csv_short_row, "This row has 4 values but the header has 9 columns",
         dict(file="transactions.csv", row=4)),
    Case("XLSX with a missing sheet", missing_sheet, "The sheet 'project_goals' is missing",
         dict(file="ledger.xlsx", sheet="project_goals")),
    Case("IATI XML with an external entity", xxe, "declares an external entity", dict(file="fund.xml")),
    Case("IATI XML with entity expansion", billion_laughs, "document type declaration", dict(file="fund.xml")),
    Case("truncated XLSX", truncated_xlsx, "damaged or incomplete", dict(file="ledger.xlsx")),
    Case("truncated IATI XML", truncated_xml, "The XML is not well-formed at line", dict(file="fund.xml")),
    Case("huge file on disk", huge_file, "above the 20.0 MB limit", dict(file="huge.xlsx")),
    Case("huge upload", huge_upload, "above the 20.0 MB limit", dict(file="fund.xml")),
    Case("zip bomb", zip_bomb, "above the 200.0 MB limit", dict(file="ledger.zip")),
    Case("text renamed to .xlsx", text_as_xlsx, "is not an Excel workbook", dict(file="ledger.xlsx")),
    Case("old .xls renamed to .xlsx", old_xls, "old Excel 97-2003 (.xls) file", dict(file="ledger.xlsx")),
    Case("workbook with macros", macro_workbook, "contains macros", dict(file="ledger.xlsx")),
    Case("executable", executable, ".exe is not an accepted type", dict(file="ledger.exe")),
    Case("formula without a saved value", formula_without_value, "This cell holds a formula (=1000000*1)",
         dict(sheet=TXN, row=2, column="amount_original")),
    Case("CSV zip bomb, sizes declared", csv_bomb_honest, "expand to more than 20.0 MB", dict(file="ledger.zip/transactions.csv")),
    Case("CSV zip bomb, sizes that lie", csv_bomb_lying, "damaged or incomplete", dict(file="ledger.zip/transactions.csv")),
    Case("XLSX cell at XFD1048576", far_cell_xlsx, "uses rows up to 1,048,576 (its used range is A1:XFD1048576)",
         dict(file="ledger.xlsx", sheet="projects")),
    Case("more rows than the limit", too_many_rows, "more than 50,000 rows", dict(sheet=TXN)),
    Case("date in year 9999", edited(set_cell("projects", 0, "end_date", "9999-12-31")),
         "in the year 9999", dict(sheet="projects", row=2, column="end_date")),
    Case("date in year 1", edited(set_cell(TXN, 3, "txn_date", "0001-01-01"), "csv"),
         "in the year 1:", dict(sheet=TXN, row=5, column="txn_date")),
    Case("IATI percentage in words", iati_percentage_in_words, "the percentage 'forty' of recipient-country 'MX'",
         dict(file="fund.xml", sheet="recipient-country", column="@percentage")),
    Case("IATI version 3", iati_version_3, "This is IATI version 3.01", dict(file="fund.xml", column="@version")),
    Case("not an IATI file", wrong_iati_root, "root element is <html>", dict(file="fund.xml")),
    Case("IATI unknown currency", iati_unknown_currency, "currency 'XYZ' has no exchange rate",
         dict(file="fund.xml", sheet="transaction", column="value/@currency")),
    Case("IATI negative value", iati_negative_value, "-5 is negative", dict(sheet="transaction", column="value")),
]


@pytest.fixture(scope="module")
def ledger():
    return F.valid_ledger()


def test_there_are_at_least_fifteen_broken_files():
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_file_is_refused_with_its_message_and_the_db_is_unchanged(case, ledger, tmp_path):
    (tmp_path / "db").mkdir()
    db = F.make_fixture_db(tmp_path / "db" / "ipmd.duckdb")
    before = F.sha256(db)
    source, filename = case.make(ledger, tmp_path)
    result = import_ledger(source, filename, db)
    assert not result.ok
    matching = [p for p in result.problems if case.message in p.message]
    assert matching, f"expected {case.message!r} in:\n" + "\n".join(map(str, result.problems))
    p = matching[0]
    for attr, want in case.where.items():
        assert getattr(p, attr) == want, (attr, str(p))
    assert F.sha256(db) == before
    assert sorted(x.name for x in db.parent.iterdir()) in (["ipmd.duckdb"], ["backups", "ipmd.duckdb"])
    assert result.backup_path is None
    if (db.parent / "backups").exists():
        assert [x.name for x in (db.parent / "backups").iterdir()] == [".import.lock"]


def test_a_file_with_many_problems_reports_them_all_at_once(ledger, tmp_path):
    db = F.make_fixture_db(tmp_path / "ipmd.duckdb")
    t = F.copy_tables(ledger)
    set_cell(TXN, 0, "amount_usd", -1.0)(t)
    set_cell(TXN, 1, "txn_date", "yesterday")(t)
    set_cell("project_countries", 0, "iso3", "ZZZ")(t)
    set_cell("projects", 0, "partner_id", "ACME")(t)
    drop_column("project_goals", "weight")(t)
    result = import_ledger(F.xlsx_bytes(t), "ledger.xlsx", db)
    located = {(p.sheet, p.row, p.column) for p in result.problems}
    assert {("projects", 2, "partner_id"), ("project_countries", 2, "iso3"), ("project_goals", 1, "weight"),
            (TXN, 2, "amount_usd"), (TXN, 3, "txn_date")} <= located
    # in the order a person fixes them: sheet by sheet, row by row
    order = [(p.sheet, p.row) for p in result.problems]
    assert order.index(("projects", 2)) < order.index(("project_countries", 2)) < order.index((TXN, 2))
    assert any("checked on the rows that could be read" in w for w in result.warnings)


def test_xxe_file_is_never_read(tmp_path, ledger):
    """The external entity points at a file that would change the result if it were read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT")
    db = F.make_fixture_db(tmp_path / "ipmd.duckdb")
    doctype = f'<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    data = F.iati_xml(doctype=doctype).replace(b"Diaspora skills", b"&xxe;")
    result = import_ledger(data, "fund.xml", db, dry_run=True)
    assert not result.ok and len(result.problems) == 1
    assert "SECRET-CONTENT" not in str(result.problems[0]) + "".join(result.warnings)
