"""Validation of a ledger read from any format, before anything is written.

`validate(raw, reference)` checks every cell of every table against the template (types, required
values, allowed values, ranges, ISO dates, codes that exist in the database, unique ids, references
that resolve, txn_type and iati_code agreeing, US$ amounts derivable, dates between 1950 and 2100),
and in the same pass the fund's invariants from `ipmd.ledger.invariants` on the rows that could be read.
Every problem is returned in one list, located at file, sheet, row and column, in plain words; a sheet
that cannot be read is reported once, not again for every reference to it.

Typed tables keep the reader's index (sheet row - 2), so a problem found later on a typed row can
still name the row a person sees.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pycountry

from ipmd.fund.rules import parse_bool
from ipmd.ledger.invariants import ledger_invariant_problems
from ipmd.ledger.limits import tick
from ipmd.ledger.problems import Problem
from ipmd.ledger.raw import RawLedger
from ipmd.ledger.results_rules import results_problems
from ipmd.ledger.template import (FIRST_YEAR, LAST_YEAR, INCOMING_TYPES, OUTGOING_TYPES,  # noqa: F401
                                  SHEET_BY_NAME, SHEETS, TXN_TYPES, Column, Sheet)

DB_REFERENCE_TABLES = ("countries", "partners", "areas_of_work", "goals", "gfmd_items")
HEADER = -1          # the index of the header row: row 1 as a person sees it


# ------------------------------------------------------------------------------------- reference data

@dataclass(frozen=True)
class ReferenceData:
    """What a ledger may refer to: the database's countries, partners, framework and exchange rates."""
    ids: dict[str, frozenset[str]]              # table -> its ids (countries, partners, areas_of_work, goals, gfmd_items)
    partner_names: dict[str, str]               # partner_id -> name
    rates: dict[str, dict[int, float]]          # currency -> year -> local currency units per US$

    @classmethod
    def from_db(cls, db_path: Path | str) -> "ReferenceData":
        con = duckdb.connect(str(db_path), read_only=True)
        try:
            return cls.from_connection(con)
        finally:
            con.close()

    @classmethod
    def from_connection(cls, con: duckdb.DuckDBPyConnection) -> "ReferenceData":
        keys = {"countries": "iso3", "partners": "partner_id", "areas_of_work": "area_id",
                "goals": "goal_id", "gfmd_items": "gfmd_item_id"}
        ids = {t: frozenset(r[0] for r in con.execute(f"SELECT {k} FROM {t}").fetchall())  # fixed names
               for t, k in keys.items()}
        partner_names = dict(con.execute("SELECT partner_id, name FROM partners").fetchall())
        rates: dict[str, dict[int, float]] = defaultdict(dict)
        for currency, year, lcu in con.execute(
                "SELECT currency, year, lcu_per_usd FROM exchange_rates WHERE lcu_per_usd > 0").fetchall():
            rates[currency][int(year)] = float(lcu)
        return cls(ids=ids, partner_names=partner_names, rates=dict(rates))

    def sorted_ids(self, table: str) -> list[str]:
        return sorted(self.ids.get(table, ()))

    def knows_currency(self, currency: str) -> bool:
        return currency == "USD" or currency in self.rates

    def rate(self, currency: str, year: int) -> tuple[float, int] | None:
        """(local currency units per US$, the year of that rate): the year's own rate, or the latest
        earlier year's when the year has none; None when the currency has no rate that early."""
        if currency == "USD":
            return 1.0, year
        by_year = self.rates.get(currency, {})
        earlier = [y for y in by_year if y <= year]
        if not earlier:
            return None
        used = max(earlier)
        return by_year[used], used


# ---------------------------------------------------------------------------------------- cell parsing

class CellError(ValueError):
    """A value that cannot be read as its column's type; the message is for a person."""


_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_ISO_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})([T ]00:00(:00(\.0+)?)?)?")


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _show(value) -> str:
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    return repr(text[:60] + ("…" if len(text) > 60 else ""))


