"""The current ledger out to the template's forms, and the empty template itself.

- `export_ledger(db_path, fmt)`: 'xlsx' (the template, filled) or 'csv' (a zip of <table>.csv);
  import_ledger of either gives back the same rows; 'iati' (IATI 2.03 activity XML of the funded projects,
  ipmd.ledger.iati_export), read back with the same results.
- `write_export(db_path, out)`: to an .xlsx file or into a folder of CSV files (command line).
- `template_bytes(db_path=None)`: the empty workbook, with an instructions sheet and, when a database
  is given, lists of the ids the ledger may refer to (partners, areas, goals, GFMD items, countries,
  currencies).

Cells are written by type (text as text, so a title starting with '=' is never a formula); dates as
dates shown YYYY-MM-DD; amounts with full precision. CSV: UTF-8, comma, ISO dates, floats in their
shortest exact form.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import xlsxwriter

from ipmd.cells import XLSX_TEXT_OPTIONS, safe_text
from ipmd.ledger.iati_export import iati_bytes, plain_value  # noqa: F401 (plain_value: also this module's)
from ipmd.ledger.template import LEDGER_TABLES, SHEETS

TEMPLATE_ROWS = 5000          # rows that get drop-down lists in the template


def ledger_frames(db_path: Path | str) -> dict[str, pd.DataFrame]:
    """The ledger tables (money and results) in the template's columns, in a stable order."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {s.name: _table_frame(con, s) for s in SHEETS}
    finally:
        con.close()


def _table_frame(con: duckdb.DuckDBPyConnection, sheet) -> pd.DataFrame:
    """One sheet's rows; a database made before the results framework (issue 20) has no results tables
    and no projects.gender_marker: those come out empty."""
    present = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_schema = 'main' AND table_name = ?", [sheet.name]).fetchall()}
    if not present:
        return pd.DataFrame(columns=sheet.column_names)
    columns = ", ".join(c if c in present else f"NULL AS {c}" for c in sheet.column_names)   # fixed names
    return con.execute(f"SELECT {columns} FROM {sheet.name} ORDER BY {', '.join(sheet.key)}").df()


def _reference_lists(db_path: Path | str) -> dict[str, pd.DataFrame]:
    queries = {
        "ref_partners": "SELECT partner_id, name, kind FROM partners ORDER BY partner_id",
        "ref_areas_of_work": "SELECT area_id, short_name, wording FROM areas_of_work ORDER BY area_id",
        "ref_goals": "SELECT goal_id, short_name, wording FROM goals ORDER BY goal_id",
        "ref_gfmd_items": "SELECT gfmd_item_id, meeting, title FROM gfmd_items ORDER BY gfmd_item_id",
        "ref_countries": "SELECT iso3, name_en FROM countries ORDER BY iso3",
        "ref_currencies": "SELECT currency, min(year) AS first_year, max(year) AS last_year FROM exchange_rates "
                          "GROUP BY currency UNION ALL SELECT 'USD', NULL, NULL ORDER BY currency",
    }
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {name: con.execute(sql).df() for name, sql in queries.items()}
    finally:
        con.close()


