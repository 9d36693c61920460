"""The documents from the command line: python -m ipmd.documents MAR [PHL ...] [--lang fr] [--year 2024]
[--slides] [--out FILE]. One code: the country brief (or its slides with --slides); several: a meeting pack."""
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


def main(argv: list[str] | None = None) -> int:
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
