"""The ledger out as an IATI 2.03 activity file, valid against the IATI schema (../shared/standards/iati-2.03),
and read back by ipmd.ledger.iati into the same results.

`iati_bytes(tables)` writes:
- the fund's own account (FUND_ACTIVITY_ID): its donors as funding organisations (participating-org role 1,
  @type from donor_type) and their pledges (transaction type 11) and deposits (1), in their own currency;
- one activity per funded project (approved, active, closed; proposals still undecided are confidential,
  and rejected ones have no activity to report: both are left out): its partner as the implementing organisation (role 4), status, dates,
  countries (recipient-country, percentage), its area of work and GFMD item (sector vocabulary 98) and goals
  (sector vocabulary 99, percentage = weight), gender marker (policy-marker vocabulary 1 code 1, @significance
  0-3), requested amount (budget, US$), commitments (2), disbursements (3) and expenditure (4), documents
  (document-link, category A02 proposal, A05 budget, A09 agreement, A08 report, A07 evaluation, A12 web page)
  and results: result @type 3 objective / 2 outcome / 1 output, its id as reference vocabulary 99; each
  indicator with @measure 1 (2 when its unit is %), its id as reference vocabulary 99, its baseline, and one
  period per reporting period with target and actual values, each with a dimension name="sex" for the female
  and male values of an indicator counted by sex.
IATI has no element for an indicator's unit, a document's id or a report's due date: the unit and the id are
written as attributes of the file's own namespace (IPMD_NS, allowed by the schema's extension points:
ipmd:unit on indicator, ipmd:id on document-link, and the proposal's ipmd:submitted-date on iati-activity), and report milestones are not written (they travel in
the XLSX and CSV forms only).
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pandas as pd
import pycountry

from ipmd.fund.rules import FUNDED_STATUSES

FUND_ACTIVITY_ID = "IPMD-TF"             # as ipmd.fund_report names the fund's own account
REPORTING_ORG = ("XI-IPMD", "40", "IPMD Secretariat")   # ref, IATI organisation type 40 multilateral
IPMD_NS = "urn:ipmd:ledger"
DONOR_ORG_TYPES = {"government": "10", "multilateral": "40", "private": "60"}
STATUS_CODES = {"approved": "1", "active": "2", "closed": "4", "rejected": "5", "submitted": "1",
                "under_review": "1"}
RESULT_TYPE_CODES = {"output": "1", "outcome": "2", "objective": "3"}
DOCUMENT_CODES = {"proposal": "A02", "budget": "A05", "agreement": "A09", "report": "A08", "evaluation": "A07",
                  "web_page": "A12"}
ISO3_TO_ALPHA2 = {"XKX": "XK"}
TXN_CODES = {"pledge": "11", "deposit": "1", "commitment": "2", "disbursement": "3", "expenditure": "4"}

ET.register_namespace("ipmd", IPMD_NS)


def plain_value(value):
    """A cell as plain Python: None for missing (NaN, NaT, pd.NA), a date for timestamps, int/float/bool/str.
    The one definition: ipmd.ledger.export (workbooks, CSV) imports it from here."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp) or isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):   # numpy scalars
        value = value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _day(value) -> str | None:
    value = plain_value(value)
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)[:10]


def _number(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib) -> ET.Element:
    el = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrib.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _narrative(parent: ET.Element, tag: str, text, **attrib) -> ET.Element:
    el = _sub(parent, tag, **attrib)
    _sub(el, "narrative", str(text))
    return el