def workbook_bytes(tables: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame] | None = None,
                   drop_downs: bool = False) -> bytes:
    """The template workbook holding `tables` (template columns; extra columns are written too)."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, **XLSX_TEXT_OPTIONS})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    _instructions(wb, bold, wrap)
    for sheet in SHEETS:
        frame = tables.get(sheet.name, pd.DataFrame(columns=sheet.column_names))
        ws = wb.add_worksheet(sheet.name)
        _write_frame(ws, frame, bold, date)
        ws.freeze_panes(1, 0)
        for n, col in enumerate(frame.columns):
            spec = next((c for c in sheet.columns if c.name == col), None)
            ws.set_column(n, n, 14 if spec is None or spec.kind != "text" else 22)
            if drop_downs and spec is not None and spec.choices:
                ws.data_validation(1, n, TEMPLATE_ROWS, n, {"validate": "list", "source": list(spec.choices)})
    for name, frame in (reference or {}).items():
        ws = wb.add_worksheet(name)
        _write_frame(ws, frame, bold, date)
        ws.set_column(0, len(frame.columns) - 1, 24)
    wb.close()
    return buffer.getvalue()


def _write_frame(ws, frame: pd.DataFrame, bold, date) -> None:
    for c, name in enumerate(frame.columns):
        ws.write_string(0, c, str(name), bold)
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(values):
            value = plain_value(value)
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            else:
                ws.write_string(r, c, str(value))


def _instructions(wb, bold, wrap) -> None:
    ws = wb.add_worksheet("instructions")
    ws.set_column(0, 1, 22)
    ws.set_column(2, 3, 10)
    ws.set_column(4, 4, 90, wrap)
    ws.set_column(5, 5, 24)
    ws.write_string(0, 0, "IPMD trust fund ledger: one sheet per table, the header in row 1, one row per record. "
                          "Import with the admin page or: python -m ipmd.ledger import FILE.xlsx", bold)
    for c, head in enumerate(("sheet", "column", "type", "required", "what to write", "example")):
        ws.write_string(2, c, head, bold)
    r = 3
    for sheet in SHEETS:
        ws.write_string(r, 0, sheet.name, bold)
        ws.write_string(r, 4, f"{sheet.description} Unique: {', '.join(sheet.key)}.", wrap)
        r += 1
        for col in sheet.columns:
            for c, text in enumerate((sheet.name, col.name, col.kind, "yes" if col.required else "")):
                ws.write_string(r, c, text)
            ws.write_string(r, 4, col.description, wrap)
            if col.example is not None:
                ws.write_string(r, 5, str(col.example).upper() if isinstance(col.example, bool) else str(col.example))
            r += 1


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for values in frame.itertuples(index=False, name=None):
        row = []
        for value in values:
            value = plain_value(value)
            if value is None:
                row.append("")
            elif isinstance(value, bool):
                row.append("TRUE" if value else "FALSE")
            elif isinstance(value, float):
                row.append(repr(value))
            elif isinstance(value, dt.date):
                row.append(value.isoformat())
            else:
                row.append(safe_text(str(value)))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def csv_files(tables: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    return {f"{name}.csv": _csv_bytes(tables[name]) for name in LEDGER_TABLES}


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def export_ledger(db_path: Path | str, fmt: str = "xlsx") -> bytes:
    """The database's ledger as the filled template ('xlsx') or a zip of CSV files ('csv')."""
    tables = ledger_frames(db_path)
    if fmt == "xlsx":
        return workbook_bytes(tables, _reference_lists(db_path), drop_downs=True)
    if fmt == "csv":
        return zip_bytes(csv_files(tables))
    if fmt == "iati":
        return iati_bytes(tables, _partner_names(db_path))
    raise ValueError(f"unknown export format {fmt!r}: use 'xlsx', 'csv' or 'iati'")


def _partner_names(db_path: Path | str) -> dict[str, str]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return dict(con.execute("SELECT partner_id, name FROM partners").fetchall())
    finally:
        con.close()


def write_export(db_path: Path | str, out: Path | str) -> list[Path]:
    """Export to `out`: an .xlsx file, or a folder (created if needed) that receives <table>.csv files."""
    out = Path(out)
    if out.suffix.lower() == ".xlsx":
        out.write_bytes(export_ledger(db_path, "xlsx"))
        return [out]
    if out.suffix.lower() == ".zip":
        out.write_bytes(export_ledger(db_path, "csv"))
        return [out]
    if out.suffix.lower() == ".xml":
        out.write_bytes(export_ledger(db_path, "iati"))
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in csv_files(ledger_frames(db_path)).items():
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


def template_bytes(db_path: Path | str | None = None) -> bytes:
    """The empty template (instructions, the ledger's sheets with their headers and drop-down lists); with a
    database, also the lists of ids a ledger may refer to."""
    empty = {s.name: pd.DataFrame(columns=s.column_names) for s in SHEETS}
    return workbook_bytes(empty, _reference_lists(db_path) if db_path else None, drop_downs=True)

