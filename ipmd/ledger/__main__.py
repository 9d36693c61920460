"""Command line for the fund ledger.

    python -m ipmd.ledger import FILE [--db PATH] [--dry-run]    FILE: .xlsx, .xml (IATI), .zip or folder of CSVs
    python -m ipmd.ledger export OUT.xlsx|OUT.zip|DIR [--db PATH]
    python -m ipmd.ledger template OUT.xlsx [--db PATH]

Exit code 0 when all went well, 1 otherwise; problems are printed one per line.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ipmd.db import db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipmd.ledger", description="Import or export the fund ledger.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_import = sub.add_parser("import", help="validate a ledger and make it the database's ledger")
    p_import.add_argument("file", type=Path, help=".xlsx workbook, IATI .xml, .zip of CSVs or a folder of CSVs")
    p_import.add_argument("--db", type=Path, default=None, help="database file (default: data/ipmd.duckdb or $IPMD_DB)")
    p_import.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    p_export = sub.add_parser("export", help="write the current ledger as the template (.xlsx), a .zip or a CSV folder")
    p_export.add_argument("out", type=Path)
    p_export.add_argument("--db", type=Path, default=None)
    p_template = sub.add_parser("template", help="write the empty template workbook")
    p_template.add_argument("out", type=Path)
    p_template.add_argument("--db", type=Path, default=None, help="add the lists of valid ids from this database")
    args = parser.parse_args(argv)
    db = args.db or (None if args.command == "template" else db_path())
    if db is not None and not Path(db).is_file():
        print(f"There is no database at {db}; build it first (python -m ipmd.build).")
        return 1

    if args.command == "import":
        from ipmd.ledger.store import import_ledger
        result = import_ledger(args.file, db_path=db, dry_run=args.dry_run)
        for line in result.report_lines():
            print(line)
        return 0 if result.ok else 1
    if args.command == "export":
        from ipmd.ledger.export import write_export
        for path in write_export(db, args.out):
            print(f"wrote {path}")
        return 0
    from ipmd.ledger.export import template_bytes
    args.out.write_bytes(template_bytes(db))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
