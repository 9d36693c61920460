"""The results framework's rules across rows, whatever the ledger's source (issue 20).

`results_problems(tables)` takes the ledger tables (projects and the optional results, result_indicators,
indicator_periods, report_milestones, project_documents; columns as in ipmd/build/schema.sql) and returns
every broken rule as a `Problem` at the offending row and column. Pure pandas: no database. Used by the
importer's validator (after its cell checks) and by the demonstration portfolio's generator and tests.

The rules (a cell the type checks could not read is skipped here: it is reported already):
- a reporting period ends on or after it starts, and lies within its project's dates (start_date to
  end_date; a project without a start date cannot have reporting periods yet);
- every period has a target; an actual value without a target is named as such;
- an indicator counted by sex (by_sex TRUE) has, for each period, one female and one male row and no
  total row (its total is their sum), both ending on the same day; any other indicator has total rows only;
- the periods of one indicator (and sex) do not overlap;
- every result has at least one indicator (as IATI requires);
- a baseline has both its year and its value, or neither;
- a report milestone falls on or after its project's start; a report is not received before the project
  started; a project owes at most one final report;
- a document's link, when given, is an http:// or https:// address.
References (a result for an unknown project ...), allowed values (sex, result type, marker 0-3), negative
or non-numeric values and duplicate keys are checked cell by cell by ipmd.ledger.validate from the
template's declarations.
"""
from __future__ import annotations

import re

import pandas as pd

from ipmd.ledger.problems import Problem

URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.I)


def _rows(df: pd.DataFrame) -> list[int]:
    """Sheet rows of a frame's rows: index i is row i + 2 (the header is row 1)."""
    try:
        return [int(i) + 2 for i in df.index]
    except (TypeError, ValueError):
        return list(range(2, len(df) + 2))


