"""Reading a ledger file into raw tables, safely: type checked by extension and content, and within the
limits of ipmd.ledger.limits (size, size once unzipped counted while decompressing, rows, columns, time).

Accepted:
- an XLSX workbook with one sheet per table (the template), read within MAX_ROWS rows and MAX_COLUMNS
  columns whatever range a sheet claims; a formula cell is a problem (it is never evaluated, and the
  result saved with it can differ from what Excel shows); a workbook with macros is refused;
- CSV files named <table>.csv: a folder (command line), a .zip of them (the export's CSV form), or a
  mapping {file name: bytes} (several files uploaded at once); UTF-8 text only; a leading apostrophe the
  export put before = + - @ (ipmd.cells) is removed;
- IATI activity XML 2.01-2.03, UTF-8 or UTF-16 (see ipmd.ledger.iati).

Raw tables hold the cells as read (str, int, float, bool, date, None; object dtype) and are indexed
by sheet row - 2, so index i is row i + 2 as a person sees it (the header is row 1). Rows that are
entirely empty are skipped but keep their numbers. Nothing is typed or judged here beyond what is
needed to read the file: that is ipmd.ledger.validate's job.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import warnings as _warnings
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pandas as pd

from ipmd.cells import unquote
from ipmd.ledger.iati import read_iati
from ipmd.ledger.limits import MAX_COLUMNS, MAX_CSV_BYTES, MAX_ROWS, OverBudget, limits_text, tick
from ipmd.ledger.problems import Problem
from ipmd.ledger.raw import RawLedger
from ipmd.ledger.template import (LEDGER_TABLES, MAX_UNCOMPRESSED_BYTES, MAX_UPLOAD_BYTES, REQUIRED_TABLES,
                                  SHEET_BY_NAME, UPLOAD_EXTENSIONS)

if TYPE_CHECKING:
    from ipmd.ledger.validate import ReferenceData

Source = bytes | str | os.PathLike | Mapping[str, bytes]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"            # Excel 97-2003 .xls
CHUNK = 1024 * 1024
INSTRUCTION_SHEETS = {"instructions", "readme", "about"}
REFERENCE_SHEETS = {"ref_partners", "ref_areas_of_work", "ref_goals", "ref_gfmd_items", "ref_countries",
                    "ref_currencies"}


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _too_big(size: int, what: str) -> str | None:
    if size > MAX_UPLOAD_BYTES:
        return (f"{what} is {_mb(size)}, above the {_mb(MAX_UPLOAD_BYTES)} limit for a ledger upload; "
                f"a fund's ledger is far smaller: check that this is the right file (limits: {limits_text()}).")
    return None


# ---------------------------------------------------------------------------------------------- entry

def read_ledger(source: Source, filename: str | None = None,
                reference: "ReferenceData | None" = None) -> RawLedger:
    """Read any accepted form into raw tables; problems of size, type or damage are in the result."""
    if isinstance(source, Mapping):
        raw = _read_csv_files(source, filename or "uploaded CSV files")
        raw.content_sha256 = _files_sha256(source)
        return raw
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = filename or path.name
        if path.is_dir():
            return _read_csv_folder(path, name)
        if not path.is_file():
            return RawLedger("unknown", name).fail(f"There is no file at {path}.")
        big = _too_big(path.stat().st_size, "The file")
        if big:
            return RawLedger(_kind_of(name) or "unknown", name).fail(big)
        data = path.read_bytes()
    else:
        if filename is None:
            raise TypeError("read_ledger(bytes) needs the file's name, to know its type")
        data, name = bytes(source), filename
    raw = _read_bytes(data, name, reference)
    raw.content_sha256 = hashlib.sha256(data).hexdigest()
    return raw


def _read_bytes(data: bytes, name: str, reference: "ReferenceData | None") -> RawLedger:
    kind = _kind_of(name)
    if kind is None:
        return RawLedger("unknown", name).fail(
            f"{Path(name).suffix or 'A file without an extension'} is not an accepted type: give an .xlsx "
            "workbook (the template), a .zip or folder of CSV files, or an IATI activity .xml file.")
    raw = RawLedger(kind, name)
    big = _too_big(len(data), "The file")
    if big:
        return raw.fail(big)
    if not data.strip():
        return raw.fail("The file is empty.")
    if kind == "xlsx":
        return _read_xlsx(data, raw)
    if kind == "zip":
        return _read_csv_zip(data, name)
    if kind == "csv":
        return raw.fail("A single CSV file holds one table, but a ledger has five: give the folder (or a "
                        ".zip) with " + ", ".join(f"{t}.csv" for t in REQUIRED_TABLES) + " (and, for its "
                        "results, " + ", ".join(f"{t}.csv" for t in LEDGER_TABLES if t not in REQUIRED_TABLES)
                        + ").")
    return read_iati(data, name, reference)


def _kind_of(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_EXTENSIONS:
        return None
    return {".xlsx": "xlsx", ".csv": "csv", ".zip": "zip", ".xml": "iati"}[suffix]


# ----------------------------------------------------------------------------------------------- XLSX

def _zip_problem(data: bytes, what: str) -> tuple[zipfile.ZipFile | None, str | None]:
    if not data.startswith(ZIP_MAGIC):
        if data.startswith(OLE_MAGIC):
            return None, (f"This is an old Excel 97-2003 (.xls) file, not {what}: open it in Excel and save "
                          "it as an .xlsx workbook.")
        return None, f"The file is not {what}: its content does not start like a zip archive."
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        return None, (f"The file is damaged or incomplete (it was perhaps cut short while copying): it cannot "
                      f"be opened as {what} ({e}).")
    expanded = sum(i.file_size for i in infos)
    if expanded > MAX_UNCOMPRESSED_BYTES:
        zf.close()
        return None, _expands_too_much(_mb(expanded))
    return zf, None


def _expands_too_much(size: str) -> str:
    return (f"The file expands to {size}, above the {_mb(MAX_UNCOMPRESSED_BYTES)} limit; a fund ledger is far "
            f"smaller (limits: {limits_text()}).")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, room: int) -> bytes | None:
    """The member's bytes, decompressed a chunk at a time with a running count; None as soon as they pass
    `room` bytes (the size a zip declares for a member can lie, so it is never trusted)."""
    chunks, total = [], 0
    with zf.open(info) as member:
        while chunk := member.read(CHUNK):
            total += len(chunk)
            if total > room:
                return None
            chunks.append(chunk)
            tick("unzipping", 0.0)
    return b"".join(chunks)


def _expanded_size(zf: zipfile.ZipFile, room: int) -> int | None:
    """What the archive really expands to, counted while decompressing (nothing kept); None past `room`."""
    total = 0
    for info in zf.infolist():
        with zf.open(info) as member:
            while chunk := member.read(CHUNK):
                total += len(chunk)
                if total > room:
                    return None
                tick("unzipping", 0.0)
    return total


def _read_xlsx(data: bytes, raw: RawLedger) -> RawLedger:
    zf, problem = _zip_problem(data, "an Excel workbook (.xlsx)")
    if problem:
        return raw.fail(problem)
    with zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            return raw.fail("The file is a zip archive but not an Excel workbook (.xlsx).")
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            return raw.fail("The workbook contains macros; save it as a plain .xlsx workbook (macros are never run).")
        try:
            if _expanded_size(zf, MAX_UNCOMPRESSED_BYTES) is None:
                return raw.fail(_expands_too_much(f"more than {_mb(MAX_UNCOMPRESSED_BYTES)}"))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as e:
            return raw.fail(f"The workbook is damaged or incomplete and cannot be opened ({e}).")
    from openpyxl import load_workbook           # heavy; only when a workbook is read
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")       # openpyxl's notes on unsupported extensions
            # data_only=False: a formula cell is seen as one (and refused), never taken at its saved value
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as e:                         # a damaged workbook can fail in many ways inside openpyxl
        return raw.fail(f"The workbook is damaged or incomplete and cannot be opened ({type(e).__name__}: {e}).")
    try:
        sheets = {str(n).strip().lower(): n for n in wb.sheetnames}
        for table in LEDGER_TABLES:
            if table not in sheets:
                if table in REQUIRED_TABLES:
                    raw.problems.append(Problem(
                        f"The sheet '{table}' is missing. The template has the sheets "
                        f"{', '.join(REQUIRED_TABLES)}: download it again or add this sheet with its header row.",
                        file=raw.filename, sheet=table))
                continue
            try:
                rows = _bounded_rows(raw, wb[sheets[table]], table)
            except OverBudget:
                raise
            except Exception as e:
                raw.problems.append(Problem(f"The sheet cannot be read: it is damaged ({type(e).__name__}: {e}).",
                                            file=raw.filename, sheet=table))
                continue
            if rows is not None:
                _table_from_rows(raw, table, rows, raw.filename)
        other = [n for k, n in sheets.items()
                 if k not in LEDGER_TABLES and k not in INSTRUCTION_SHEETS | REFERENCE_SHEETS]
        if other:
            raw.warnings.append(f"{raw.filename}: sheet(s) {', '.join(other)} are not part of the template "
                                "and were ignored.")
    finally:
        wb.close()
    return raw


def _bounded_rows(raw: RawLedger, ws, table: str) -> list | None:
    """The sheet's rows, read within MAX_ROWS data rows and MAX_COLUMNS columns whatever range the sheet
    claims to use (one cell at XFD1048576 would make every row 16,384 cells wide); None, after saying
    so, when its data go beyond."""
    declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
    rows, formulas = [], []
    for n, cells in enumerate(ws.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS)):
        values = []
        for c, cell in enumerate(cells):
            if cell.data_type == "f":
                formulas.append((n, c, str(cell.value)))
                values.append(None)
            else:
                values.append(cell.value)
        rows.append(values)
        if n % 2000 == 0:
            tick(f"reading sheet {table}", 0.3 * n / (MAX_ROWS + 2))
    _refuse_formulas(raw, table, rows, formulas)
    while rows and (not rows[-1] or all(_empty(v) for v in rows[-1])):
        rows.pop()
    if len(rows) > MAX_ROWS + 1 or declared_rows > MAX_ROWS + 1:
        last = declared_rows if declared_rows > MAX_ROWS + 1 else len(rows)
        raw.problems.append(Problem(
            f"The sheet uses rows up to {last:,} (its used range is {_range(declared_rows, declared_cols)}): "
            f"above the limit of {MAX_ROWS:,} data rows per sheet. If the ledger is smaller, delete the rows "
            f"(and columns) after the data, or the stray cell at the range's end, and save again. "
            f"Limits: {limits_text()}.", file=raw.filename, sheet=table))
        return None
    if declared_cols > MAX_COLUMNS:
        raw.warnings.append(f"{raw.filename}, sheet {table}: its used range is {_range(declared_rows, declared_cols)}; "
                            f"only its first {MAX_COLUMNS} columns were read (the template has "
                            f"{len(SHEET_BY_NAME[table].columns)}).")
    return rows


def _refuse_formulas(raw: RawLedger, table: str, rows: list, formulas: list[tuple[int, int, str]]) -> None:
    """A formula is never computed here, and the result a file saved with it can differ from what Excel shows
    once it recalculates: each formula cell is a problem (the validator does not judge that cell again)."""
    header = [None if _empty(v) else str(v).strip().lower() for v in (rows[0] if rows else [])]
    for n, c, formula in formulas:
        column = header[c] if c < len(header) and header[c] else None
        shown = formula if len(formula) <= 60 else formula[:60] + "…"
        raw.problems.append(Problem(
            f"This cell holds a formula ({shown}); a ledger cell must hold a value: copy the cells and paste "
            "them as values (formulas are never computed, and a saved result can be out of date).",
            file=raw.filename, sheet=table, row=n + 1, column=column or _column_letter(c)))
        if column and n:
            raw.reported.add((table, n - 1, column))


def _column_letter(c: int) -> str:
    from openpyxl.utils import get_column_letter
    return f"column {get_column_letter(c + 1)}"


def _range(rows: int, cols: int) -> str:
    from openpyxl.utils import get_column_letter
    return f"A1:{get_column_letter(max(cols, 1))}{max(rows, 1)}"


def _table_from_rows(raw: RawLedger, table: str, rows: list, file: str) -> None:
    """Header in row 1, data below; store the frame under `table` or report why not."""
    raw.table_files[table] = file
    if not rows or all(_empty(v) for v in rows[0]):
        raw.problems.append(Problem("The header row (row 1) is empty: the first row names the columns, "
                                    f"e.g. {', '.join(SHEET_BY_NAME[table].column_names[:4])} …",
                                    file=file, sheet=table, row=1))
        return
    header = [None if _empty(v) else str(v).strip().lower() for v in rows[0]]
    seen: dict[str, int] = {}
    for n, name in enumerate(header):
        if name is None:
            continue
        if name in seen:
            raw.problems.append(Problem(f"The column '{name}' appears twice in the header row.",
                                        file=file, sheet=table, row=1, column=name))
            header[n] = None
        seen[name] = n
    columns = [h for h in header if h is not None]
    if len(rows) - 1 > MAX_ROWS and sum(1 for v in rows[1:] if v and not all(_empty(x) for x in v)) > MAX_ROWS:
        raw.problems.append(Problem(f"The table has more than {MAX_ROWS:,} rows, the limit per table; a fund "
                                    f"ledger is far smaller (limits: {limits_text()}).", file=file, sheet=table))
        return
    records, index = [], []
    for r, values in enumerate(rows[1:], start=2):
        if r % 5000 == 0:
            tick(f"reading {table}", 0.3 * r / len(rows))
        if values is None or all(_empty(v) for v in values):
            continue
        records.append({h: (values[n] if n < len(values) else None) for n, h in enumerate(header) if h})
        index.append(r - 2)
    raw.tables[table] = pd.DataFrame(
        {c: pd.Series([rec.get(c) for rec in records], index=index, dtype=object) for c in columns},
        index=pd.Index(index, dtype="int64"), columns=columns)


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# ------------------------------------------------------------------------------------------------ CSV

def _read_csv_folder(path: Path, name: str) -> RawLedger:
    files = {p.name: p for p in sorted(path.iterdir()) if p.is_file() and p.suffix.lower() == ".csv"}
    raw = RawLedger("csv", name)
    big = _too_big(sum(p.stat().st_size for p in files.values()), f"The CSV files in {name}")
    if big:
        return raw.fail(big)
    data = {n: p.read_bytes() for n, p in files.items()}
    raw = _read_csv_files(data, name, raw)
    raw.content_sha256 = _files_sha256(data)
    return raw


def _files_sha256(files: Mapping[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(str(name).encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()


def _read_csv_zip(data: bytes, name: str) -> RawLedger:
    raw = RawLedger("csv", name)
    zf, problem = _zip_problem(data, "a zip archive of CSV files")
    if problem:
        return raw.fail(problem)
    files: dict[str, bytes] = {}
    with zf:
        for info in zf.infolist():
            member = PurePosixPath(info.filename)
            if info.is_dir() or "__MACOSX" in member.parts or member.name.startswith("."):
                continue
            if member.suffix.lower() != ".csv":
                raw.warnings.append(f"{name}: {info.filename} is not a CSV file and was ignored.")
                continue
            if member.name in files:
                raw.problems.append(Problem(f"Two files in the archive are named {member.name}; keep one.",
                                            file=f"{name}/{info.filename}"))
                continue
            try:
                data = _read_member(zf, info, MAX_CSV_BYTES - sum(len(b) for b in files.values()))
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as e:
                raw.problems.append(Problem(f"This file in the archive is damaged or incomplete ({e}).",
                                            file=f"{name}/{info.filename}"))
                files[member.name] = b""
                continue
            if data is None:
                return raw.fail(f"The CSV files in the archive expand to more than {_mb(MAX_CSV_BYTES)}, the limit "
                                f"for a ledger's CSV files; reading stopped at {info.filename}. A fund ledger is "
                                f"far smaller (limits: {limits_text()}).", file=f"{name}/{info.filename}")
            files[member.name] = data
    return _read_csv_files(files, name, raw, prefix=f"{name}/")


def _read_csv_files(files: Mapping[str, bytes], name: str, raw: RawLedger | None = None,
                    prefix: str = "") -> RawLedger:
    raw = raw or RawLedger("csv", name)
    big = _too_big(sum(len(b) for b in files.values()), "The CSV files")
    if big:
        return raw.fail(big)
    by_table: dict[str, tuple[str, bytes]] = {}
    for file, data in files.items():
        base = PurePosixPath(str(file).replace("\\", "/")).name
        if not base.lower().endswith(".csv"):
            raw.warnings.append(f"{base} is not a .csv file and was ignored.")
            continue
        table = base[:-4].strip().lower()
        if table not in LEDGER_TABLES:
            raw.warnings.append(f"{prefix}{base} is not one of the ledger's tables "
                                f"({', '.join(LEDGER_TABLES)}) and was ignored.")
            continue
        by_table[table] = (prefix + base, data)
    if not by_table and not raw.problems:
        return raw.fail("No ledger CSV files were found: expected " +
                        ", ".join(f"{t}.csv" for t in REQUIRED_TABLES) + ".")
    for table in LEDGER_TABLES:
        if table not in by_table:
            if table in REQUIRED_TABLES:
                raw.problems.append(Problem(f"The file {table}.csv is missing; a ledger has the files "
                                            f"{', '.join(t + '.csv' for t in REQUIRED_TABLES)} (header row only "
                                            "if a table has no rows).", file=f"{prefix}{table}.csv", sheet=table))
            continue
        file, data = by_table[table]
        text = _utf8_text(raw, data, file, table)
        if text is None:
            continue
        rows = _csv_rows(raw, text, file, table)
        if rows is not None:
            _table_from_rows(raw, table, rows, file)
    return raw


def _utf8_text(raw: RawLedger, data: bytes, file: str, table: str) -> str | None:
    if not data.strip():
        raw.problems.append(Problem("The file is empty: it needs at least its header row.", file=file,
                                    sheet=table))
        return None
    if data.startswith(ZIP_MAGIC) or b"\x00" in data[:8192]:
        raw.problems.append(Problem("This is not a CSV text file (it looks like a binary file, e.g. a "
                                    "workbook renamed to .csv).", file=file, sheet=table))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raw.problems.append(Problem(
            f"The file is not UTF-8 text: byte 0x{data[e.start]:02X} on line {line} cannot be read (the file was "
            "probably saved as Windows-1252 or Latin-1). Save it again as 'CSV UTF-8'.",
            file=file, sheet=table, row=line))
        return None


def _csv_rows(raw: RawLedger, text: str, file: str, table: str) -> list[list] | None:
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as e:
        raw.problems.append(Problem(f"The file is not valid CSV ({e}); is a quotation mark left open?",
                                    file=file, sheet=table))
        return None
    if not records:
        return []
    width = len(records[0])
    for n, rec in enumerate(records[1:], start=2):
        if rec and any(v.strip() for v in rec) and len(rec) != width:
            raw.problems.append(Problem(
                f"This row has {len(rec)} values but the header has {width} columns"
                + (" (is the file cut short?)" if n == len(records) and len(rec) < width else "") + ".",
                file=file, sheet=table, row=n))
    return [[None if v == "" else unquote(v) for v in rec] for rec in records]   # the export's quoting undone
