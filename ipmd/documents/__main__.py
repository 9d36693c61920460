"""The documents from the command line: python -m ipmd.documents MAR [PHL ...] [--lang fr] [--year 2024]
[--slides] [--out FILE]. One code: the country brief (or its slides with --slides); several: a meeting pack.

The Secretariat's annual report: python -m ipmd.documents report --year 2014 [--lang fr] [--format pdf|docx]
[--out FILE]."""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from ipmd import db
from ipmd.documents.pack import meeting_pack_pdf
from ipmd.documents.pdf import country_brief_pdf
from ipmd.documents.slides import country_brief_pptx
from ipmd.i18n import LANGUAGES


def report_main(argv: list[str]) -> int:
    """python -m ipmd.documents report --year 2014 --lang fr --format docx --out report.docx"""
    from ipmd.documents.annual_report.docx import annual_report_docx
    from ipmd.documents.annual_report.pdf import annual_report_pdf

    parser = argparse.ArgumentParser(prog="python -m ipmd.documents report",
                                     description="The trust fund's annual progress report for one year (PDF or DOCX).")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--lang", default="en", choices=LANGUAGES)
    parser.add_argument("--format", default="pdf", choices=("pdf", "docx"), dest="fmt")
    parser.add_argument("--out", help="file to write (default: ipmd_annual_report_<year>_<lang>.<format>)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    con = db.connect()
    build = annual_report_pdf if args.fmt == "pdf" else annual_report_docx
    data = build(con, args.year, args.lang)
    out = Path(args.out or f"ipmd_annual_report_{args.year}_{args.lang}.{args.fmt}")
    out.write_bytes(data)
    print(f"wrote {out} ({len(data) / 1024:.0f} KiB) in {time.perf_counter() - start:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["report"]:
        return report_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m ipmd.documents",
                                     description="A country brief (PDF or slides) or a meeting pack (PDF).")
    parser.add_argument("codes", nargs="+", help="ISO 3166 alpha-3 codes")
    parser.add_argument("--lang", default="en", choices=LANGUAGES)
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--slides", action="store_true", help="PPTX slides instead of a PDF (one country)")
    parser.add_argument("--out", help="file to write (default: ipmd_brief_<codes>_<year>_<lang>.pdf/.pptx)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    con = db.connect()
    try:
        if args.slides:
            data, ext = country_brief_pptx(con, args.codes[0], args.year, args.lang), "pptx"
        elif len(args.codes) == 1:
            data, ext = country_brief_pdf(con, args.codes[0], args.year, args.lang), "pdf"
        else:
            data, ext = meeting_pack_pdf(con, args.codes, args.year, args.lang), "pdf"
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out or f"ipmd_brief_{'_'.join(c.upper() for c in args.codes)}_{args.year}_{args.lang}.{ext}")
    out.write_bytes(data)
    print(f"wrote {out} ({len(data) / 1024:.0f} KiB) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
