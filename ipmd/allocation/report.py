"""Allocation review for the Oversight Committee: the pipeline, the envelope, a what-if round, the
decision sheet and what changed since the last meeting. No Streamlit: functions take a connection
(or frames) and primitives, so the page can cache them and a notebook can call them.

    pipeline(con, lang)                 proposals submitted or under review, one row each, with labels
    proposal(con, project_id, lang)     one proposal's full record (countries, goals, GFMD item ...)
    envelope(con)                       money available to commit now, and pledges not yet deposited
    effects(con, selection, year, mode) ipmd.allocation.whatif.what_if on the database (selection: primitives)
    decision_sheet(...)                 the selection and its effects as frames; sheet_xlsx / sheet_csv
    changes_since(con, since, lang)     transactions and proposal events dated after a day

The figures are those of the fund page: the envelope is ipmd.fund.flows.funding_ladder over every
transaction (fund balance = deposited - approved; unpaid pledges per donor, never below 0) and the
World Bank share is ipmd.fund.flows.world_bank_share_status. Pledges are never counted as money available.

Undecided proposals (submitted / under review) are confidential committee business: only the
allocation review shows them (CONVENTIONS.md), and every export says so.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable

import numpy as np
import pandas as pd

from ipmd import queries
from ipmd.allocation.whatif import WhatIf, what_if
from ipmd.fund import flows
from ipmd.cells import XLSX_TEXT_OPTIONS, safe_frame
from ipmd.coverage import need
from ipmd.coverage import report as coverage_report
from ipmd.coverage.matrix import project_amounts
from ipmd.fund.rules import AREAS, PIPELINE_STATUSES, WORLD_BANK_CEILING
from ipmd.i18n import country_name, goal_label, label, t

TXN_TYPES = ("pledge", "deposit", "commitment", "disbursement", "expenditure")
DECISIONS = {"approved": "approved", "active": "approved", "closed": "approved", "rejected": "rejected"}
SHEET_NAMES = ("Selection", "Effects summary", "Coverage before-after", "Concentration", "Metadata")
PIPELINE_COLUMNS = ["project_id", "title", "partner_id", "partner_name", "status", "countries", "country_names",
                    "n_countries", "goals", "goal_ids", "primary_goal", "area_id", "area_name", "gfmd_item_id",
                    "gfmd_title", "requested_usd", "duration_months", "submitted_date", "start_date", "end_date",
                    "objectives", "expected_results", "is_illustrative"]
SELECTION_COLUMNS = ["project_id", "title", "partner_id", "status", "countries", "goals", "area_id",
                     "gfmd_item_id", "requested_usd", "amount_usd", "is_partial", "high_need_reached",
                     "duration_months", "start_date", "end_date"]


# ------------------------------------------------------------------------------------------ pipeline

def _months(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole months from start to end (2016-03-01 -> 2017-09-01 = 18); <NA> when a date is missing."""
    s, e = pd.to_datetime(start), pd.to_datetime(end)
    months = (e.dt.year - s.dt.year) * 12 + (e.dt.month - s.dt.month) - (e.dt.day < s.dt.day).astype(int)
    return months.astype("Int64")


def _goal_text(project_goals: pd.DataFrame) -> pd.DataFrame:
    """project_id, goals ('G2 70%, G3 30%', primary first), goal_ids ('G2,G3'), primary_goal."""
    g = project_goals.copy()
    g["weight"] = pd.to_numeric(g["weight"]).astype(float)
    g = g.sort_values(["project_id", "is_primary", "weight", "goal_id"], ascending=[True, False, False, True])
    g["text"] = g["goal_id"] + " " + (g["weight"] * 100).round().astype(int).astype(str) + "%"
    return g.groupby("project_id", sort=False).agg(
        goals=("text", ", ".join), goal_ids=("goal_id", lambda s: ",".join(sorted(s))),
        primary_goal=("goal_id", "first")).reset_index()


def _country_text(project_countries: pd.DataFrame, countries: pd.DataFrame, lang: str) -> pd.DataFrame:
    """project_id, countries ('NPL, PHL', largest share first), country_names, n_countries."""
    names = {row["iso3"]: country_name(row, lang) for row in countries.to_dict("records")}
    pc = project_countries.sort_values(["project_id", "share", "iso3"], ascending=[True, False, True])
    pc = pc.assign(name=pc["iso3"].map(lambda code: names.get(code, code)))
    return pc.groupby("project_id", sort=False).agg(
        countries=("iso3", ", ".join), country_names=("name", ", ".join),
        n_countries=("iso3", "nunique")).reset_index()