def _alpha2(iso3: str) -> str | None:
    if iso3 in ISO3_TO_ALPHA2:
        return ISO3_TO_ALPHA2[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    return country.alpha_2 if country else None


def _rows(tables: dict[str, pd.DataFrame], name: str) -> list[dict]:
    frame = tables.get(name)
    if frame is None or frame.empty:
        return []
    return [{k: plain_value(v) for k, v in r.items()} for r in frame.to_dict("records")]


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def iati_bytes(tables: dict[str, pd.DataFrame], partner_names: dict[str, str] | None = None,
               generated: dt.datetime | None = None) -> bytes:
    """The ledger `tables` (template columns) as an IATI 2.03 activity file (UTF-8)."""
    generated = generated or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    root = ET.Element("iati-activities", {"version": "2.03",
                                          "generated-datetime": generated.strftime("%Y-%m-%dT%H:%M:%SZ")})
    donors = {d["donor_id"]: d for d in _rows(tables, "donors")}
    txns = _rows(tables, "transactions")
    _fund_activity(root, donors, [t for t in txns if t["txn_type"] in ("pledge", "deposit")])
    outgoing = _by([t for t in txns if t["txn_type"] not in ("pledge", "deposit")], "project_id")
    countries = _by(_rows(tables, "project_countries"), "project_id")
    goals = _by(_rows(tables, "project_goals"), "project_id")
    documents = _by(_rows(tables, "project_documents"), "project_id")
    results = _by(_rows(tables, "results"), "project_id")
    indicators = _by(_rows(tables, "result_indicators"), "result_id")
    periods = _by(_rows(tables, "indicator_periods"), "result_indicator_id")
    for p in sorted(_rows(tables, "projects"), key=lambda r: r["project_id"]):
        if p["status"] not in FUNDED_STATUSES or not _day(p["start_date"]):
            continue
        act = _activity(root, p["project_id"], f"IPMD project {p['project_id']}", p["title"])
        act.set(f"{{{IPMD_NS}}}submitted-date", _day(p["submitted_date"]))
        _narrative(act, "description", p["objectives"], type="2")
        partner = (partner_names or {}).get(p["partner_id"], p["partner_id"])
        _narrative(act, "participating-org", partner, ref=p["partner_id"], role="4")
        _sub(act, "activity-status", code=STATUS_CODES[p["status"]])
        for kind, col in (("2", "start_date"), ("4", "end_date")):
            if _day(p[col]) and (kind == "2" or p["status"] == "closed"):
                _sub(act, "activity-date", type=kind, iso_date=_day(p[col]))
            elif _day(p[col]):
                _sub(act, "activity-date", type="3", iso_date=_day(p[col]))      # planned end
        for c in sorted(countries.get(p["project_id"], []), key=lambda r: r["iso3"]):
            _sub(act, "recipient-country", code=_alpha2(c["iso3"]), percentage=_number(round(c["share"] * 100, 10)))
        _sub(act, "sector", vocabulary="98", code=p["area_id"])
        if p.get("gfmd_item_id"):
            _sub(act, "sector", vocabulary="98", code=p["gfmd_item_id"])
        for g in sorted(goals.get(p["project_id"], []), key=lambda r: (not r["is_primary"], r["goal_id"])):
            _sub(act, "sector", vocabulary="99", code=g["goal_id"], percentage=_number(round(g["weight"] * 100, 10)))
        if p.get("gender_marker") is not None:
            _sub(act, "policy-marker", vocabulary="1", code="1", significance=str(int(p["gender_marker"])))
        budget_day = _day(p["submitted_date"])
        budget = _sub(act, "budget", type="1")
        _sub(budget, "period-start", iso_date=_day(p["start_date"]) or budget_day)
        _sub(budget, "period-end", iso_date=_day(p["end_date"]) or _day(p["start_date"]) or budget_day)
        _sub(budget, "value", _number(p["requested_usd"]), currency="USD", value_date=budget_day)
        for t in sorted(outgoing.get(p["project_id"], []), key=lambda r: (_day(r["txn_date"]), r["txn_id"])):
            _transaction(act, t)
        for d in sorted(documents.get(p["project_id"], []), key=lambda r: r["document_id"]):
            link = _sub(act, "document-link", url=d.get("url") or "", format="application/pdf")
            link.set(f"{{{IPMD_NS}}}id", d["document_id"])
            _narrative(link, "title", d["title"])
            _sub(link, "category", code=DOCUMENT_CODES[d["category"]])
            if _day(d.get("document_date")):
                _sub(link, "document-date", iso_date=_day(d["document_date"]))
        for r in sorted(results.get(p["project_id"], []), key=lambda r: r["result_id"]):
            _result(act, r, indicators.get(r["result_id"], []), periods)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _activity(root: ET.Element, ident: str, ref_title: str, title: str) -> ET.Element:
    act = _sub(root, "iati-activity", default_currency="USD")
    act.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    _sub(act, "iati-identifier", ident)
    ref, kind, name = REPORTING_ORG
    _narrative(act, "reporting-org", name, ref=ref, type=kind)
    _narrative(act, "title", title or ref_title)
    return act


def _fund_activity(root: ET.Element, donors: dict[str, dict], incoming: list[dict]) -> None:
    act = _activity(root, FUND_ACTIVITY_ID, "", "IPMD trust fund: contributions")
    _narrative(act, "description", "The pooled trust fund's account: donors' pledges and deposits.", type="1")
    for donor_id in sorted(donors):
        d = donors[donor_id]
        _narrative(act, "participating-org", d["name"], ref=donor_id, type=DONOR_ORG_TYPES[d["donor_type"]], role="1")
    _sub(act, "activity-status", code="2")
    first = min((_day(t["txn_date"]) for t in incoming), default=None)
    _sub(act, "activity-date", type="2", iso_date=first or generated_day())
    for t in sorted(incoming, key=lambda r: (_day(r["txn_date"]), r["txn_id"])):
        _transaction(act, t, donors.get(t["donor_id"]))


def generated_day() -> str:
    return dt.date.today().isoformat()


def _transaction(act: ET.Element, t: dict, donor: dict | None = None) -> None:
    el = _sub(act, "transaction", ref=t["txn_id"])
    _sub(el, "transaction-type", code=TXN_CODES[t["txn_type"]])
    _sub(el, "transaction-date", iso_date=_day(t["txn_date"]))
    amount = t["amount_original"] if t.get("amount_original") is not None else t["amount_usd"]
    _sub(el, "value", _number(amount), currency=t.get("currency") or "USD", value_date=_day(t["txn_date"]))
    if donor is not None:
        _narrative(el, "provider-org", donor["name"], ref=donor["donor_id"],
                   type=DONOR_ORG_TYPES[donor["donor_type"]])


def _result(act: ET.Element, r: dict, indicators: list[dict], periods: dict[str, list[dict]]) -> None:
    el = _sub(act, "result", type=RESULT_TYPE_CODES[r["result_type"]])
    _narrative(el, "title", r["title"])
    if r.get("description"):
        _narrative(el, "description", r["description"])
    _sub(el, "reference", vocabulary="99", code=r["result_id"])
    for i in sorted(indicators, key=lambda x: x["result_indicator_id"]):
        ind = _sub(el, "indicator", measure="2" if str(i["unit"]).strip() == "%" else "1")
        ind.set(f"{{{IPMD_NS}}}unit", str(i["unit"]))
        _narrative(ind, "title", i["title"])
        _sub(ind, "reference", vocabulary="99", code=i["result_indicator_id"])
        if i.get("baseline_year") is not None:
            _sub(ind, "baseline", year=str(int(i["baseline_year"])), value=_number(i["baseline_value"]))
        by_start: dict[str, list[dict]] = {}
        for row in periods.get(i["result_indicator_id"], []):
            by_start.setdefault(_day(row["period_start"]), []).append(row)
        order = {"female": 0, "male": 1, "total": 2}
        for start in sorted(by_start):
            rows = sorted(by_start[start], key=lambda x: order.get(x["sex"], 3))
            period = _sub(ind, "period")
            _sub(period, "period-start", iso_date=start)
            _sub(period, "period-end", iso_date=_day(rows[0]["period_end"]))
            for kind in ("target", "actual"):
                for row in rows:
                    value = row.get(f"{kind}_value")
                    if value is None:
                        continue
                    v = _sub(period, kind, value=_number(value))
                    if row["sex"] != "total":
                        _sub(v, "dimension", name="sex", value=row["sex"])
