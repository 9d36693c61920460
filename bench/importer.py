"""Benchmark of the ledger importer (issue 14): time and peak memory on hostile files and on the largest
file it accepts, each in a fresh process (so one case's memory does not hide another's).

    python bench/importer.py           # prints a table; exit 0, or 2 when the benchmark could not run

Cases (a copy of the bundled database in a temporary folder; bombs and the far cell are dry runs, the
largest file is imported for real, backup and swap included):
  * CSV zip bomb: 150 MB of CSV in a small zip, sizes declared truthfully (under the 200 MB expansion limit);
  * the same with sizes that lie (each member declares 100 bytes);
  * XLSX that declares more than the 200 MB expansion limit;
  * XLSX with one cell at XFD1048576 (a used range of 16,384 columns by 1,048,576 rows);
  * the largest accepted ledger: 50,000 transactions (the per-sheet limit), as XLSX and as a CSV zip.
Printed per case: whether it was accepted, the first problem, wall time, and the peak resident memory
during the import (VmHWM, reset once the file is built) with the memory just before it (libraries and
reference data loaded) beside it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "unit"))     # the broken-file makers live beside their tests

CASES = ("csv_bomb_declared", "csv_bomb_lying", "xlsx_over_expansion_limit", "xlsx_cell_at_XFD1048576",
         "largest_xlsx", "largest_csv_zip")


def _largest_ledger():
    import ledger_fixtures as F
    from ipmd.ledger.limits import MAX_ROWS
    donors = 100                              # 2 rows each; each project adds 3 transactions
    return F.shaped_ledger(years=(2008, 2015), n_donors=donors, n_projects=(MAX_ROWS - 2 * donors) // 3,
                           iso3s=("PHL", "MEX", "MAR", "IND", "SEN", "GTM"))


def make(case: str, folder: Path) -> tuple[bytes, str]:
    import ledger_fixtures as F
    from test_ledger_broken_files import csv_bomb_honest, csv_bomb_lying, far_cell_xlsx, zip_bomb
    if case == "csv_bomb_declared":
        return csv_bomb_honest(None, folder)
    if case == "csv_bomb_lying":
        return csv_bomb_lying(None, folder)
    if case == "xlsx_over_expansion_limit":
        data, _ = zip_bomb(None, folder)
        return data, "ledger.xlsx"
    if case == "xlsx_cell_at_XFD1048576":
        return far_cell_xlsx(F.valid_ledger(), folder)
    if case == "largest_xlsx":
        return F.xlsx_bytes(_largest_ledger()), "largest.xlsx"
    if case == "largest_csv_zip":
        return F.csv_zip_bytes(_largest_ledger()), "largest.zip"
    raise ValueError(case)


def run_case(case: str, workdir: str) -> dict:
    """In this (fresh) process: build the file, then time one import and read the peak memory."""
    folder = Path(workdir)
    data, name = make(case, folder)
    db = folder / "ipmd.duckdb"
    from ipmd.ledger.store import import_ledger
    from ipmd.ledger.validate import ReferenceData
    ReferenceData.from_db(db)                   # libraries and reference data loaded before measuring
    import gc
    gc.collect()
    _reset_peak()
    before = _status_mb("VmRSS")
    real = case.startswith("largest")
    start = time.perf_counter()
    result = import_ledger(data, name, db, dry_run=not real)
    seconds = time.perf_counter() - start
    peak = _status_mb("VmHWM")
    return {"case": case, "file_mb": len(data) / 2**20, "accepted": result.ok, "seconds": seconds,
            "peak_mb": peak, "before_mb": before, "counts": result.counts,
            "problem": (result.problems[0].message[:110] if result.problems else "")}


def _reset_peak() -> None:
    """Forget the peak so far (building the test file), so VmHWM is the import's own peak (Linux)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        print(json.dumps(run_case(sys.argv[2], os.environ["IPMD_BENCH_DIR"])))
        return 0
    from ipmd import DEFAULT_DB
    from ipmd.ledger import limits
    rows = []
    for case in CASES:
        with tempfile.TemporaryDirectory(prefix="ipmd-bench-importer-") as tmp:
            shutil.copyfile(DEFAULT_DB, Path(tmp) / "ipmd.duckdb")
            done = subprocess.run([sys.executable, __file__, "--case", case], capture_output=True, text=True,
                                  env={**os.environ, "IPMD_BENCH_DIR": tmp}, timeout=900)
        if done.returncode != 0:
            print(f"{case}: the benchmark could not run\n{done.stderr[-2000:]}")
            return 2
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"Ledger importer (limits: {limits.limits_text()})")
    print(f"{'case':<26} {'file':>8} {'accepted':>8} {'time':>8} {'peak RSS':>9} {'before':>7}  first problem / rows")
    for r in rows:
        what = r["problem"] or ", ".join(f"{n} {t}" for t, n in r["counts"].items())
        print(f"{r['case']:<26} {r['file_mb']:>6.2f}MB {('yes' if r['accepted'] else 'no'):>8} "
              f"{r['seconds']:>7.2f}s {r['peak_mb']:>6.0f} MB {r['before_mb']:>4.0f} MB  {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
