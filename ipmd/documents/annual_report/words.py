"""The annual report in words: every sentence, heading and table cell in one language, from an AnnualReport.
The PDF and the DOCX draw the same `Document`, so the two formats say the same thing."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ipmd.documents.annual_report.data import (NO_APPROVALS, NO_LATE_REPORTS, NO_RESULTS_FRAMEWORK,
                                               NO_RESULTS_IN_YEAR, NO_TRANSFERS, AnnualReport)
from ipmd.i18n import country_name, fmt_date, fmt_number, fmt_pct, fmt_usd, goal_label, label, plural, t


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]             # relative widths
    right: tuple[int, ...] = ()           # columns aligned right (numbers)
    bold_rows: tuple[int, ...] = ()       # rows set in bold (totals)


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None
    notes: tuple[str, ...] = ()           # small print under the table


@dataclass(frozen=True)
class Document:
    lang: str
    title: str                            # the document's title (metadata, footer)
    kicker: str
    heading: str                          # the title on the first page (provisional said there)
    subtitle: str
    when: str
    author: str
    footer: str
    footer_source: str                    # the source on every page
    band: str | None                      # the illustrative label on every page, None for a real ledger
    notices: tuple[str, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)


def usd(value, lang: str) -> str:
    return fmt_usd(value, lang, compact=False, digits=0)


def pct(share, lang: str) -> str:
    """A share (0..1) as a percentage, '–' when undefined."""
    return "–" if share is None or (isinstance(share, float) and math.isnan(share)) else fmt_pct(100 * share, lang, 0)


def _day(value, lang: str) -> str:
    return "–" if value is None or pd.isna(value) else fmt_date(pd.Timestamp(value).date(), lang)


def _built(report: AnnualReport, lang: str) -> str:
    built = report.meta.get("built_at")
    try:
        return fmt_date(pd.Timestamp(built).date(), lang) if built else "–"
    except ValueError:
        return str(built)


def source_text(report: AnnualReport) -> str:
    """'IPMD dashboard project (generated), IPMD trust fund: demonstration portfolio (...) (seed 2008)' (data)."""
    s = report.source
    parts = [str(s[k]) for k in ("publisher", "title") if isinstance(s.get(k), str) and s.get(k)]
    text = ", ".join(parts) or str(s.get("source_id"))
    if isinstance(s.get("edition"), str) and s.get("edition"):
        text += f" ({s['edition']})"
    return text


def country_names(report: AnnualReport, iso3s, lang: str) -> str:
    names = report.names.set_index("iso3") if len(report.names) else pd.DataFrame()
    out = []
    for code in iso3s:
        row = names.loc[code].to_dict() if code in names.index else {"name_en": code}
        out.append(country_name({**row, "iso3": code}, lang))
    return ", ".join(out)


def _key_figures(r: AnnualReport, lang: str) -> Section:
    y = r.year
    due, on_time = r.timeliness.reports_due, r.timeliness.reports_on_time
    delivery = r.delivery or {}
    rows = (
        (t("annual_report.key.deposits", lang), usd(r.line("deposits"), lang)),
        (t("annual_report.key.transfers", lang), usd(r.line("transfers"), lang)),
        (t("annual_report.key.approved", lang),
         t("annual_report.key.approved_value", lang, amount=usd(r.approved_usd, lang),
           projects=plural("figures.count.projects", len(r.approvals), lang))),
        (t("annual_report.key.countries", lang),
         t("annual_report.key.countries_value", lang, n=fmt_number(len(r.countries), lang),
           total=fmt_number(r.countries_to_date, lang))),
        (t("annual_report.key.delivery", lang),
         t("annual_report.key.delivery_value", lang, year_rate=pct(delivery.get("delivery_rate"), lang),
           cumulative=pct(delivery.get("cumulative_rate"), lang))),
        (t("annual_report.key.reports", lang),
         t("annual_report.key.reports_value", lang, on_time=fmt_number(on_time, lang), due=fmt_number(due, lang))
         if due else t("annual_report.key.none", lang)),
    )
    return Section(t("annual_report.section.key", lang, year=y),
                   table=Table((t("annual_report.col.figure", lang), t("annual_report.col.value", lang, year=y)),
                               rows, (52, 48)))


def _funds(r: AnnualReport, lang: str) -> Section:
    y, table = r.year, r.sources_uses.table
    rows, bold = [], []
    for n, row in enumerate(table.itertuples()):
        name = t(f"sources_uses.line.{row.line}", lang)
        if row.side == "memo":
            name = "    " + name
        values = tuple(usd(getattr(row, c), lang) if row.recorded else t("sources_uses.not_recorded", lang)
                       for c in ("prior", "year", "total"))
        rows.append((name, *values))
        if row.line in ("total_sources", "total_uses", "balance"):
            bold.append(n)
    missing = [t(f"sources_uses.line.{line}", lang) for line, rec in zip(table["line"], table["recorded"]) if not rec]
    notes = (t("annual_report.funds.missing", lang, lines=", ".join(missing)),) if missing else ()
    headers = (t("sources_uses.col.line", lang), t("sources_uses.col.prior", lang, year=y),
               t("sources_uses.col.year", lang, year=y), t("sources_uses.col.total", lang, year=y))
    return Section(t("annual_report.section.funds", lang), (t("annual_report.funds.intro", lang, year=y),),
                   Table(headers, tuple(rows), (46, 18, 18, 18), right=(1, 2, 3), bold_rows=tuple(bold)), notes)


def _approvals(r: AnnualReport, lang: str) -> Section:
    y, a = r.year, r.approvals
    title = t("annual_report.section.approvals", lang, year=y)
    declined = (plural("annual_report.approvals.declined", r.declined, lang),) if r.declined else ()
    if a.empty:
        return Section(title, (t(NO_APPROVALS, lang, year=y), *declined))
    text = t("annual_report.approvals.summary", lang, year=y, amount=usd(r.approved_usd, lang),
             projects=plural("figures.count.projects", len(a), lang))
    rows = tuple((f"{p.project_id} · {p.title}", str(p.partner_id), str(p.goal_id or "–"),
                  country_names(r, p.iso3s, lang) or "–", _day(p.decision_date, lang), usd(p.approved_usd, lang))
                 for p in a.itertuples())
    headers = tuple(t(f"annual_report.col.{c}", lang) for c in
                    ("project", "partner", "goal", "countries", "decided", "approved"))
    return Section(title, (" ".join((text, *declined)),), Table(headers, rows, (33, 11, 8, 18, 15, 15), right=(5,)))


def _results(r: AnnualReport, lang: str) -> Section:
    y = r.year
    title = t("annual_report.section.results", lang, year=y)
    if not r.has_framework:
        return Section(title, (t(NO_RESULTS_FRAMEWORK, lang),))
    if not r.results_has_rows:
        return Section(title, (t(NO_RESULTS_IN_YEAR, lang, year=y),))
    res = r.results[r.results["indicators_reported"] > 0]
    n = lambda v: fmt_number(v, lang)     # noqa: E731
    rows = [(goal_label(str(g.group), lang), n(g.indicators_reported), n(g.indicators_met), pct(g.met_share, lang),
             n(g.people_targeted), n(g.people_reached), n(g.women_reached), n(g.men_reached)) for g in res.itertuples()]
    total = res[["indicators_reported", "indicators_met", "people_targeted", "people_reached", "women_reached",
                 "men_reached"]].sum()
    share = total["indicators_met"] / total["indicators_reported"] if total["indicators_reported"] else None
    rows.append((t("annual_report.col.total", lang), n(total["indicators_reported"]), n(total["indicators_met"]),
                 pct(share, lang), n(total["people_targeted"]), n(total["people_reached"]),
                 n(total["women_reached"]), n(total["men_reached"])))
    summary = t("annual_report.results.summary", lang, met=n(total["indicators_met"]),
                reported=n(total["indicators_reported"]), year=y, reached=n(total["people_reached"]),
                targeted=n(total["people_targeted"]), women=n(total["women_reached"]), men=n(total["men_reached"]))
    headers = tuple(t(f"annual_report.col.{c}", lang) for c in
                    ("goal", "indicators", "met", "met_share", "targeted", "reached", "women", "men"))
    return Section(title, (t("annual_report.results.intro", lang, year=y), summary),
                   Table(headers, tuple(rows), (26, 12, 10, 10, 11, 11, 10, 10), right=tuple(range(1, 8)),
                         bold_rows=(len(rows) - 1,)))


def _delivery(r: AnnualReport, lang: str) -> Section:
    y, partners = r.year, r.sources_uses.by_partner
    title = t("annual_report.section.delivery", lang, year=y)
    if partners.empty:
        return Section(title, (t("annual_report.delivery.none", lang, year=y),))
    d = r.delivery or {}
    text = t("annual_report.delivery.summary", lang, year=y, spent=usd(d.get("spent", 0.0), lang),
             transferred=usd(d.get("transferred", 0.0), lang), rate=pct(d.get("delivery_rate"), lang),
             cumulative=pct(d.get("cumulative_rate"), lang))
    rows = tuple((f"{p.partner_id} · {p.name}" if p.name != p.partner_id else str(p.partner_id),
                  usd(p.transferred, lang), usd(p.spent, lang), pct(p.delivery_rate, lang))
                 for p in partners.itertuples())
    headers = tuple(t(f"annual_report.col.{c}", lang) for c in ("partner", "transferred", "spent", "rate"))
    return Section(title, (text,), Table(headers, rows, (52, 18, 18, 12), right=(1, 2, 3)))


def _late(r: AnnualReport, lang: str) -> Section:
    y, tm = r.year, r.timeliness
    title = t("annual_report.section.late", lang)
    if not tm.reports_due:
        return Section(title, (t("annual_report.late.nothing_due", lang, year=y),))
    text = t("annual_report.late.summary", lang, due=fmt_number(tm.reports_due, lang), year=y,
             on_time=fmt_number(tm.reports_on_time, lang), late=fmt_number(tm.reports_late, lang),
             outstanding=fmt_number(tm.reports_outstanding, lang))
    if r.late.empty:
        return Section(title, (text, t(NO_LATE_REPORTS, lang, year=y)))
    rows = tuple((f"{x.project_id} · {x.title}", str(x.partner_id), label("project.results.report", x.report_type, lang),
                  _day(x.due_date, lang),
                  _day(x.received_date, lang) if pd.notna(x.received_date) else t("annual_report.late.outstanding", lang),
                  fmt_number(x.days_late, lang)) for x in r.late.itertuples())
    headers = tuple(t(f"annual_report.col.{c}", lang) for c in
                    ("project", "partner", "report", "due", "received", "days_late"))
    return Section(title, (text,), Table(headers, rows, (36, 11, 14, 14, 14, 11), right=(5,)))


def _countries(r: AnnualReport, lang: str) -> Section:
    y, c = r.year, r.countries
    title = t("annual_report.section.countries", lang, year=y)
    if c.empty:
        return Section(title, (t(NO_TRANSFERS, lang, year=y),))
    text = t("annual_report.countries.summary", lang, year=y,
             countries=plural("figures.count.countries", len(c), lang),
             projects=plural("figures.count.projects", r.projects_transferred, lang),
             total=plural("figures.count.countries", r.countries_to_date, lang))
    cells = [(country_name(row, lang), fmt_number(row["projects"], lang), usd(row["transferred"], lang))
             for row in c.to_dict("records")]
    half = (len(cells) + 1) // 2          # two lists side by side: the first half, then the second
    left, right = cells[:half], cells[half:] + [("", "", "")] * (half - len(cells[half:]))
    rows = tuple((*a, "", *b) for a, b in zip(left, right))
    head = tuple(t(f"annual_report.col.{k}", lang) for k in ("country", "projects", "transferred"))
    return Section(title, (text,), Table((*head, "", *head), rows, (27, 9, 13, 2, 27, 9, 13), right=(1, 2, 5, 6)),
                   (t("annual_report.note.countries", lang),))


def _sources(r: AnnualReport, lang: str, today: date) -> Section:
    notes = [t("annual_report.note.ledger", lang, source=source_text(r))]
    licence = r.source.get("licence")
    if isinstance(licence, str) and licence:
        notes[0] += " " + t("brief.licence", lang, licence=licence)
    notes.append(t("annual_report.note.definitions", lang))
    if r.sources_uses.certified_through is not None:
        notes.append(t("annual_report.note.certified_through", lang, year=r.sources_uses.certified_through))
    notes.append(t("annual_report.note.edition", lang, built=_built(r, lang),
                   hash=str(r.meta.get("content_hash", "–"))[:12]))
    notes.append(t("annual_report.note.generated", lang, date=fmt_date(today, lang)))
    return Section(t("annual_report.section.sources", lang), tuple(notes))


def messages(r: AnnualReport, lang: str) -> tuple[str, ...]:
    return tuple(t(m.key, lang, **m.values) for m in r.notices)


def document(r: AnnualReport, lang: str, today: date | None = None) -> Document:
    today = today or date.today()
    y = r.year
    heading = t("annual_report.title_provisional" if r.provisional else "annual_report.title", lang, year=y)
    return Document(
        lang=lang, title=t("annual_report.doc_title", lang, year=y), kicker=t("annual_report.kicker", lang),
        heading=heading, subtitle=t("annual_report.subtitle", lang, year=y), when=fmt_date(today, lang),
        author=t("annual_report.author", lang), footer=t("annual_report.footer", lang, year=y),
        footer_source=t("annual_report.footer_source", lang, source=source_text(r), built=_built(r, lang)),
        band=t("annual_report.band", lang) if r.is_illustrative else None,
        notices=tuple(m for m in messages(r, lang)),
        sections=(_key_figures(r, lang), _funds(r, lang), _approvals(r, lang), _results(r, lang),
                  _delivery(r, lang), _late(r, lang), _countries(r, lang), _sources(r, lang, today)))
