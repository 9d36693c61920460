"""Importing a ledger: read, validate, and only when nothing is wrong, swap in a new database file.

`import_ledger(...)` is the one entry point, for the command line and the admin page alike.

How the database is replaced, so that a failed import changes nothing and readers never see half:
1. the current file is only ever opened read-only (reference data) and copied;
2. the copy, a temporary file in the same folder, gets the new ledger: the ledger tables (the five of
   the money, and the results framework's: results, result_indicators, indicator_periods,
   report_milestones, project_documents, projects.gender_marker)
   emptied and refilled from the validated frames (bound through DataFrame registration, never
   formatted into SQL), every row is_illustrative FALSE, the demonstration portfolio's source row
   replaced by one for the imported file, meta updated (ledger_kind 'real', content_hash);
3. the copy is checked (row counts), flushed to disk, given the mode and owner of the current file,
   the current file is backed up to data/backups/<name>-YYYYmmddTHHMMSS.duckdb (UTC; written under a
   .partial- name and renamed when whole), and os.replace() puts the copy in place: one atomic rename
   on the same file system.
Any failure before the rename deletes the temporary file; the database is then byte-for-byte as it was.
Imports (and restores, `restore_backup`) are serialised with a lock file in the backups folder; each
starts by removing what a killed one left (temporary copies, half-written backups) and ends by keeping
only the newest IPMD_KEEP_BACKUPS backups (default 10). `list_backups` describes the kept ones.

DuckDB refuses to delete parent and child rows of a foreign key within one transaction (its
documented foreign-key limitation), so the emptying of step 2 is one statement per table, children
first, and the refill is one transaction. Both happen on the private temporary copy: atomicity for
everyone else comes from the rename, not from the transaction.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ipmd.db import db_path as default_db_path
from ipmd.ledger import limits
from ipmd.ledger.limits import Report
from ipmd.ledger.problems import Problem
from ipmd.ledger.raw import RawLedger
from ipmd.ledger.read import Source, read_ledger
from ipmd.ledger.template import DELETE_ORDER, LEDGER_TABLES, REQUIRED_TABLES, RESULT_TABLES, SHEET_BY_NAME
from ipmd.ledger.validate import ReferenceData, validate

LEDGER_SOURCE_ID = "fund_ledger_import"
SOURCE_REFERENCES = (("indicators", "default_source_id"), ("observations", "source_id"),
                     ("aggregate_observations", "source_id"))


@dataclass
class Prepared:
    """A ledger validated against one database file, ready to write without validating it again."""
    tables: dict[str, pd.DataFrame]
    raw: RawLedger
    db_signature: tuple


@dataclass
class ImportResult:
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)     # rows per ledger table (read, or written)
    backup_path: Path | None = None                          # the previous database, when one was written
    dry_run: bool = False
    content_hash: str | None = None                          # of the new database, when one was written
    prepared: Prepared | None = field(default=None, repr=False)   # a valid dry run's tables (commit_import)
    seconds: float | None = None                             # reading and validating took

    def report_lines(self) -> list[str]:
        """Problems one per line, then warnings, then what was (or would be) imported."""
        lines = [str(p) for p in self.problems] + [f"warning: {w}" for w in self.warnings]
        summary = ", ".join(f"{n} {t}" for t, n in self.counts.items())
        if self.ok and self.dry_run:
            lines.append(f"Valid: would import {summary} (dry run, nothing written).")
        elif self.ok:
            lines.append(f"Imported {summary}; previous database kept as {self.backup_path}.")
        else:
            lines.append(f"Not imported: {len(self.problems)} problem(s); the database was not changed.")
        return lines


def content_hash(con: duckdb.DuckDBPyConnection) -> str:
    """sha256 over every table but meta: its name, column names and types, and its rows in a canonical
    order (each row's text form, md5-sorted inside DuckDB), so equal content gives an equal hash."""
    h = hashlib.sha256()
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE' AND table_name <> 'meta' ORDER BY table_name").fetchall()]
    for table in tables:
        columns = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                              [table]).fetchall()
        ident = '"' + table.replace('"', '""') + '"'          # a name from the catalogue, not user input
        digest, n = con.execute(
            f"SELECT md5(string_agg(h, '' ORDER BY h)), count(*) FROM "
            f"(SELECT md5(CAST(t AS VARCHAR)) AS h FROM {ident} AS t)").fetchone()
        h.update(f"{table}|{columns}|{n}|{digest or ''}\n".encode())
    return h.hexdigest()


# ------------------------------------------------------------------------------------------ the import