def _with_labels(projects: pd.DataFrame, book: dict[str, pd.DataFrame], countries: pd.DataFrame,
                 lang: str) -> pd.DataFrame:
    out = projects.merge(_goal_text(book["project_goals"]), on="project_id", how="left")
    out = out.merge(_country_text(book["project_countries"], countries, lang), on="project_id", how="left")
    out["partner_name"] = out["partner_id"].map(book["partners"].set_index("partner_id")["name"])
    out["area_name"] = [label("area", a, lang) for a in out["area_id"]]
    out["gfmd_title"] = out["gfmd_item_id"].map(book["gfmd_items"].set_index("gfmd_item_id")["title"])
    out["duration_months"] = _months(out["start_date"], out["end_date"])
    out["n_countries"] = out["n_countries"].fillna(0).astype(int)
    for col in ("countries", "country_names", "goals", "goal_ids"):
        out[col] = out[col].fillna("")
    return out


def pipeline_from(book: dict[str, pd.DataFrame], countries: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The proposals submitted or under review (columns PIPELINE_COLUMNS), oldest submission first.

    `book` is ipmd.queries.ledger output; `countries` the countries table (names in `lang`).
    """
    projects = book["projects"]
    pending = projects.loc[projects["status"].isin(PIPELINE_STATUSES)]
    out = _with_labels(pending, book, countries, lang)
    return out.sort_values(["submitted_date", "project_id"], ignore_index=True)[PIPELINE_COLUMNS]


def pipeline(con, lang: str = "en") -> pd.DataFrame:
    """The pipeline from the database: see pipeline_from."""
    return pipeline_from(queries.ledger(con), queries.countries(con), lang)


def filter_pipeline(frame: pd.DataFrame, partners=(), goals=(), areas=(), statuses=()) -> pd.DataFrame:
    """Rows of a pipeline frame matching every filter given (empty = all). A goal matches when the
    proposal serves it at all (primary or not)."""
    keep = pd.Series(True, index=frame.index)
    if partners:
        keep &= frame["partner_id"].isin(list(partners))
    if areas:
        keep &= frame["area_id"].isin(list(areas))
    if statuses:
        keep &= frame["status"].isin(list(statuses))
    if goals:
        wanted = set(goals)
        keep &= frame["goal_ids"].map(lambda ids: bool(wanted & set(ids.split(",")))).astype(bool)
    return frame.loc[keep].reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class Proposal:
    """One proposal's full record."""
    record: dict                 # the pipeline row (PIPELINE_COLUMNS)
    countries: pd.DataFrame      # iso3, name, share (largest first)
    goals: pd.DataFrame          # goal_id, label ('G2 · Policy coherence', in the language asked for), weight,
                                 # is_primary (primary first)
    area_wording: str
    gfmd: dict | None            # gfmd_item_id, meeting, year, item_type, title, summary, source_url


def proposal(con, project_id: str, lang: str = "en") -> Proposal | None:
    """The full record of a proposal in the pipeline (None when it is not a pipeline proposal)."""
    book = queries.ledger(con)
    countries = queries.countries(con)
    rows = pipeline_from(book, countries, lang)
    rows = rows.loc[rows["project_id"] == project_id]
    if rows.empty:
        return None
    record = rows.iloc[0].to_dict()
    names = {row["iso3"]: country_name(row, lang) for row in countries.to_dict("records")}
    pc = book["project_countries"]
    pc = pc.loc[pc["project_id"] == project_id, ["iso3", "share"]]
    pc = pc.assign(name=pc["iso3"].map(lambda code: names.get(code, code)))
    pc = pc.sort_values(["share", "iso3"], ascending=[False, True], ignore_index=True)[["iso3", "name", "share"]]
    pg = book["project_goals"]
    pg = pg.loc[pg["project_id"] == project_id, ["goal_id", "weight", "is_primary"]]
    pg = pg.assign(label=[goal_label(g, lang) for g in pg["goal_id"]])
    pg = pg.sort_values(["is_primary", "weight", "goal_id"], ascending=[False, False, True], ignore_index=True)
    area_wording = t(f"area.{record['area_id']}.wording", lang) if record["area_id"] in AREAS else ""
    gfmd = None
    if isinstance(record["gfmd_item_id"], str):
        items = book["gfmd_items"]
        item = items.loc[items["gfmd_item_id"] == record["gfmd_item_id"]]
        if not item.empty:
            gfmd = item.iloc[0].to_dict()
    return Proposal(record=record, countries=pc,
                    goals=pg[["goal_id", "label", "weight", "is_primary"]],
                    area_wording=area_wording, gfmd=gfmd)


# ------------------------------------------------------------------------------------------ envelope

@dataclass(frozen=True)
class Envelope:
    """What the committee can commit now. Same figures as the fund page's ladder (all transactions)."""
    pledged: float
    deposited: float
    approved: float
    available: float            # deposited - approved: can be committed now
    unpaid_pledges: float       # pledged but not yet deposited (per donor, never below 0): NOT available
    disbursed: float
    n_pipeline: int
    pipeline_requested: float   # what the pipeline asks for in total
    wb_share: float             # World Bank internal deposits / all deposits
    wb_status: str              # 'within', 'at risk' or 'breached'
    ceiling: float
    as_of: date | None          # date of the latest transaction
    is_illustrative: bool


def envelope_from(book: dict[str, pd.DataFrame]) -> Envelope:
    txns = book["transactions"]
    ladder = flows.funding_ladder(txns)
    wb = flows.world_bank_share_status(book, ceiling=WORLD_BANK_CEILING)
    pending = book["projects"].loc[book["projects"]["status"].isin(PIPELINE_STATUSES)]
    last = pd.to_datetime(txns["txn_date"]).max() if len(txns) else None
    illustrative = bool(txns["is_illustrative"].any() or book["projects"]["is_illustrative"].any())
    return Envelope(pledged=ladder.pledged, deposited=ladder.deposited, approved=ladder.approved,
                    available=ladder.fund_balance, unpaid_pledges=ladder.unpaid_pledges,
                    disbursed=ladder.disbursed, n_pipeline=int(len(pending)),
                    pipeline_requested=float(pending["requested_usd"].astype(float).sum()),
                    wb_share=wb.share, wb_status=wb.status, ceiling=wb.ceiling,
                    as_of=None if last is None or pd.isna(last) else last.date(), is_illustrative=illustrative)


def envelope(con) -> Envelope:
    return envelope_from(queries.ledger(con))


# ----------------------------------------------------------------------------------- what-if round

Selection = tuple[tuple[str, float | None], ...]   # ((project_id, amount or None = full request), ...)


def editor_frame(pipeline_frame: pd.DataFrame) -> pd.DataFrame:
    """The what-if table the committee ticks: include (False), the proposal's labels, requested and an
    editable amount (the full request to start with)."""
    out = pipeline_frame[["project_id", "title", "partner_id", "primary_goal", "area_id", "countries",
                          "requested_usd"]].copy()
    out.insert(0, "include", False)
    out["amount_usd"] = out["requested_usd"].astype(float)
    return out.reset_index(drop=True)


def selection_from(edited: pd.DataFrame) -> Selection:
    """The ticked rows of an editor_frame as primitives: ((project_id, amount), ...). A blank amount
    means the full request (None); a negative one is treated as 0."""
    rows = edited.loc[edited["include"].fillna(False).astype(bool)]
    out = []
    for pid, amount in zip(rows["project_id"], rows["amount_usd"]):
        out.append((str(pid), None if amount is None or pd.isna(amount) else max(float(amount), 0.0)))
    return tuple(out)


def selection_text(selection: Selection, requested: dict[str, float]) -> str | None:
    """A what-if selection as link text (?fund=): ids separated by commas, `id:amount` where the amount differs
    from the request (a partial approval), the id alone for the full request; None for no selection.
    requested: project_id -> requested US$."""
    parts = []
    for pid, amount in selection:
        full = amount is None or (pid in requested and abs(float(amount) - float(requested[pid])) < 0.005)
        parts.append(pid if full else f"{pid}:{round(float(amount), 2):g}")
    return ",".join(parts) or None


def selection_parse(text: str, known: Iterable[str]) -> tuple[Selection, list[str]]:
    """The inverse of selection_text: (the selection, the parts that name no proposal or hold no valid amount).
    An id alone means the full request (amount None); an amount must be a finite number >= 0. An id given twice
    counts once (the first)."""
    known, chosen, rejected = set(known), {}, []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        pid, sep, amount_text = part.partition(":")
        try:
            amount = float(amount_text) if sep else None
            if amount is not None and not (math.isfinite(amount) and amount >= 0):
                raise ValueError(amount_text)
        except ValueError:
            rejected.append(part)
            continue
        if pid not in known:
            rejected.append(part)
        elif pid not in chosen:
            chosen[pid] = amount
    return tuple(chosen.items()), rejected


def selection_frame(selection: Selection) -> pd.DataFrame:
    return pd.DataFrame({"project_id": [pid for pid, _ in selection],
                         "amount": pd.Series([amount for _, amount in selection], dtype=float)})


def effects_from(book: dict[str, pd.DataFrame], selection: Selection, high_need, mode: str = "primary") -> WhatIf:
    return what_if(selection_frame(selection), book["projects"], book["project_goals"], book["project_countries"],
                   book["transactions"], book["donors"], need_gaps=high_need, ceiling=WORLD_BANK_CEILING, mode=mode)


def high_need_uncovered(con, year: int) -> tuple[str, ...]:
    """The high-need countries with no approved money: the gap finder of the coverage page
    (ipmd.coverage.report.gap_finder) at its defaults (default weights, no gender lens, every
    country, every approval to date), need judged on the indicators up to `year`. Highest need first."""
    return tuple(need.high_need_uncovered(coverage_report.gap_finder(con, int(year)).table))


def effects(con, selection: Selection, year: int, mode: str = "primary") -> WhatIf:
    """What approving `selection` now does (see ipmd.allocation.whatif), high need judged on `year`'s indicators."""
    return effects_from(queries.ledger(con), tuple(selection), high_need_uncovered(con, year), mode)


def reach_by_project(book: dict[str, pd.DataFrame], result: WhatIf) -> pd.Series:
    """Per selected project (index project_id): the high-need uncovered countries it works in ('HTI, NPL')."""
    pc = book["project_countries"]
    pc = pc.loc[pc["project_id"].isin(result.selection["project_id"]) & pc["iso3"].isin(result.high_need)
                & (pd.to_numeric(pc["share"]) > 0)]
    reached = pc.sort_values("iso3").groupby("project_id")["iso3"].agg(", ".join)
    return reached.reindex(result.selection["project_id"]).fillna("")


# --------------------------------------------------------------------------------- decision sheet

@dataclass(frozen=True, eq=False)
class DecisionSheet:
    selection: pd.DataFrame      # SELECTION_COLUMNS, one row per selected proposal
    summary: pd.DataFrame        # figure, value: the effects
    coverage: pd.DataFrame       # dimension, id, name, n_projects_before/after, approved_before/after/change, share_before/after
    concentration: pd.DataFrame  # dimension, id, approved_before/after, share_before/after
    metadata: pd.DataFrame       # item, value: date, data edition, the figures the sheet rests on
    lang: str = "en"             # the language of the document the committee signs (sheet_xlsx, sheet_csv)

    @property
    def sheets(self) -> dict[str, pd.DataFrame]:
        return dict(zip(SHEET_NAMES, (self.selection, self.summary, self.coverage, self.concentration,
                                      self.metadata)))


def decision_sheet_from(book: dict[str, pd.DataFrame], countries: pd.DataFrame, result: WhatIf,
                        env: Envelope, meta: dict[str, str], made_at: str, year: int,
                        lang: str = "en") -> DecisionSheet:
    """The selection and its effects as five tables (see DecisionSheet), ready for XLSX or CSV."""
    labels = _with_labels(book["projects"], book, countries, lang)[
        ["project_id", "countries", "goals", "gfmd_item_id", "duration_months", "start_date", "end_date"]]
    sel = result.selection.merge(labels, on="project_id", how="left")
    sel["amount_usd"] = sel["amount"].astype(float)
    sel["high_need_reached"] = sel["project_id"].map(reach_by_project(book, result)).fillna("")
    selection = sel.reindex(columns=SELECTION_COLUMNS).reset_index(drop=True)

    summary = result.summary()
    summary = pd.DataFrame({"figure": [t(key, lang) for key in summary["key"]],
                            "value": [_summary_value(key, value, lang) for key, value in summary.itertuples(index=False)]})
    summary = pd.concat([summary, pd.DataFrame({
        "figure": [t(f"screens17.sheet.summary.{k}", lang) for k in ("unpaid", "pipeline_requested", "n_pipeline")],
        "value": [env.unpaid_pledges, env.pipeline_requested, env.n_pipeline]})], ignore_index=True)

    goal_names = book["goals"].set_index("goal_id")["short_name"]
    area_names = book["areas_of_work"].set_index("area_id")["short_name"]
    by_goal = result.coverage_by_goal.rename(columns={"goal_id": "id"}).assign(dimension="goal")
    by_area = result.coverage_by_area.rename(columns={"area_id": "id"}).assign(dimension="area of work")
    by_goal["name"] = by_goal["id"].map(goal_names)
    by_area["name"] = by_area["id"].map(area_names)
    cov_cols = ["dimension", "id", "name", "n_projects_before", "n_projects_after", "approved_before",
                "approved_after", "approved_change", "share_before", "share_after"]
    coverage = pd.concat([by_goal, by_area], ignore_index=True)[cov_cols]

    conc_cols = ["dimension", "id", "approved_before", "approved_after", "share_before", "share_after"]
    concentration = pd.concat([
        result.partner_shares.rename(columns={"partner_id": "id"}).assign(dimension="partner"),
        result.country_shares.rename(columns={"iso3": "id"}).assign(dimension="country"),
    ], ignore_index=True)[conc_cols]

    metadata = pd.DataFrame(metadata_rows(result, env, meta, made_at, year, lang), columns=["item", "value"])
    return DecisionSheet(selection=selection, summary=summary, coverage=coverage,
                         concentration=concentration, metadata=metadata, lang=lang)


def _summary_value(key: str, value, lang: str):
    """A figure of the effects summary as the signed document shows it: yes/no and the counting mode in the
    sheet's language, shares (0-1) to four decimals (0.261 rather than 0.260990589527178)."""
    if isinstance(value, (bool, np.bool_)):
        return t("ledger.sheet.yes" if value else "ledger.sheet.no", lang)
    name = key.rsplit(".", 1)[-1]
    if name == "mode":
        return t(f"allocation.mode.{value}", lang)
    if isinstance(value, float) and ("share" in name or "hhi" in name or name.endswith("ceiling") or
                                     name.startswith("wb_partner")):
        return round(value, 4)
    return value


METADATA_ITEMS = ("document", "confidentiality", "prepared_at", "status", "n_selected", "selected_total", "as_of",
                  "deposited", "approved", "available", "pledged", "unpaid", "wb_share", "wb_ceiling", "wb_status",
                  "counting", "high_need", "high_need_year", "concentration", "ledger", "data_edition", "built_at",
                  "content_hash")


def metadata_rows(result: WhatIf, env: Envelope, meta: dict[str, str], made_at: str, year: int,
                  lang: str = "en") -> list[tuple[str, object]]:
    """The decision sheet's metadata as (label, value) in `lang` (labels `screens17.sheet.meta.<item>`, one per
    METADATA_ITEMS; the labels of US$ amounts say "US$", which is how the document rounds them to the dollar):
    what the document is, when it was made, and the figures and data it rests on."""
    values = {
        "document": t("screens17.sheet.document", lang),
        "confidentiality": t("screens17.sheet.confidential", lang),
        "prepared_at": made_at,
        "status": t("screens17.sheet.proposed", lang),
        "n_selected": int(len(result.selection)),
        "selected_total": result.selected_total,
        "as_of": str(env.as_of) if env.as_of else "",
        "deposited": env.deposited,
        "approved": env.approved,
        "available": env.available,
        "pledged": env.pledged,
        "unpaid": env.unpaid_pledges,
        "wb_share": round(100 * env.wb_share, 1),
        "wb_ceiling": round(100 * env.ceiling, 1),
        "wb_status": t(f"allocation.wb.{env.wb_status}", lang),
        "counting": t(f"screens17.sheet.counting.{result.mode}", lang),
        "high_need": ", ".join(result.high_need),
        "high_need_year": int(year),
        "concentration": t("screens17.sheet.concentration", lang),
        "ledger": t("screens17.sheet.ledger." + ("illustrative" if env.is_illustrative else "real"), lang),
        "data_edition": meta.get("data_edition", ""),
        "built_at": meta.get("built_at", ""),
        "content_hash": meta.get("content_hash", ""),
    }
    return [(t(f"screens17.sheet.meta.{item}", lang), values[item]) for item in METADATA_ITEMS]


def decision_sheet(con, selection: Selection, year: int, mode: str = "primary", made_at: str | None = None,
                   lang: str = "en") -> DecisionSheet:
    """The decision sheet of `selection` from the database (made_at: ISO time; default now, UTC)."""
    book = queries.ledger(con)
    result = effects_from(book, tuple(selection), high_need_uncovered(con, year), mode)
    return decision_sheet_from(book, queries.countries(con), result, envelope_from(book), queries.meta(con),
                               made_at or now_text(), year, lang)


def now_text() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


SHEET_KEYS = ("selection", "summary", "coverage", "concentration", "metadata")
DOCUMENT_COLUMNS = [*SELECTION_COLUMNS, "decision", "conditions"]
DIMENSION_KEYS = {"goal": "goal", "area of work": "area", "partner": "partner", "country": "country"}


def document(sheet: DecisionSheet) -> dict[str, pd.DataFrame]:
    """The sheet as the document the committee signs, in its language: labelled columns, readable statuses,
    money rounded to the dollar, shares as percentages rounded to 0.1, and per proposal an empty decision and
    conditions column for the minutes. {sheet name: frame}."""
    lang = sheet.lang

    def head(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.rename(columns={c: t(f"ledger.sheet.col.{c}", lang) for c in frame.columns})

    sel = sheet.selection.reindex(columns=SELECTION_COLUMNS).copy()
    sel["status"] = [t(f"allocation.status.{v}", lang) if isinstance(v, str) else "" for v in sel["status"]]
    sel["is_partial"] = [t("ledger.sheet.yes" if v is True else "ledger.sheet.no", lang) for v in sel["is_partial"]]
    sel = sel.assign(decision="", conditions="")
    tables = [sel[DOCUMENT_COLUMNS], _dollars(sheet.summary), sheet.coverage.copy(), sheet.concentration.copy(),
              _dollars(sheet.metadata)]
    for frame in tables[2:4]:
        frame["dimension"] = [t(f"ledger.sheet.dimension.{DIMENSION_KEYS.get(d, d)}", lang) for d in frame["dimension"]]
    names = [t(f"ledger.sheet.name.{k}", lang)[:31] for k in SHEET_KEYS]
    return {name: head(_rounded(_excel_ready(frame))) for name, frame in zip(names, tables)}


def _dollars(frame: pd.DataFrame) -> pd.DataFrame:
    """A (label, value) table with its US$ values rounded to the dollar."""
    label, value = frame.columns
    out = frame.copy()
    out[value] = [round(v) if "US$" in str(k) and isinstance(v, (int, float)) and not isinstance(v, bool)
                  and pd.notna(v) else v for k, v in zip(out[label], out[value])]
    return out


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            continue
        if col.endswith("_usd") or col.startswith("approved"):
            out[col] = out[col].round(0).astype("Int64")
        elif col.startswith("share"):
            out[col] = (out[col] * 100).round(1)
    return out


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as dates, nullable integers as plain objects, so every writer accepts them."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.date
    return out


def _plain_ints(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.Int64Dtype):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def sheet_xlsx(sheet: DecisionSheet) -> bytes:
    """The decision sheet as an XLSX workbook in the sheet's language: one worksheet per table, US$ to the dollar
    with thousands separators, text never stored as a formula or link."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": XLSX_TEXT_OPTIONS}) as writer:
        book = writer.book
        usd = book.add_format({"num_format": "#,##0"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        usd_heads = {t(f"ledger.sheet.col.{c}", sheet.lang) for c in (
            "requested_usd", "amount_usd", "approved_before", "approved_after", "approved_change")}
        for name, frame in document(sheet).items():
            safe_frame(_plain_ints(frame)).to_excel(writer, sheet_name=name, index=False)
            ws = writer.sheets[name]
            ws.freeze_panes(1, 0)
            for i, col in enumerate(frame.columns):
                width = min(max(len(str(col)), *(len(str(v)) for v in frame[col].head(50)), 8) + 2, 60)
                ws.set_column(i, i, width, usd if col in usd_heads else wrap if width >= 60 else None)
    return buffer.getvalue()


def sheet_csv(sheet: DecisionSheet) -> bytes:
    """The selection as CSV (UTF-8 with BOM) in the sheet's language, preceded by '#' lines: the confidentiality
    note, the metadata (date, data edition, the figures it rests on) and the effects summary as 'figure: value'."""
    confidentiality = t("screens17.sheet.meta.confidentiality", sheet.lang)
    lines = [f"# {t('screens17.sheet.confidential', sheet.lang)}"]
    lines += [f"# {item}: {value}" for item, value in _dollars(sheet.metadata).itertuples(index=False)
              if item != confidentiality]
    lines += [f"# {figure}: {value}" for figure, value in _dollars(sheet.summary).itertuples(index=False)]
    text = "\n".join(line.replace("\n", " ") for line in lines) + "\n"
    selection = next(iter(document(sheet).values()))
    text += safe_frame(_plain_ints(selection)).to_csv(index=False)
    return ("\ufeff" + text).encode("utf-8")


def read_sheet_csv(data: bytes) -> tuple[list[str], pd.DataFrame]:
    """(the '#' lines without '# ', the selection table) of a sheet_csv file."""
    text = data.decode("utf-8-sig")
    notes = []
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        notes.append(lines.pop(0)[2:].rstrip("\n"))
    return notes, pd.read_csv(io.StringIO("".join(lines)), converters={0: str})      # the ID column as text


# ----------------------------------------------------------------------------- since the last meeting

@dataclass(frozen=True, eq=False)
class Changes:
    since: date
    transactions: pd.DataFrame   # txn_date, txn_type, iati_code, party, donor_id, project_id, amount_usd, currency, amount_original, txn_id
    totals: pd.DataFrame         # txn_type, n, amount_usd: one row per type (TXN_TYPES), zeros included
    added: pd.DataFrame          # proposals submitted after `since`: project_id, title, partner_id, status, requested_usd, submitted_date
    decided: pd.DataFrame        # decided after `since`: project_id, title, partner_id, decision, status, requested_usd, approved_usd, decision_date


def last_meeting(con) -> date | None:
    """The latest Oversight Committee decision date in the ledger (None when nothing was decided)."""
    decided = pd.to_datetime(queries.table(con, "projects")["decision_date"]).dropna()
    return decided.max().date() if len(decided) else None


def changes_since_from(book: dict[str, pd.DataFrame], since: date | str) -> Changes:
    """Everything dated strictly after `since` (a day: what happened that day is not "since")."""
    day = pd.Timestamp(since).normalize()
    txns = book["transactions"].copy()
    txns["txn_date"] = pd.to_datetime(txns["txn_date"])
    after = txns.loc[txns["txn_date"] > day]
    donors = book["donors"].set_index("donor_id")["name"]
    titles = book["projects"].set_index("project_id")["title"]
    party = after["donor_id"].map(donors).where(after["donor_id"].notna(), after["project_id"].map(titles))
    order = {t: i for i, t in enumerate(TXN_TYPES)}
    listed = after.assign(party=party.fillna(""), _order=after["txn_type"].map(order))
    listed = listed.sort_values(["txn_date", "_order", "txn_id"], ignore_index=True)
    listed = listed[["txn_date", "txn_type", "iati_code", "party", "donor_id", "project_id", "amount_usd",
                     "currency", "amount_original", "txn_id"]]
    totals = (after.groupby("txn_type")["amount_usd"].agg(["size", "sum"])
              .reindex(list(TXN_TYPES) + sorted(set(after["txn_type"]) - set(TXN_TYPES)))
              .fillna(0).rename(columns={"size": "n", "sum": "amount_usd"}))
    totals["n"] = totals["n"].astype(int)
    totals = totals.rename_axis("txn_type").reset_index()

    projects = book["projects"].copy()
    for col in ("submitted_date", "decision_date"):
        projects[col] = pd.to_datetime(projects[col])
    added = projects.loc[projects["submitted_date"] > day]
    added = added.sort_values(["submitted_date", "project_id"], ignore_index=True)[
        ["project_id", "title", "partner_id", "status", "requested_usd", "submitted_date"]]
    decided = projects.loc[projects["decision_date"] > day].merge(
        project_amounts(book["transactions"])[["project_id", "approved"]], on="project_id", how="left")
    decided["approved_usd"] = decided["approved"].astype(float).fillna(0.0)
    decided["decision"] = decided["status"].map(DECISIONS).fillna(decided["status"])
    decided = decided.sort_values(["decision_date", "project_id"], ignore_index=True)[
        ["project_id", "title", "partner_id", "decision", "status", "requested_usd", "approved_usd",
         "decision_date"]]
    return Changes(since=day.date(), transactions=listed, totals=totals, added=added, decided=decided)


def changes_since(con, since: str) -> Changes:
    """What changed after the day `since` ('YYYY-MM-DD'): see changes_since_from."""
    return changes_since_from(queries.ledger(con), since)