def parse_text(value, col: Column):
    if isinstance(value, float) and value.is_integer():
        value = int(value)                      # an id typed as a number in a spreadsheet: 2009, not 2009.0
    if isinstance(value, dt.datetime):
        value = value.date()
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    text = text.strip()
    if col.upper:
        text = text.upper()
    if col.choices:
        key = re.sub(r"[\s-]+", "_", text.lower())
        if key not in col.choices:
            raise CellError(f"{_show(text)} is not one of the allowed values: {', '.join(col.choices)}.")
        text = key
    return text


def parse_number(value, col: Column) -> float:
    if isinstance(value, bool):
        raise CellError(f"{_show(value)} is a TRUE/FALSE value, not a number.")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = float(value.strip())
    elif isinstance(value, str) and re.fullmatch(r"[+-]?[0-9.,' ]+", value.strip()):
        raise CellError(f"{_show(value)} is not a plain number: write it without thousands separators and "
                        "with a dot for decimals, e.g. 1234567.89.")
    else:
        raise CellError(f"{_show(value)} is not a number.")
    if not math.isfinite(number):
        raise CellError(f"{_show(value)} is not a finite number.")
    if col.minimum is not None and number < col.minimum:
        if col.minimum == 0:
            raise CellError(f"{number:g} is negative: {col.name} must be zero or more "
                            "(the transaction type says which way the money moves).")
        raise CellError(f"{number:g} is below the minimum of {col.minimum:g}.")
    if col.maximum is not None and number > col.maximum:
        raise CellError(f"{number:g} is above the maximum of {col.maximum:g}.")
    return number


def parse_integer(value, col: Column) -> int:
    number = _whole(value)
    if col.minimum is not None and number < col.minimum or col.maximum is not None and number > col.maximum:
        if col.minimum is not None and col.maximum is not None:
            raise CellError(f"{number} is outside the allowed range {col.minimum:g} to {col.maximum:g}.")
        if col.minimum is not None and number < col.minimum:
            raise CellError(f"{number} is below the minimum of {col.minimum:g}.")
        raise CellError(f"{number} is above the maximum of {col.maximum:g}.")
    return number


