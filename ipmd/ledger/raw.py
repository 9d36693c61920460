"""A ledger as read from a file, before validation: its raw tables, and the problems and warnings met
while reading, named as the file names things (file, sheet or XML element, row or line, column).

Shared by the readers (ipmd.ledger.read for XLSX and CSV, ipmd.ledger.iati for IATI XML) and the
validator, so none of them needs another to hold what it read.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from ipmd.ledger.problems import Problem
from ipmd.ledger.template import SHEET_BY_NAME


@dataclass
class RawLedger:
    kind: str                                   # 'xlsx' | 'csv' | 'iati'
    filename: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    table_files: dict[str, str] = field(default_factory=dict)            # table -> file shown in problems
    sheet_labels: dict[str, str] = field(default_factory=dict)           # table -> sheet shown (IATI: element)
    column_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> column -> label shown
    reported: set[tuple[str, int, str]] = field(default_factory=set)     # cells the reader reported on
    content_sha256: str | None = None

    def problem(self, table: str, index: int | None, column: str | None, message: str) -> Problem:
        return Problem(message, file=self.table_files.get(table, self.filename),
                       sheet=self.sheet_labels.get(table, table),
                       row=None if index is None else int(index) + 2,
                       column=self.column_labels.get(table, {}).get(column, column) if column else None)

    def relocate(self, p: Problem) -> Problem:
        """A problem found on the typed tables (the invariants), named as this file names things."""
        table = p.sheet
        if table not in SHEET_BY_NAME:
            return p if p.file else replace(p, file=self.filename)
        column = self.column_labels.get(table, {}).get(p.column, p.column) if p.column else None
        return replace(p, file=p.file or self.table_files.get(table, self.filename),
                       sheet=self.sheet_labels.get(table, table), column=column)

    @property
    def row_word(self) -> str:
        """What a row number means in this file: a sheet's row, or an XML file's line."""
        return "line" if self.kind == "iati" else "row"

    def where(self, table: str) -> str:
        file = self.table_files.get(table, self.filename)
        return file if self.kind == "csv" else f"{file}, sheet {self.sheet_labels.get(table, table)}"

    def fail(self, message: str, file: str | None = None, **where) -> "RawLedger":
        self.problems.append(Problem(message, file=file or self.filename, **where))
        return self