def _frame(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    df = tables.get(name)
    return df if df is not None and len(df) else None


def _day(value) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(day) else day


def _fmt(day: pd.Timestamp) -> str:
    return f"{day:%Y-%m-%d}"


def _blank(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def results_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every broken results rule, in a stable order (by sheet, then by row)."""
    projects = tables.get("projects")
    dates: dict[str, tuple[pd.Timestamp | None, pd.Timestamp | None]] = {}
    if projects is not None:
        for pid, start, end in zip(projects["project_id"], projects["start_date"], projects["end_date"]):
            if not _blank(pid):
                dates[pid] = (_day(start), _day(end))
    problems: list[Problem] = []
    result_project: dict[str, str] = {}
    results = _frame(tables, "results")
    if results is not None:
        result_project = {r: p for r, p in zip(results["result_id"], results["project_id"])
                          if not _blank(r) and not _blank(p)}
    indicators = _frame(tables, "result_indicators")
    indicator_info: dict[str, tuple[str | None, bool]] = {}
    if indicators is not None:
        for row, r in zip(_rows(indicators), indicators.itertuples(index=False)):
            if not _blank(r.result_indicator_id):
                indicator_info[r.result_indicator_id] = (result_project.get(r.result_id),
                                                          not _blank(r.by_sex) and bool(r.by_sex))
            if _blank(r.baseline_year) != _blank(r.baseline_value):
                given, missing = (("baseline_value", "baseline_year") if _blank(r.baseline_year)
                                  else ("baseline_year", "baseline_value"))
                problems.append(Problem(f"Indicator {r.result_indicator_id}: {given} is given but {missing} is "
                                        "empty; a baseline needs both its year and its value (or neither).",
                                        sheet="result_indicators", row=row, column=missing))
    if results is not None:
        measured = set() if indicators is None else set(indicators["result_id"].dropna())
        for row, rid in zip(_rows(results), results["result_id"]):
            if not _blank(rid) and rid not in measured:
                problems.append(Problem(f"Result {rid} has no indicator; give at least one in result_indicators "
                                        "(how the result is measured).", sheet="results", row=row,
                                        column="result_id"))
    periods = _frame(tables, "indicator_periods")
    if periods is not None:
        problems += _periods(periods, indicator_info, dates)
    milestones = _frame(tables, "report_milestones")
    if milestones is not None:
        problems += _milestones(milestones, dates)
    documents = _frame(tables, "project_documents")
    if documents is not None:
        for row, r in zip(_rows(documents), documents.itertuples(index=False)):
            if not _blank(r.url) and not URL.fullmatch(str(r.url).strip()):
                problems.append(Problem(f"Document {r.document_id}: the link {str(r.url)[:60]!r} is not an http:// "
                                        "or https:// address; give the full address, or leave url empty.",
                                        sheet="project_documents", row=row, column="url"))
    return problems


def _periods(periods: pd.DataFrame, indicator_info: dict, dates: dict) -> list[Problem]:
    problems: list[Problem] = []
    sexes: dict[tuple[str, pd.Timestamp], list[tuple[str, int]]] = {}
    spans: dict[tuple[str, str], list[tuple[pd.Timestamp, pd.Timestamp, int]]] = {}

    def add(row: int, column: str, message: str) -> None:
        problems.append(Problem(message, sheet="indicator_periods", row=row, column=column))

    for row, r in zip(_rows(periods), periods.itertuples(index=False)):
        ind = r.result_indicator_id
        start, end = _day(r.period_start), _day(r.period_end)
        what = f"Indicator {ind}"
        if start is not None and end is not None and end < start:
            add(row, "period_end", f"{what}: period_end {_fmt(end)} is before period_start {_fmt(start)}.")
        if _blank(r.target_value) and not _blank(r.actual_value):
            add(row, "target_value", f"{what}: an actual value ({float(r.actual_value):g}) without a target; give "
                "the period's target_value (the value planned), so the actual can be judged against it.")
        elif _blank(r.target_value):
            add(row, "target_value", f"{what}: target_value is empty; every reporting period needs its target.")
        if _blank(ind) or ind not in indicator_info:
            continue                  # an unknown indicator is reported by the reference check
        project, by_sex = indicator_info[ind]
        if not _blank(r.sex):
            if by_sex and r.sex == "total":
                add(row, "sex", f"{what} is counted by sex (by_sex TRUE): give one female and one male row per "
                    "period, not a total row (the total is their sum).")
            elif not by_sex and r.sex != "total":
                add(row, "sex", f"{what} is not counted by sex (by_sex is FALSE): its rows have sex 'total'; set "
                    f"by_sex TRUE in result_indicators to give {r.sex} values.")
            elif start is not None:
                sexes.setdefault((ind, start), []).append((r.sex, row, end))
            if start is not None and end is not None and end >= start:
                spans.setdefault((ind, r.sex), []).append((start, end, row))
        if project is None or project not in dates:
            continue                  # an unknown result or project is reported by the reference check
        p_start, p_end = dates[project]
        if p_start is None:
            add(row, "period_start", f"{what}: project {project} has no start_date, so it has no reporting "
                "periods yet; give the project's dates in the projects sheet first.")
            continue
        if start is not None and start < p_start:
            add(row, "period_start", f"{what}: the period starts on {_fmt(start)}, before project {project} starts "
                f"({_fmt(p_start)}); a reporting period lies within the project's dates.")
        if end is not None and p_end is not None and end > p_end:
            add(row, "period_end", f"{what}: the period ends on {_fmt(end)}, after project {project} ends "
                f"({_fmt(p_end)}); a reporting period lies within the project's dates.")
    for (ind, start), found in sexes.items():
        if not indicator_info.get(ind, (None, False))[1]:
            continue
        have = {s for s, _, _ in found}
        ends = {e for _, _, e in found if e is not None}
        if len(ends) > 1:
            add(found[-1][1], "period_end", f"Indicator {ind}, period from {_fmt(start)}: its female and male rows end "
                f"on different days ({', '.join(sorted(map(_fmt, ends)))}); one period has one end.")
        for missing in ("female", "male"):
            if missing not in have:
                add(found[0][1], "sex", f"Indicator {ind}, period from {_fmt(start)}: the {'/'.join(sorted(have))} "
                    f"row has no {missing} row beside it; an indicator counted by sex gives both.")
    for (ind, sex), items in spans.items():
        items.sort()
        for (s0, e0, _), (s1, e1, row) in zip(items, items[1:]):
            if s1 <= e0 and s1 != s0:      # the same start twice is a duplicate key, reported as such
                add(row, "period_start", f"Indicator {ind} ({sex}): the period {_fmt(s1)} to {_fmt(e1)} overlaps "
                    f"the period {_fmt(s0)} to {_fmt(e0)}; reporting periods of one indicator do not overlap.")
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def _milestones(milestones: pd.DataFrame, dates: dict) -> list[Problem]:
    problems: list[Problem] = []
    finals: dict[str, int] = {}
    for row, r in zip(_rows(milestones), milestones.itertuples(index=False)):
        pid = r.project_id
        if _blank(pid) or pid not in dates:
            continue
        p_start = dates[pid][0]
        due, received = _day(r.due_date), _day(r.received_date)
        if r.report_type == "final":
            if pid in finals:
                problems.append(Problem(f"Project {pid} owes one final report; another is on row {finals[pid]}.",
                                        sheet="report_milestones", row=row, column="report_type"))
            else:
                finals[pid] = row
        if p_start is None:
            problems.append(Problem(f"Project {pid} has no start_date, so no report is due yet; give the "
                                    "project's dates in the projects sheet first.", sheet="report_milestones",
                                    row=row, column="due_date"))
            continue
        if due is not None and due < p_start:
            problems.append(Problem(f"Project {pid}: a report due on {_fmt(due)}, before the project starts "
                                    f"({_fmt(p_start)}).", sheet="report_milestones", row=row, column="due_date"))
        if received is not None and received < p_start:
            problems.append(Problem(f"Project {pid}: a report received on {_fmt(received)}, before the project "
                                    f"starts ({_fmt(p_start)}).", sheet="report_milestones", row=row,
                                    column="received_date"))
    return problems
