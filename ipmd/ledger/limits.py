"""What a ledger import may cost, and the running budget that enforces it.

The limits (also in the README, the admin page and the messages that refuse a file):
- MAX_UPLOAD_BYTES: one file, or all files of a CSV folder together;
- MAX_UNCOMPRESSED_BYTES: what a zip (an XLSX workbook or zipped CSVs) may expand to, counted while it is
  decompressed (the sizes a zip declares are not trusted), and MAX_CSV_BYTES for the CSV text itself;
- MAX_ROWS per sheet and MAX_COLUMNS read per sheet (an XLSX cell at XFD1048576 does not make every
  row 16,384 cells wide);
- MAX_SECONDS for reading and validating.

`budget(seconds, report)` opens a budget for the work done inside it (read, validate, write):
`tick(stage, done)` checks the time (raising `OverBudget`) and passes progress to `report(done, stage)`,
at most every REPORT_EVERY seconds. `report` may raise to stop the work: the admin page's progress bar
does so when its visitor has left (Streamlit stops the script), so no core keeps burning for nobody.
"""
from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator

MAX_UPLOAD_BYTES = 20 * 1024 * 1024          # one file, or all files of a CSV folder together
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024   # what a zip (XLSX or zipped CSVs) may expand to
MAX_CSV_BYTES = MAX_UPLOAD_BYTES             # the CSV text of a ledger, once unzipped
MAX_ROWS = 50_000                            # data rows per sheet (or IATI elements per kind)
MAX_COLUMNS = 100                            # columns read per sheet; the template has at most 14
MAX_SECONDS = 120                            # reading and validating one file
REPORT_EVERY = 0.25                          # seconds between two progress reports


class OverBudget(Exception):
    """The work went over MAX_SECONDS; the message is for a person."""


Report = Callable[[float, str], None]


class Budget:
    def __init__(self, seconds: float = MAX_SECONDS, report: Report | None = None):
        self.seconds, self.report = seconds, report
        self.start = time.monotonic()
        self._last = 0.0

    def tick(self, stage: str, done: float) -> None:
        now = time.monotonic()
        if now - self.start > self.seconds:
            raise OverBudget(f"Reading and checking the file took longer than the {self.seconds:g}-second limit "
                             f"(stopped while {stage}); a fund ledger is far smaller. Limits: "
                             + limits_text() + ".")
        if self.report is not None and now - self._last >= REPORT_EVERY:
            self._last = now
            self.report(min(max(done, 0.0), 1.0), stage)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("ledger_budget", default=None)


@contextlib.contextmanager
def budget(seconds: float = MAX_SECONDS, report: Report | None = None) -> Iterator[Budget]:
    b = Budget(seconds, report)
    token = _current.set(b)
    try:
        yield b
    finally:
        _current.reset(token)


def tick(stage: str, done: float) -> None:
    """Check the open budget (none open: nothing to check) and report progress."""
    b = _current.get()
    if b is not None:
        b.tick(stage, done)


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def limits_text() -> str:
    return (f"{mb(MAX_UPLOAD_BYTES)} per upload, {mb(MAX_UNCOMPRESSED_BYTES)} once unzipped, "
            f"{MAX_ROWS:,} rows per sheet, {MAX_SECONDS} seconds to check")