def import_ledger(path_or_bytes: Source, filename: str | None = None, db_path: Path | str | None = None,
                  dry_run: bool = False, progress: Report | None = None,
                  seconds: float | None = None) -> ImportResult:
    """Read and validate a ledger; when it has no problem (and this is not a dry run), make it the
    database's ledger, replacing the demonstration portfolio. Never raises for a bad file.

    `progress(done, stage)` is called as the work goes (it may raise to stop it); reading and validating
    stop after `seconds` (default limits.MAX_SECONDS) with a problem saying so."""
    db = Path(db_path) if db_path is not None else default_db_path()
    if not db.is_file():
        return ImportResult(False, [Problem(f"There is no database at {db}; build it first "
                                            "(python -m ipmd.build).")], dry_run=dry_run)
    signature = _signature(db)
    try:
        with limits.budget(limits.MAX_SECONDS if seconds is None else seconds, progress) as b:
            reference = ReferenceData.from_db(db)
            raw = read_ledger(path_or_bytes, filename, reference)
            limits.tick("checking", 0.4)
            checked = validate(raw, reference)
            elapsed = b.elapsed
    except limits.OverBudget as e:
        name = filename or (Path(path_or_bytes).name if isinstance(path_or_bytes, (str, os.PathLike)) else None)
        return ImportResult(False, [Problem(str(e), file=name)], dry_run=dry_run)
    result = ImportResult(checked.ok, checked.problems, checked.warnings, checked.counts, dry_run=dry_run,
                          seconds=elapsed)
    if not checked.ok:
        return result
    result.prepared = Prepared(checked.tables, raw, signature)
    return result if dry_run else commit_import(result, path_or_bytes, filename, db)


def commit_import(checked: ImportResult, source: Source, filename: str | None = None,
                  db_path: Path | str | None = None, progress: Report | None = None) -> ImportResult:
    """Write the ledger of a valid dry run. When the database is still the file it was validated against,
    its validated tables are written as they are (a file is validated once); when another import has
    replaced it since, `source` is validated again against the database now in place."""
    db = Path(db_path) if db_path is not None else default_db_path()
    prepared = checked.prepared
    if prepared is None or not db.is_file() or _signature(db) != prepared.db_signature:
        return import_ledger(source, filename, db, dry_run=False, progress=progress)
    result = ImportResult(True, [], list(checked.warnings), dict(checked.counts), seconds=checked.seconds)
    try:
        result.backup_path, result.content_hash = write_ledger(db, prepared.tables, prepared.raw)
    except Exception as e:      # nothing was replaced: report it as a problem, the database is as it was
        result.ok = False
        result.problems.append(Problem(f"The database could not be written ({type(e).__name__}: {e}); "
                                       "it was not changed.", file=db.name))
    return result


def _signature(db: Path) -> tuple:
    """Which file `db` is now: an import or restore puts a new file in place (a new inode)."""
    st = db.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def write_ledger(db: Path, tables: dict[str, pd.DataFrame], raw: RawLedger) -> tuple[Path, str]:
    """Swap in a copy of `db` whose ledger is `tables`; (the backup's path, the new content hash)."""
    backups = backup_folder(db)
    with _lock(backups / ".import.lock"):
        clean_stale_temporaries(db)
        tmp = _temporary(db)
        try:
            shutil.copyfile(db, tmp)
            digest = _fill(tmp, tables, raw)
            return _swap_in(tmp, db), digest
        finally:
            _remove(tmp)


def restore_backup(backup: Path | str, db_path: Path | str | None = None) -> tuple[Path, str]:
    """Make `backup` (a path, or a name in the backups folder) the database, by the same atomic rename as an
    import; the current database is backed up first. (the current database's backup, the restored hash)."""
    db = Path(db_path) if db_path is not None else default_db_path()
    source = Path(backup)
    if not source.is_file():
        source = backup_folder(db) / Path(backup).name
    if not source.is_file():
        raise FileNotFoundError(f"There is no backup {backup} (list them with: python -m ipmd.ledger backups).")
    info = backup_info(source)
    if info.ledger_kind is None:
        raise ValueError(f"{source.name} cannot be opened as an IPMD database ({info.error}); it was not restored.")
    with _lock(backup_folder(db) / ".import.lock"):
        clean_stale_temporaries(db)
        tmp = _temporary(db)
        try:
            shutil.copyfile(source, tmp)
            return _swap_in(tmp, db), info.content_hash or ""
        finally:
            _remove(tmp)