def _whole(value) -> int:
    if isinstance(value, bool):
        raise CellError(f"{_show(value)} is a TRUE/FALSE value, not a whole number.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()) and float(value).is_integer():
        return int(float(value))
    raise CellError(f"{_show(value)} is not a whole number.")


def parse_date(value, col: Column) -> dt.date:
    if isinstance(value, dt.datetime):
        return _plausible(value.date(), value)
    if isinstance(value, dt.date):
        return _plausible(value, value)
    if isinstance(value, str):
        m = _ISO_DATE.fullmatch(value.strip())
        if m:
            try:
                day = dt.date.fromisoformat(m.group(1))
            except ValueError:
                raise CellError(f"{_show(value)} is not a real date (check the month and day).") from None
            return _plausible(day, value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(f"{_show(value)} is a number, not a date: format the cell as a date or write the "
                        "date as YYYY-MM-DD.")
    raise CellError(f"{_show(value)} is not a date in the ISO form YYYY-MM-DD (e.g. 2009-03-31).")


def _plausible(day: dt.date, value) -> dt.date:
    """A fund's dates fall in FIRST_YEAR-LAST_YEAR: year 1 or 9999 is a typing slip or a placeholder."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CellError(f"{_show(value)} is in the year {day.year}: a ledger's dates fall between {FIRST_YEAR} and "
                        f"{LAST_YEAR} (is the year mistyped, or a placeholder date left in?).")
    return day


def parse_boolean(value, col: Column) -> bool:
    parsed = parse_bool(value)
    if parsed is not None:
        return parsed
    raise CellError(f"{_show(value)} is not TRUE or FALSE.")


PARSERS = {"text": parse_text, "number": parse_number, "integer": parse_integer,
           "date": parse_date, "boolean": parse_boolean}


# -------------------------------------------------------------------------------------------- results

@dataclass
class Validated:
    tables: dict[str, pd.DataFrame]             # typed, the template's columns
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.tables.items()}


def _typed_frame(sheet: Sheet, values: dict[str, list], index: list[int]) -> pd.DataFrame:
    dtypes = {"number": "float64", "integer": "Int64", "boolean": bool, "text": object}
    cols = {}
    for col in sheet.columns:
        v = values[col.name]
        if col.kind == "date":
            cols[col.name] = pd.array(pd.to_datetime(v), dtype="datetime64[us]")
        else:
            cols[col.name] = pd.array(v, dtype=dtypes[col.kind]) if col.kind != "text" else \
                pd.Series(v, dtype=object).to_numpy()
    return pd.DataFrame(cols, index=pd.Index(index, dtype="int64"), columns=sheet.column_names)


# ------------------------------------------------------------------------------------------ validator

class _Checker:
    def __init__(self, raw: RawLedger, reference: ReferenceData):
        self.raw, self.ref = raw, reference
        self.warnings: list[str] = []
        self.typed: dict[str, pd.DataFrame] = {}
        self.failed: set[tuple[str, int, str]] = set(raw.reported)   # cells already reported on
        self._order = {s.name: n for n, s in enumerate(SHEETS)}
        self._found: list[tuple[int, int, Problem]] = []
        self.unchecked: set[str] = set()            # ledger tables that could not be read, so not referred to

    def add(self, table: str, index: int, column: str, message: str) -> None:
        self._found.append((self._order[table], index, self.raw.problem(table, index, column, message)))
        self.failed.add((table, index, column))

    @property
    def problems(self) -> list[Problem]:
        """Sheet by sheet, row by row, as a person would fix them."""
        return [p for _, _, p in sorted(self._found, key=lambda f: (f[0], f[1]))]

    # one sheet: columns present, every cell readable
    def read_sheet(self, sheet: Sheet) -> None:
        df = self.raw.tables.get(sheet.name)
        if df is None:                 # the reader has said it is missing
            self.typed[sheet.name] = _typed_frame(sheet, {c.name: [] for c in sheet.columns}, [])
            return
        absent = [c.name for c in sheet.columns if c.name not in df.columns]
        for name in absent:
            col = sheet.column(name)
            if col.required:
                self.add(sheet.name, HEADER, name,
                         f"The column '{name}' is missing from the header row. {col.description}")
        unknown = [c for c in df.columns if c not in sheet.column_names]
        if unknown and self.raw.kind != "iati":
            self.warnings.append(f"{self.raw.where(sheet.name)}: column(s) {', '.join(map(str, unknown))} "
                                 "are not in the template and were ignored.")
        index = [int(i) for i in df.index]
        values: dict[str, list] = {}
        for k, col in enumerate(sheet.columns):
            tick(f"checking {sheet.name}", 0.4 + 0.4 * (self._order[sheet.name] + k / len(sheet.columns)) / len(SHEETS))
            parse = PARSERS[col.kind]
            out = []
            raw_values = df[col.name].tolist() if col.name in df.columns else [None] * len(df)
            for i, value in zip(index, raw_values):
                if (sheet.name, i, col.name) in self.failed:
                    out.append(None)
                    continue
                if _blank(value):
                    if col.required and col.name not in absent:
                        self.add(sheet.name, i, col.name, f"{col.name} is empty; a value is required. "
                                 f"{col.description}")
                    out.append(False if col.kind == "boolean" else None)
                    continue
                try:
                    out.append(parse(value, col))
                except CellError as e:
                    self.add(sheet.name, i, col.name, f"{col.name}: {e}")
                    out.append(None)
            values[col.name] = out
        self.typed[sheet.name] = _typed_frame(sheet, values, index)

    def unique_keys(self, sheet: Sheet) -> None:
        df = self.typed[sheet.name]
        first: dict[tuple, int] = {}
        for i, key in zip(df.index, zip(*(df[c] for c in sheet.key))):
            if any(_blank(k) for k in key):
                continue
            if key in first:
                what = " and ".join(f"{c} {k!r}" for c, k in zip(sheet.key, key))
                self.add(sheet.name, i, sheet.key[-1],
                         f"The {what} is used twice (first on {self.raw.row_word} {first[key] + 2}); "
                         f"each must appear once.")
            else:
                first[key] = i

    def references(self, sheet: Sheet) -> None:
        df = self.typed[sheet.name]
        for col in sheet.columns:
            if not col.refers_to:
                continue
            table, key = col.refers_to
            if table in DB_REFERENCE_TABLES:
                known = self.ref.ids.get(table, frozenset())
            elif table not in self.raw.tables and SHEET_BY_NAME[table].optional and not any(
                    p.sheet == table for p in self.raw.problems):
                known = frozenset()       # an optional sheet left out: whatever refers to it names nothing
            elif table not in self.raw.tables:
                # that sheet could not be read (its problem is reported once): not one problem per reference
                self.unchecked.add(table)
                continue
            else:
                known = frozenset(self.typed[table][key].dropna())
            for i, value in df[col.name].items():
                if _blank(value) or value in known or (sheet.name, i, col.name) in self.failed:
                    continue
                self.add(sheet.name, i, col.name, self._unknown(col, table, value))

    def _unknown(self, col: Column, table: str, value: str) -> str:
        if table == "countries":
            hint = ""
            try:
                c = pycountry.countries.get(alpha_2=value) if len(value) == 2 else None
            except LookupError:
                c = None
            if c is not None:
                hint = f" ISO3 codes have three letters: did you mean {c.alpha_3}?"
            return f"{col.name}: {value!r} is not a country code (ISO3) in the database.{hint}"
        if table in SHEET_BY_NAME:        # another sheet of the ledger
            return f"{col.name}: {value!r} is not in the {table} sheet; add it there or correct the id."
        known = self.ref.sorted_ids(table)
        listed = ", ".join(known[:25]) + (" …" if len(known) > 25 else "")
        return f"{col.name}: {value!r} is not a known id in the database's {table} table ({listed})."

    def projects(self) -> None:
        df = self.typed["projects"]
        for i, r in zip(df.index, df.itertuples(index=False)):      # itertuples: iterrows costs ~0.1 ms a row
            if pd.notna(r.decision_date) and pd.notna(r.submitted_date) and r.decision_date < r.submitted_date:
                self.add("projects", i, "decision_date", f"decision_date {r.decision_date:%Y-%m-%d} is before "
                         f"submitted_date {r.submitted_date:%Y-%m-%d}.")
            if pd.notna(r.end_date) and pd.notna(r.start_date) and r.end_date < r.start_date:
                self.add("projects", i, "end_date", f"end_date {r.end_date:%Y-%m-%d} is before "
                         f"start_date {r.start_date:%Y-%m-%d}.")

    def transactions(self) -> None:
        df = self.typed["transactions"]
        fallbacks: dict[tuple[str, int, int], list[int]] = defaultdict(list)
        for pos, (i, r) in enumerate(zip(df.index, df.itertuples(index=False))):
            if pos % 2000 == 0:
                tick("checking transactions", 0.8 + 0.15 * pos / max(len(df), 1))
            kind = r.txn_type
            if kind in TXN_TYPES:
                code = TXN_TYPES[kind]
                if pd.isna(r.iati_code):
                    df.iat[pos, df.columns.get_loc("iati_code")] = code
                elif int(r.iati_code) != code:
                    self.add("transactions", i, "iati_code", f"iati_code {int(r.iati_code)} does not match "
                             f"txn_type '{kind}', which is IATI code {code}.")
                if kind in INCOMING_TYPES and _blank(r.donor_id) and ("transactions", i, "donor_id") not in self.failed:
                    self.add("transactions", i, "donor_id", f"A {kind} needs the donor_id of the donor who made it.")
                if kind in OUTGOING_TYPES and _blank(r.project_id) and ("transactions", i, "project_id") not in self.failed:
                    self.add("transactions", i, "project_id", f"A {kind} needs the project_id of the project it is for.")
            self._amounts(df, pos, i, r, fallbacks)
        for (currency, year, used), rows in sorted(fallbacks.items()):
            shown = ", ".join(str(x + 2) for x in rows[:10]) + (" …" if len(rows) > 10 else "")
            self.warnings.append(
                f"{self.raw.where('transactions')}: no World Bank rate for {currency} in {year}; the {used} rate "
                f"was used for {len(rows)} transaction(s) ({self.raw.row_word}s {shown}).")

    def _amounts(self, df: pd.DataFrame, pos: int, i: int, r, fallbacks) -> None:
        if ("transactions", i, "currency") in self.failed:
            return
        currency = r.currency if not _blank(r.currency) else "USD"
        if currency != r.currency:                  # each write to a frame cell costs ~0.1 ms: only when needed
            df.iat[pos, df.columns.get_loc("currency")] = currency
        usd, original = r.amount_usd, r.amount_original
        cells_bad = any(("transactions", i, c) in self.failed for c in ("amount_usd", "amount_original"))
        if not self.ref.knows_currency(currency):
            known = ", ".join(sorted(self.ref.rates))
            self.add("transactions", i, "currency", f"currency {currency!r} has no exchange rate in the database "
                     f"(known: USD, {known}); give the amount in a known currency or in US$.")
            return
        if currency == "USD":
            if pd.isna(usd) and pd.isna(original):
                if not cells_bad:
                    self.add("transactions", i, "amount_usd", "The amount is missing: give amount_usd "
                             "(or amount_original with its currency).")
            elif pd.isna(usd):
                df.iat[pos, df.columns.get_loc("amount_usd")] = original
            elif pd.isna(original):
                df.iat[pos, df.columns.get_loc("amount_original")] = usd
            elif abs(usd - original) > 0.005:
                self.add("transactions", i, "amount_original", f"For a US$ amount, amount_usd ({usd:,.2f}) and "
                         f"amount_original ({original:,.2f}) must be equal.")
            return
        if pd.isna(original):
            if not cells_bad:
                self.add("transactions", i, "amount_original",
                         f"amount_original is empty; the amount in {currency} is required.")
            return
        if pd.isna(usd) and pd.notna(r.txn_date):
            found = self.ref.rate(currency, r.txn_date.year)
            if found is None:
                first = min(self.ref.rates[currency])
                self.add("transactions", i, "currency", f"No World Bank rate for {currency} in "
                         f"{r.txn_date.year} or earlier (the first is for {first}); give amount_usd.")
                return
            lcu_per_usd, used = found
            if used != r.txn_date.year:
                fallbacks[(currency, r.txn_date.year, used)].append(i)
            df.iat[pos, df.columns.get_loc("amount_usd")] = round(original / lcu_per_usd, 2)


def validate(raw: RawLedger, reference: ReferenceData) -> Validated:
    """Every problem in the ledger, and the typed tables to store when there is none."""
    c = _Checker(raw, reference)
    for sheet in SHEETS:
        c.read_sheet(sheet)
    for sheet in SHEETS:
        c.unique_keys(sheet)
        c.references(sheet)
    c.projects()
    c.transactions()
    problems = list(raw.problems) + c.problems
    warnings = list(raw.warnings) + c.warnings
    if not problems and not any(len(df) for df in c.typed.values()):
        problems.append(Problem("The ledger has no rows in any sheet: there is nothing to import (an empty "
                                "ledger would erase the current one).", file=raw.filename))
    for table in sorted(c.unchecked):
        warnings.append(f"References to the {table} sheet were not checked, because it could not be read (see "
                        "its problem above).")
    had_problems = bool(problems)
    if any(len(df) for df in c.typed.values()):
        # every problem in one pass: the totals are checked on the rows that could be read
        tick("checking the totals", 0.95)
        problems += [raw.relocate(p) for p in ledger_invariant_problems(c.typed)]
        problems += [raw.relocate(p) for p in results_problems(c.typed)]
    if had_problems and any(len(df) for df in c.typed.values()):
        warnings.append("The ledger's totals (deposits within pledges, approvals within deposits, "
                        "disbursements within approvals, the World Bank's 15% share, country shares and goal "
                        "weights) were checked on the rows that could be read: fixing a problem above may "
                        "change them.")
    return Validated(tables=c.typed, problems=problems, warnings=warnings)
