"""The ledger administration screen's sections: the ledger in use, the downloads, the upload, the dry run's
findings and the confirmed import (as the button's callback).

Every check of an uploaded file (its type, its size, its content) is ipmd.ledger's: read.read_ledger refuses a
type it does not read and a file or a set of CSV files above the limit, with a problem row like any other.
The page only packs the upload into the form import_ledger takes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import PurePath

import pandas as pd
import streamlit as st

from components.access import may_import_now
from components.data import load, meta
from components.downloads import csv_bytes
from components.state import lang, tr
from components.tables import dataframe
from components.text import caption, plain
from ipmd import db, queries
from ipmd.i18n import fmt_number
from ipmd.ledger.export import export_ledger, template_bytes
from ipmd.ledger.limits import MAX_ROWS, MAX_SECONDS, MAX_UNCOMPRESSED_BYTES
from ipmd.ledger.store import commit_import, import_ledger
from ipmd.ledger.template import LEDGER_TABLES, MAX_UPLOAD_BYTES, UPLOAD_EXTENSIONS
from ipmd.results import results_ledger

LIMIT_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "message")
TABLE_ROWS = 50                        # up to this many problems: a plain table that wraps long messages
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def counts_frame(counts: dict) -> pd.DataFrame:
    return pd.DataFrame({tr("admin.col.table"): list(counts),
                         tr("admin.col.rows"): [fmt_number(n, lang()) for n in counts.values()]})


def problems_frame(problems) -> pd.DataFrame:
    frame = pd.DataFrame([{c: getattr(p, c) for c in PROBLEM_COLUMNS} for p in problems],
                         columns=list(PROBLEM_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame


def show_problems(problems, key: str) -> None:
    """The problems as a table (wrapped text, so every message can be read; a scrolling grid when there
    are many) and as a CSV to work through."""
    frame = problems_frame(problems)
    shown = frame.astype(object).where(frame.notna(), "").rename(
        columns={c: tr(f"admin.col.{c}") for c in PROBLEM_COLUMNS})
    if len(frame) <= TABLE_ROWS:
        st.table(shown, hide_index=True)
    else:
        dataframe(shown, key=key, width="stretch", height=600)
    st.download_button(tr("admin.check.problems_csv"), data=csv_bytes(frame), file_name="ledger-problems.csv",
                       mime="text/csv", key=f"{key}_csv", icon=":material/download:", on_click="ignore")


def current_ledger() -> None:
    """The ledger in use: real or illustrative, its tables' sizes and the database's hash (signed-in only:
    its file name and size, undecided proposals included, are not public)."""
    st.subheader(tr("admin.current.header"))
    info = meta()
    if info.get("ledger_kind") == "real":
        imported = info.get("ledger_imported_at", "?")[:16].replace("T", " ") + " UTC"
        caption(tr("admin.current.real", imported=imported, file=info.get("ledger_file", "?")))
    else:
        st.caption(tr("admin.current.illustrative"))
    ledger = {**load(results_ledger), **load(queries.ledger)}      # the money's tables and the results'
    dataframe(counts_frame({name: len(ledger[name]) for name in LEDGER_TABLES}), key="admin_current_counts",
              width="content")
    st.caption(tr("admin.current.hash", hash=info.get("content_hash", "?")[:12]))


def downloads(signed_in: bool) -> None:
    """The template for everyone; the whole ledger (undecided proposals included) for a signed-in member."""
    st.subheader(tr("admin.download.header"))
    if signed_in:
        st.caption(tr("admin.download.intro"))
    today = dt.date.today().isoformat()
    left, middle, right = st.columns(3)
    left.download_button(tr("admin.download.template"), data=lambda: template_bytes(db.db_path()),
                         file_name="ipmd-ledger-template.xlsx", mime=XLSX_MIME, key="admin_template",
                         help=tr("admin.download.template_help"), icon=":material/download:", on_click="ignore")
    if signed_in:
        middle.download_button(tr("admin.download.xlsx"), data=lambda: export_ledger(db.db_path(), "xlsx"),
                               file_name=f"ipmd-ledger-{today}.xlsx", mime=XLSX_MIME, key="admin_export_xlsx",
                               icon=":material/download:", on_click="ignore")
        right.download_button(tr("admin.download.csv"), data=lambda: export_ledger(db.db_path(), "csv"),
                              file_name=f"ipmd-ledger-{today}-csv.zip", mime="application/zip",
                              key="admin_export_csv", icon=":material/download:", on_click="ignore")
        right.download_button(tr("results.download.iati"), data=lambda: export_ledger(db.db_path(), "iati"),
                              file_name=f"ipmd-ledger-{today}-iati.xml", mime="application/xml",
                              key="admin_export_iati", help=tr("results.download.iati_help"),
                              icon=":material/download:", on_click="ignore")


def uploader(generation: int):
    """The upload box (a new, empty one after each import: `generation`) and the limits under it."""
    st.subheader(tr("admin.upload.header"))
    files = st.file_uploader(tr("admin.upload.label"), type=[e.lstrip(".") for e in UPLOAD_EXTENSIONS],
                             accept_multiple_files=True, max_upload_size=LIMIT_MB,
                             key=f"admin_upload_{generation}", help=tr("admin.upload.help", limit=LIMIT_MB))
    st.caption(tr("ledger.limits", size=f"{LIMIT_MB} MB", unzipped=f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB",
                  rows=fmt_number(MAX_ROWS, lang()), seconds=MAX_SECONDS))
    return files


def upload_source(files) -> tuple[object, str | None, str] | None:
    """(source for import_ledger, file name, digest) of the upload, or None after saying what is wrong.

    The CSV files of one ledger go together as {name: bytes}; any other upload is one file (.xlsx, .xml or .zip)
    as bytes with its name. Its type and size are checked by ipmd.ledger (see the module's docstring)."""
    names = [f.name for f in files]
    contents = {f.name: f.getvalue() for f in files}
    digest = hashlib.sha256()
    for name in sorted(contents):
        digest.update(name.encode() + b"\0" + hashlib.sha256(contents[name]).digest())
    if all(PurePath(n).suffix.lower() == ".csv" for n in names):
        return contents, None, digest.hexdigest()
    if len(files) > 1:
        st.error(tr("admin.upload.mixed", files=", ".join(names)))
        return None
    return contents[names[0]], names[0], digest.hexdigest()


def dry_run(source, filename: str | None, digest: str):
    """The dry run of this upload (kept for the session, so a rerun does not check the same file again)."""
    checked = st.session_state.get("admin_dry_run")
    if checked is None or checked[0] != digest:
        st.session_state.pop("admin_last_import", None)          # a new file: the last import's news is old
        bar = st.progress(0.0, text=tr("admin.check.running"))
        checked = (digest, import_ledger(source, filename, dry_run=True, progress=lambda done, stage: bar.progress(
            done, text=tr("ledger.progress", pct=round(done * 100)))))       # stops if the visitor has left
        bar.empty()
        st.session_state["admin_dry_run"] = checked
    return checked[1]


def findings(result) -> bool:
    """The dry run's warnings and problems; True when the file can be imported."""
    if result.warnings:
        with st.expander(tr("admin.check.warnings"), expanded=not result.problems):
            for warning in result.warnings:
                caption(f"• {warning}")
    if not result.ok:
        st.error(tr("admin.check.problems", n=len(result.problems)), icon=":material/error:")
        show_problems(result.problems, key="admin_problems")
        return False
    st.success(tr("admin.check.valid"), icon=":material/task_alt:")
    dataframe(counts_frame(result.counts), key="admin_incoming_counts", width="content")
    return True


def last_import_news(generation: int) -> dict | None:
    """The last import of this session (None if none); its success is said until a new file is chosen."""
    last = st.session_state.get("admin_last_import")
    if last is not None and last["ok"] and not st.session_state.get(f"admin_upload_{generation}"):
        st.success(tr("admin.import.done", file=plain(last["file"]), backup=plain(last["backup"])),
                   icon=":material/check_circle:")
    return last


def run_import(source, filename: str | None, digest: str, generation: int) -> None:
    """The confirmed import, as the button's callback: it runs once per click, before the page is drawn
    again, so the page that follows already reads the new database (components/data.py notices the
    new file; no cache needs clearing). It writes the tables the dry run checked, unless another import has
    replaced the database since: then the file is checked again against the database in place now."""
    if not may_import_now():                                    # checked when the click arrives, too
        st.session_state["admin_import_refused"] = True
        return
    checked = st.session_state.get("admin_dry_run")
    with st.spinner(tr("admin.import.running")):               # a callback's output shows at the page's top
        if checked is not None and checked[0] == digest:     # validated once: written as checked, unless the
            done = commit_import(checked[1], source, filename)   # database changed since (then checked again)
        else:
            done = import_ledger(source, filename, dry_run=False)
    st.session_state["admin_last_import"] = {
        "ok": done.ok, "digest": digest, "file": filename or ", ".join(sorted(source)),
        "backup": done.backup_path.name if done.backup_path else "", "problems": done.problems}
    if done.ok:
        st.session_state.pop("admin_dry_run", None)
        st.session_state["admin_upload_generation"] = generation + 1     # a fresh, empty upload box


def confirm(source, filename: str | None, digest: str, generation: int, last: dict | None) -> None:
    st.button(tr("admin.confirm.button"), type="primary", icon=":material/upload:", key="admin_confirm",
              on_click=run_import, args=(source, filename, digest, generation))
    if last is not None and not last["ok"] and last["digest"] == digest:      # refused at the last moment
        st.error(tr("admin.import.failed", n=len(last["problems"])), icon=":material/error:")
        show_problems(last["problems"], key="admin_import_problems")