def _swap_in(tmp: Path, db: Path) -> Path:
    """Put the finished copy `tmp` in place of `db` (same mode and owner), after backing `db` up; the backup."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    _copy_mode_and_owner(db, tmp)
    backup = _write_backup(db)
    os.replace(tmp, db)
    _fsync_folder(db.parent)
    prune_backups(db)
    return backup


# --------------------------------------------------------------------------------- files and backups

TMP_MARK = ".tmp-import-"          # the temporary copy: <db name>.tmp-import-XXXX (git-ignored)
PARTIAL_MARK = ".partial-"         # a backup being written: <backup name>.partial-XXXX
KEEP_BACKUPS_DEFAULT = 10


def backup_folder(db: Path) -> Path:
    folder = Path(db).parent / "backups"
    folder.mkdir(exist_ok=True)
    return folder


def keep_backups() -> int:
    """How many backups are kept (IPMD_KEEP_BACKUPS, default 10; at least 1)."""
    try:
        return max(1, int(os.environ.get("IPMD_KEEP_BACKUPS", KEEP_BACKUPS_DEFAULT)))
    except ValueError:
        return KEEP_BACKUPS_DEFAULT


def _temporary(db: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=db.parent, prefix=f"{db.name}{TMP_MARK}")
    os.close(fd)
    return Path(name)


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def clean_stale_temporaries(db: Path) -> list[Path]:
    """Remove what an interrupted import or restore left (a temporary copy and its .wal, a half-written
    backup). Called with the import lock held, so no import in progress owns them. Returns what went."""
    found = [*db.parent.glob(f"{glob_escape(db.name)}{TMP_MARK}*"),
             *backup_folder(db).glob(f"*{PARTIAL_MARK}*")]
    for path in found:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return found


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _copy_mode_and_owner(original: Path, new: Path) -> None:
    """The replacement keeps the file's permissions and owner, so an app running as another user can still
    read it (mkstemp makes 0600 files). Changing the owner needs the right to; without it, it stays ours."""
    st = original.stat()
    os.chmod(new, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown"):
        with contextlib.suppress(PermissionError):
            os.chown(new, st.st_uid, st.st_gid)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):          # not every system can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_backup(db: Path) -> Path:
    """Copy `db` into the backups folder under a temporary name, flush it, then rename: a backup under its
    final name is always whole (kill -9 during the copy leaves only a .partial-, removed at the next start)."""
    final = _backup_name(backup_folder(db), db)
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f"{final.name}{PARTIAL_MARK}")
    os.close(fd)
    partial = Path(name)
    try:
        shutil.copyfile(db, partial)
        shutil.copystat(db, partial)
        with open(partial, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(partial, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    _fsync_folder(final.parent)
    return final


def backup_paths(db: Path) -> list[Path]:
    """The kept backups of `db`, oldest first (their names hold the UTC time they were made)."""
    pattern = re.compile(re.escape(db.stem) + r"-(\d{8}T\d{6})(?:-(\d+))?\.duckdb")
    found = []
    for path in backup_folder(db).iterdir():
        m = pattern.fullmatch(path.name)
        if m and path.is_file():
            found.append(((m.group(1), int(m.group(2) or 1)), path))
    return [path for _, path in sorted(found)]


def prune_backups(db: Path, keep: int | None = None) -> list[Path]:
    """Remove all but the newest `keep` backups (default keep_backups()); returns those removed."""
    paths = backup_paths(db)
    gone = paths[:max(0, len(paths) - (keep or keep_backups()))]
    for path in gone:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return gone


@dataclass
class BackupInfo:
    path: Path
    made_at: str               # UTC, from the name
    size: int
    ledger_kind: str | None    # 'real' | 'illustrative'; None when the file cannot be opened
    content_hash: str | None
    error: str | None = None


def backup_info(path: Path) -> BackupInfo:
    m = re.search(r"(\d{8}T\d{6})", path.name)
    made = dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").strftime("%Y-%m-%d %H:%M:%S UTC") if m else ""
    kind = digest = error = None
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            missing = [t for t in REQUIRED_TABLES if not con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [t]).fetchone()[0]]
            if missing:
                raise ValueError(f"no table {', '.join(missing)}")
            kind, digest = meta.get("ledger_kind", "illustrative"), meta.get("content_hash")
        finally:
            con.close()
    except Exception as e:          # a damaged or foreign file: listed, never restored
        error = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return BackupInfo(path, made, path.stat().st_size, kind, digest, error)


def list_backups(db_path: Path | str | None = None) -> list[BackupInfo]:
    db = Path(db_path) if db_path is not None else default_db_path()
    return [backup_info(p) for p in backup_paths(db)]


def _fill(path: Path, tables: dict[str, pd.DataFrame], raw: RawLedger) -> str:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    con = duckdb.connect(str(path))
    try:
        con.execute("SET enable_progress_bar = false")      # the command line's stdout is the problem list
        upgrade_schema(con)
        for table in DELETE_ORDER:                       # children first; see the module's note
            con.execute(f"DELETE FROM {table}")           # fixed names from the template
        con.execute("BEGIN TRANSACTION")
        for table in reversed(DELETE_ORDER):             # parents first
            columns = _insert_columns(con, table)
            frame = tables[table].reset_index(drop=True).assign(is_illustrative=False)
            con.register("incoming", frame[columns])
            con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM incoming")
            con.unregister("incoming")
        _replace_sources_row(con, raw, tables, now)
        con.execute("COMMIT")
        for table in LEDGER_TABLES:
            n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if n != len(tables[table]):
                raise RuntimeError(f"{table}: {n} rows written, {len(tables[table])} expected")
        digest = content_hash(con)
        meta = {"ledger_kind": "real", "content_hash": digest, "ledger_imported_at": now.isoformat(),
                "ledger_file": raw.filename}
        con.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(meta.items()))
        con.execute("CHECKPOINT")
        return digest
    finally:
        con.close()


SCHEMA_SQL = Path(__file__).resolve().parents[1] / "build" / "schema.sql"


def upgrade_schema(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Give a database made before the results framework (issue 20) its tables and projects.gender_marker, as
    schema.sql declares them, so a server holding an imported ledger takes the new template without a rebuild
    (a rebuild would put the demonstration portfolio back). Returns what was added."""
    text = SCHEMA_SQL.read_text(encoding="utf-8")
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                         "WHERE table_schema = 'main'").fetchall()}
    added = []
    columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_schema = 'main' AND table_name = 'projects'").fetchall()}
    if "gender_marker" not in columns:
        con.execute("ALTER TABLE projects ADD COLUMN gender_marker INTEGER")
        added.append("projects.gender_marker")
    for table in RESULT_TABLES:
        if table in present:
            continue
        m = re.search(rf"^CREATE TABLE {table} \(.*?^\);", text, flags=re.M | re.S)
        if m is None:
            raise RuntimeError(f"ipmd/build/schema.sql declares no table {table}")
        con.execute(re.sub(r"--[^\n]*", "", m.group(0)))    # the declaration, without its comments
        added.append(table)
    return added


