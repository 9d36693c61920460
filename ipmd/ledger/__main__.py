"""Command line for the fund ledger.

    python -m ipmd.ledger import FILE [--db PATH] [--dry-run]    FILE: .xlsx, .xml (IATI), .zip or folder of CSVs
    python -m ipmd.ledger export OUT.xlsx|OUT.zip|OUT.xml|DIR [--db PATH]
    python -m ipmd.ledger template OUT.xlsx [--db PATH]
    python -m ipmd.ledger backups [--db PATH]                    the kept backups: name, time, size, ledger, hash
    python -m ipmd.ledger restore BACKUP [--db PATH]             make a backup the database (atomic rename)

Each import or restore backs up the database it replaces into data/backups/; the newest
IPMD_KEEP_BACKUPS (default 10) are kept. Exit code 0 when all went well, 1 otherwise; problems are
printed one per line.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ipmd.db import db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipmd.ledger", description="Import or export the fund ledger.")
    sub = parser.add_subparsers(dest="command", required=True)
    db_help = "database file (default: data/ipmd.duckdb or $IPMD_DB)"
    p_import = sub.add_parser("import", help="validate a ledger and make it the database's ledger")
    p_import.add_argument("file", type=Path, help=".xlsx workbook, IATI .xml, .zip of CSVs or a folder of CSVs")
    p_import.add_argument("--db", type=Path, default=None, help=db_help)
    p_import.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    p_export = sub.add_parser("export", help="write the current ledger as the template (.xlsx), a .zip or a CSV folder, or IATI 2.03 (.xml)")
    p_export.add_argument("out", type=Path)
    p_export.add_argument("--db", type=Path, default=None)
    p_template = sub.add_parser("template", help="write the empty template workbook")
    p_template.add_argument("out", type=Path)
    p_template.add_argument("--db", type=Path, default=None, help="add the lists of valid ids from this database")
    p_backups = sub.add_parser("backups", help="list the kept backups (name, time, size, ledger kind, content hash)")
    p_backups.add_argument("--db", type=Path, default=None, help=db_help)
    p_restore = sub.add_parser("restore", help="make a backup the database (the current one is backed up first)")
    p_restore.add_argument("backup", help="a backup's name (as listed by 'backups') or its path")
    p_restore.add_argument("--db", type=Path, default=None, help=db_help)
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
    if args.command == "backups":
        return _print_backups(Path(db))
    if args.command == "restore":
        from ipmd.ledger.store import restore_backup
        try:
            previous, digest = restore_backup(args.backup, db)
        except (FileNotFoundError, ValueError) as e:
            print(e)
            return 1
        print(f"Restored {Path(args.backup).name} as {db} (content hash {digest[:12]}); "
              f"the database it replaced was kept as {previous.name}.")
        return 0
    from ipmd.ledger.export import template_bytes
    args.out.write_bytes(template_bytes(db))
    print(f"wrote {args.out}")
    return 0


def _print_backups(db: Path) -> int:
    from ipmd.ledger.store import keep_backups, list_backups
    backups = list_backups(db)
    if not backups:
        print(f"No backups of {db} yet (one is made by each import or restore).")
        return 0
    print(f"{'name':<36} {'made (UTC)':<20} {'size':>9}  {'ledger':<13} content hash")
    for b in backups:
        kind = b.ledger_kind or f"unreadable ({b.error})"
        print(f"{b.path.name:<36} {b.made_at[:19]:<20} {b.size / 1024 / 1024:>6.1f} MB  {kind:<13} "
              f"{(b.content_hash or '')[:16]}")
    print(f"{len(backups)} backup(s) in {backups[0].path.parent}; the newest {keep_backups()} are kept "
          "(IPMD_KEEP_BACKUPS).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
