"""Issue 18's document budgets: a country brief within 1.5 s, a five-country meeting pack within 3 s (the time the
server takes to build the file after the click; a file built once is cached by the page and comes at once).

    .venv/bin/python bench/documents.py [--out DIR]

Runs in a fresh process on the bundled database: the first brief pays for the PDF and chart libraries' imports
(what the first click after a server start costs); then briefs and packs of countries not built before. Prints
the figures; exits 1 when a median is over twice its budget (as CI gates the other figures).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BRIEF_BUDGET, PACK_BUDGET = 1.5, 3.0
BRIEFS = ["PHL", "MAR", "MEX", "TON", "NPL", "SEN"]
PACKS = [("MAR", "TUN", "PHL", "SEN", "MEX"), ("NPL", "BGD", "IND", "LKA", "PAK"), ("GHA", "NGA", "KEN", "ETH", "UGA")]


def timed(build, *args) -> tuple[float, int]:
    start = time.perf_counter()
    data = build(*args)
    return time.perf_counter() - start, len(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for documents.md")
    args = parser.parse_args()
    from ipmd import db
    from ipmd.documents.pack import meeting_pack_pdf
    from ipmd.documents.pdf import country_brief_pdf
    from ipmd.profiles.country import stock_years

    con = db.connect()
    year = stock_years(con)[-1]
    first, size = timed(country_brief_pdf, con, BRIEFS[0], year, "en")
    briefs = [timed(country_brief_pdf, con, iso3, year, lang)[0] for iso3, lang in zip(BRIEFS[1:], ["fr", "es"] * 3)]
    packs = [timed(meeting_pack_pdf, con, codes, year, lang)[0] for codes, lang in zip(PACKS, ["en", "fr", "es"])]
    rows = [("country brief, first after a start (imports)", first, BRIEF_BUDGET),
            (f"country brief, median of {len(briefs)} (max {max(briefs):.2f} s)", statistics.median(briefs), BRIEF_BUDGET),
            (f"five-country meeting pack, median of {len(packs)} (max {max(packs):.2f} s)", statistics.median(packs),
             PACK_BUDGET)]
    lines = ["| document | built in | budget | within budget | within 2× |", "|---|---|---|---|---|"]
    lines += [f"| {name} | {value:.2f} s | {budget:g} s | {'yes' if value <= budget else 'no'} | "
              f"{'yes' if value <= 2 * budget else 'no'} |" for name, value, budget in rows]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "documents.md").write_text(text + "\n", encoding="utf-8")
    return 1 if any(value > 2 * budget for name, value, budget in rows[1:]) else 0


if __name__ == "__main__":
    sys.exit(main())