def _insert_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The table's columns in the database: the template's, plus is_illustrative where the table has it."""
    db_columns = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? "
        "ORDER BY ordinal_position", [table]).fetchall()]
    template = SHEET_BY_NAME[table].column_names
    missing = [c for c in template if c not in db_columns]
    if missing:
        raise RuntimeError(f"the database's {table} table has no column(s) {', '.join(missing)}: "
                           "the template and ipmd/build/schema.sql disagree")
    return [c for c in db_columns if c in template or c == "is_illustrative"]


def _replace_sources_row(con: duckdb.DuckDBPyConnection, raw: RawLedger, tables: dict[str, pd.DataFrame],
                         now: dt.datetime) -> None:
    """The imported ledger's provenance row; illustrative source rows no data points to any more go."""
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'table_sources'").fetchone()[0]:
        con.execute("UPDATE table_sources SET source_id = ?, how = ? WHERE source_id = 'illustrative_portfolio'",
                    [LEDGER_SOURCE_ID, "the trust fund's ledger, as imported by the Secretariat"])
    referenced = " AND ".join(f"source_id NOT IN (SELECT {col} FROM {table} WHERE {col} IS NOT NULL)"
                              for table, col in SOURCE_REFERENCES)
    con.execute(f"DELETE FROM sources WHERE is_illustrative AND {referenced}")
    con.execute("DELETE FROM sources WHERE source_id = ?", [LEDGER_SOURCE_ID])
    counts = ", ".join(f"{len(tables[t])} {t}" for t in LEDGER_TABLES)
    con.execute(
        "INSERT INTO sources (source_id, title, publisher, edition, licence, url, file_name, sha256, "
        "is_illustrative, notes) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, FALSE, ?)",
        [LEDGER_SOURCE_ID, "The trust fund's ledger, as imported by the Secretariat", "IPMD Secretariat",
         f"imported {now:%Y-%m-%d %H:%M} UTC", "as provided by the Secretariat", raw.filename,
         raw.content_sha256, f"{counts}; format {raw.kind}; replaces the demonstration portfolio."])


def _backup_name(folder: Path, db: Path) -> Path:
    """<stem>-<UTC time>.duckdb, or -2, -3 ... after the highest number already used that second (never a
    lower one freed by pruning: the names sort in the order the backups were made)."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    used = [int(m.group(1) or 1) for p in folder.glob(f"{glob_escape(db.stem)}-{stamp}*.duckdb")
            if (m := re.fullmatch(re.escape(f"{db.stem}-{stamp}") + r"(?:-(\d+))?\.duckdb", p.name))]
    if not used:
        return folder / f"{db.stem}-{stamp}.duckdb"
    return folder / f"{db.stem}-{stamp}-{max(used) + 1}.duckdb"


@contextlib.contextmanager
def _lock(path: Path):
    with open(path, "a+") as f:
        try:
            import fcntl
        except ImportError:          # not POSIX: imports are rare and made by one Secretariat officer
            yield
            return
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
