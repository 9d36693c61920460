"""IATI activity XML (version 2.03; 2.01 and 2.02 read the same, any other version refused) to the ledger's
tables. UTF-16 files are read as well as UTF-8.

Parsed with defusedxml's SAX parser, DTDs and entities forbidden: a file with a <!DOCTYPE> (where
external entities live) is refused with a clear problem before any of it is used. Elements keep
their line numbers, so every problem names the line (shown as the row) and the element (as the sheet).

The mapping, and why:
- iati-activity -> a project, unless it only receives money (incoming transactions and no
  implementing organisation): that is the fund's own account, whose pledges and deposits are kept.
- participating-org role 4 (implementing) -> the project's partner, matched by its IATI
  organisation identifier (DAC channel codes of the partner agencies, below), by a ref or name equal
  to a partner id, or by the partner's name; an organisation that matches none is a problem.
- participating-org role 1 (funding) and provider-org on incoming transactions -> donors: id =
  the org's ref (else its name), type from the IATI OrganisationType code (10, 11, 15 government;
  40 multilateral; 21-24, 30, 60, 70-73, 80, 90 private). A government's country is the ISO 3166
  alpha-2 prefix of its identifier (GB-GOV-1 -> GBR). The World Bank Group as a funder (XM-DAC-44000,
  -44001, -44002 or a name with "World Bank"/"Development Grant Facility") is the Bank's own
  resources, counted against the 15% ceiling: the fund is held at the Bank.
- recipient-country (ISO alpha-2, via pycountry; XK = Kosovo, XKX) with percentage -> countries with
  shares; when recipient-regions take part of the 100%, the country shares are rescaled (warned).
- sector: DAC codes do not say which of the partnership's areas of work or goals a project serves,
  so no DAC code is mapped. The fund's own vocabulary is read: sector vocabulary 98 or 99 with a code
  that is an area_id (A, B), a goal_id (G1-G3, percentage = weight) or a gfmd_item_id. An activity
  without one gets the first area and goal by default, and a warning names it.
- activity-status 1 -> submitted (approved if it has a commitment), 2, 3, 6 -> active, 4 -> closed,
  5 -> rejected (closed if money was committed); activity-date 2/1 -> start, 4/3 -> end; the
  earliest date known -> submitted_date; the first commitment -> decision_date; budgets (original,
  else revised; else the commitments) -> requested_usd.
- transaction-type 11 incoming commitment (13 incoming pledge, new in 2.03, read the same and
  warned) -> pledge (iati_code 11), 1 -> deposit, 2 -> commitment, 3 -> disbursement,
  4 -> expenditure; other types are skipped and warned. value, its @currency (or the activity's
  default-currency) and @value-date (or transaction-date) are kept as amount_original, currency and
  txn_date; the US$ amount is computed by the validator at the World Bank annual rate.
- The results framework (issue 20): result (@type 1 output, 2 outcome, 3 impact -> objective; id from its
  reference vocabulary 99, else <activity>-R<n>) -> results; its indicators (id from reference vocabulary 99,
  unit from the export's ipmd:unit, else % for @measure 2 or 'units'; baseline @year/@value) ->
  result_indicators; each period's target and actual, keyed by their dimension name="sex" (none: total) ->
  indicator_periods, and an indicator with any value by sex is by_sex. A result without an indicator stays
  the expected_results text only (warned). document-link -> project_documents (category A02, A05, A09, A08,
  A07, A12; id from ipmd:id, else <activity>-D<n>); policy-marker vocabulary 1 code 1 @significance ->
  projects.gender_marker. The export's ipmd:submitted-date, when present, is the project's submitted_date.
  Report milestones have no IATI element. The validator judges every value (ipmd.ledger.results_rules).
"""
from __future__ import annotations

import re
import xml.sax
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import defusedxml.sax
import pandas as pd
import pycountry
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from ipmd.ledger.limits import MAX_ROWS, limits_text, tick
from ipmd.ledger.raw import RawLedger
from ipmd.ledger.template import SHEET_BY_NAME

if TYPE_CHECKING:
    from ipmd.ledger.validate import ReferenceData

TXN_CODES = {"11": ("pledge", 11), "13": ("pledge", 11), "1": ("deposit", 1), "2": ("commitment", 2),
             "3": ("disbursement", 3), "4": ("expenditure", 4)}
INCOMING_CODES = {"11", "13", "1"}
OUTGOING_CODES = {"2", "3", "4"}
ORG_TYPES = {**{c: "government" for c in ("10", "11", "15")}, "40": "multilateral",
             **{c: "private" for c in ("21", "22", "23", "24", "30", "60", "70", "71", "72", "73", "80", "90")}}
# IATI organisation identifiers (OECD DAC channel codes) of partner agencies, as their own IATI files use them
PARTNER_REFS = {
    "XM-DAC-41302": ("ILO",), "XM-DAC-47066": ("IOM",), "XM-DAC-41114": ("UNDP",),
    "XM-DAC-41304": ("UNESCO",), "XM-DAC-41119": ("UNFPA",), "XM-DAC-41121": ("UNHCR",),
    "XM-DAC-41122": ("UNICEF",),
    **{f"XM-DAC-{c}": ("WB", "WBG", "IBRD", "WORLDBANK") for c in ("44000", "44001", "44002")},
}
WORLD_BANK_REFS = {"XM-DAC-44000", "XM-DAC-44001", "XM-DAC-44002"}
WORLD_BANK_NAMES = re.compile(r"world bank|development grant facility|\bIBRD\b|\bIDA\b", re.I)
RESULT_TYPES = {"1": "output", "2": "outcome", "3": "objective"}     # IATI result type 3 is impact
DOCUMENT_CATEGORIES = {"A02": "proposal", "A05": "budget", "A09": "agreement", "A08": "report", "A07": "evaluation",
                       "A12": "web_page"}
EXTENSION_PREFIX = "ipmd"     # attributes of the export's own namespace (ipmd.ledger.iati_export.IPMD_NS)
STATUS = {"1": "submitted", "2": "active", "3": "active", "4": "closed", "5": "rejected", "6": "active"}
OWN_VOCABULARIES = {"98", "99"}
EXTRA_ALPHA2 = {"XK": "XKX"}     # Kosovo: user-assigned in ISO 3166, used by IATI and the World Bank

LABELS = {
    "donors": ("participating-org", {"donor_id": "@ref", "name": "narrative", "donor_type": "@type",
                                     "iso3": "@ref", "is_world_bank_internal": "@ref"}),
    "projects": ("iati-activity", {"project_id": "iati-identifier", "title": "title/narrative",
                                   "partner_id": "participating-org[@role=4]", "area_id": "sector",
                                   "gfmd_item_id": "sector", "objectives": "description",
                                   "expected_results": "result/title", "status": "activity-status/@code",
                                   "requested_usd": "budget/value", "submitted_date": "activity-date",
                                   "decision_date": "transaction[type 2]/value/@value-date",
                                   "start_date": "activity-date[@type=2|1]",
                                   "end_date": "activity-date[@type=4|3]",
                                   "gender_marker": "policy-marker[@vocabulary=1][@code=1]/@significance"}),
    "project_countries": ("recipient-country", {"project_id": "iati-identifier", "iso3": "@code",
                                                "share": "@percentage"}),
    "project_goals": ("sector", {"project_id": "iati-identifier", "goal_id": "@code", "weight": "@percentage",
                                 "is_primary": "@percentage"}),
    "results": ("result", {"result_id": "reference[@vocabulary=99]/@code", "project_id": "iati-identifier",
                           "result_type": "@type", "title": "title/narrative", "description": "description/narrative"}),
    "result_indicators": ("indicator", {"result_indicator_id": "reference[@vocabulary=99]/@code",
                                        "result_id": "result", "title": "title/narrative", "unit": "@ipmd:unit",
                                        "by_sex": "dimension[@name=sex]", "baseline_year": "baseline/@year",
                                        "baseline_value": "baseline/@value"}),
    "indicator_periods": ("period", {"result_indicator_id": "indicator", "period_start": "period-start/@iso-date",
                                     "period_end": "period-end/@iso-date", "sex": "dimension[@name=sex]/@value",
                                     "target_value": "target/@value", "actual_value": "actual/@value"}),
    "report_milestones": ("report milestone", {}),
    "project_documents": ("document-link", {"document_id": "@ipmd:id", "project_id": "iati-identifier",
                                            "title": "title/narrative", "category": "category/@code",
                                            "url": "@url", "document_date": "document-date/@iso-date"}),
    "transactions": ("transaction", {"txn_id": "@ref", "txn_type": "transaction-type/@code",
                                     "iati_code": "transaction-type/@code", "txn_date": "value/@value-date",
                                     "donor_id": "provider-org/@ref", "project_id": "iati-identifier",
                                     "amount_usd": "value", "currency": "value/@currency",
                                     "amount_original": "value"}),
}


# ----------------------------------------------------------------------------------- a tiny safe tree

@dataclass
class Node:
    tag: str
    attrib: dict[str, str]
    line: int
    children: list["Node"] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.attrib.get(name)
        return value.strip() if value is not None and value.strip() else default

    def find(self, tag: str) -> "Node | None":
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list["Node"]:
        return [c for c in self.children if c.tag == tag]

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def narrative(self, lang: str = "en") -> str | None:
        """The narrative in `lang` (or without a language), else the first one."""
        texts = [(n.get("xml:lang"), n.text) for n in self.findall("narrative") if n.text]
        for want in (lang, None):
            for got, text in texts:
                if got == want:
                    return text
        return texts[0][1] if texts else (self.text or None)


class _TreeBuilder(xml.sax.handler.ContentHandler):
    def __init__(self):
        super().__init__()
        self.root: Node | None = None
        self.stack: list[Node] = []
        self.locator = None
        self.count = 0

    def setDocumentLocator(self, locator):
        self.locator = locator

    def startElement(self, name, attrs):
        self.count += 1
        if self.count % 5000 == 0:
            tick("reading the XML", 0.2)
        node = Node(name, dict(attrs.items()), self.locator.getLineNumber() if self.locator else 0)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name):
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].parts.append(content)


def _as_utf8(data: bytes) -> bytes:
    """UTF-16 XML (with a byte-order mark, or starting '<?' in UTF-16) as UTF-8, its declaration saying so."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
                       (b"\x00<\x00?", "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec) if bom.startswith((b"\xff", b"\xfe")) else data.decode(codec)
            except UnicodeDecodeError:
                return data
            text = re.sub(r"""^(<\?xml[^>]*encoding=["'])[^"']*(["'])""", r"\1UTF-8\2", text, count=1)
            return text.encode("utf-8")
    return data


def parse_xml(data: bytes) -> tuple[Node | None, str | None, int | None]:
    """(root, None, None) or (None, a problem in plain words, its line)."""
    data = _as_utf8(data)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return None, "This is not an XML file: it does not start with '<'.", None
    builder = _TreeBuilder()
    try:
        defusedxml.sax.parseString(data, builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        external = re.search(rb"<!ENTITY[^>]*\b(SYSTEM|PUBLIC)\b", data[:65536]) is not None
        what = ("declares an external entity (<!ENTITY … SYSTEM …>), which would make a parser read "
                "another file or a web address" if external else
                "has a document type declaration (<!DOCTYPE …>), which can define entities")
        return None, (f"The XML {what}. Such files are refused and were not read: IATI files have no "
                      "DOCTYPE. Remove it and import again."), data[:data.find(b"<!DOCTYPE")].count(b"\n") + 1
    except xml.sax.SAXParseException as e:
        return None, (f"The XML is not well-formed at line {e.getLineNumber()}, column {e.getColumnNumber()}: "
                      f"{e.getMessage()} (is the file complete?)."), e.getLineNumber()
    return builder.root, None, None


# ------------------------------------------------------------------------------------------- mapping

def alpha2_to_iso3(code: str) -> str | None:
    code = code.strip().upper()
    if code in EXTRA_ALPHA2:
        return EXTRA_ALPHA2[code]
    try:
        country = pycountry.countries.get(alpha_2=code)
    except (KeyError, LookupError):
        country = None
    return country.alpha_3 if country else None


def _norm_ref(ref: str | None) -> str | None:
    if not ref:
        return None
    ref = ref.strip()
    return f"XM-DAC-{ref}" if re.fullmatch(r"\d{5}", ref) else ref


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


class _Mapper:
    def __init__(self, filename: str, reference: "ReferenceData"):
        self.ref = reference
        self.raw = RawLedger("iati", filename)
        for table, (sheet, columns) in LABELS.items():
            self.raw.sheet_labels[table] = sheet
            self.raw.column_labels[table] = columns
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.donors: dict[str, dict] = {}
        self.defaults: list[str] = []
        self.derived_submitted: list[str] = []
        self.placeholders: list[str] = []
        self.skipped_types: dict[str, int] = defaultdict(int)
        self.pledges_13 = 0
        self.unmeasured: list[str] = []

    def problem(self, table: str, line: int, column: str | None, message: str, cell_line: int | None = None,
                element: tuple[str, str] | None = None) -> None:
        """A problem at `line` (in `element`: (its name, the attribute), when not the table's own element);
        the cell it is about (on the row from `cell_line`, default `line`) is not judged again."""
        problem = self.raw.problem(table, line - 2, column, message)
        if element:
            problem = replace(problem, sheet=element[0], column=element[1])
        self.raw.problems.append(problem)
        if column:
            self.raw.reported.add((table, (cell_line or line) - 2, column))

    def add(self, table: str, line: int, **values) -> None:
        self.rows[table].append({"_index": line - 2, **values})

    # ---- organisations
    def partner_for(self, org: Node) -> str | None:
        ref = _norm_ref(org.get("ref"))
        name = org.narrative() or ""
        partners = self.ref.ids.get("partners", frozenset())
        by_upper = {p.upper(): p for p in partners}
        for candidate in PARTNER_REFS.get(ref or "", ()):
            if candidate in partners:
                return candidate
        for text in (ref, name):
            if text and text.upper() in by_upper:
                return by_upper[text.upper()]
        for pid, pname in self.ref.partner_names.items():
            if name and (name.casefold() == str(pname).casefold() or f"({pid.upper()})" in name.upper()):
                return pid
        return None

    def donor(self, org: Node, activity_id: str) -> str | None:
        """Register a funding or provider organisation as a donor; its donor_id."""
        ref = _norm_ref(org.get("ref"))
        name = org.narrative()
        donor_id = ref or name
        if not donor_id:
            return None
        code = org.get("type")
        if donor_id in self.donors:           # the first mention makes the row; a later one may give the type
            known = self.donors[donor_id]
            if known["donor_type"] is None and code in ORG_TYPES:
                known["donor_type"] = ORG_TYPES[code]
            return donor_id
        donor_type = ORG_TYPES.get(code) if code else None
        row = {"_index": org.line - 2, "_type_code": code, "donor_id": donor_id, "name": name or donor_id,
               "donor_type": donor_type, "iso3": None,
               "is_world_bank_internal": bool((ref in WORLD_BANK_REFS) or (name and WORLD_BANK_NAMES.search(name)))}
        if donor_type == "government" and ref and re.match(r"^[A-Z]{2}-", ref) and ref[:2] not in ("XM", "XI", "XR"):
            iso3 = alpha2_to_iso3(ref[:2])
            if iso3 in self.ref.ids.get("countries", ()):
                row["iso3"] = iso3
        if row["is_world_bank_internal"]:
            self.raw.warnings.append(f"Donor {donor_id!r} ({row['name']}) was read as the World Bank's own "
                                     "resources, which count against the 15% ceiling.")
        self.donors[donor_id] = row
        self.rows["donors"].append(row)
        return donor_id

    # ---- one activity
    def activity(self, act: Node, position: int) -> None:
        ident_node = act.find("iati-identifier")
        ident = ident_node.text if ident_node is not None else ""
        if not ident:
            self.problem("projects", act.line, "project_id", f"Activity {position} has no iati-identifier.")
            ident = f"activity-{position}"
        default_currency = act.get("default-currency")
        txns = act.findall("transaction")
        codes = [(t.find("transaction-type").get("code") if t.find("transaction-type") is not None else None)
                 for t in txns]
        implementing = [o for o in act.findall("participating-org") if o.get("role") == "4"]
        funders = [o for o in act.findall("participating-org") if o.get("role") == "1"]
        for org in funders:
            self.donor(org, ident)
        is_project = bool(implementing) or any(c in OUTGOING_CODES for c in codes) \
            or not any(c in INCOMING_CODES for c in codes)
        if not is_project:
            self.raw.warnings.append(f"Activity {ident} only receives money and has no implementing organisation: "
                                     "it was read as the fund's own account (its pledges and deposits are kept; "
                                     "it is not a project).")
        commitments = []
        for n, (t, code) in enumerate(zip(txns, codes), start=1):
            txn = self.transaction(t, code, n, ident, default_currency, funders, is_project)
            if txn and txn["txn_type"] == "commitment":
                commitments.append(txn)
        if is_project:
            self.project(act, ident, implementing, commitments, default_currency)

    def transaction(self, t: Node, code: str | None, n: int, ident: str, default_currency: str | None,
                    funders: list[Node], is_project: bool) -> dict | None:
        if code not in TXN_CODES:
            self.skipped_types[code or "none"] += 1
            return None
        kind, iati_code = TXN_CODES[code]
        if code == "13":
            self.pledges_13 += 1
        value = t.find("value")
        value_text = value.text if value is not None else None
        currency = (value.get("currency") if value is not None else None) or default_currency
        date = value.get("value-date") if value is not None else None
        if not date and t.find("transaction-date") is not None:
            date = t.find("transaction-date").get("iso-date")
        row = {"txn_id": t.get("ref") or f"{ident}#{n}", "txn_type": kind, "iati_code": iati_code,
               "txn_date": date, "donor_id": None, "project_id": ident if kind not in ("pledge", "deposit") else None,
               "amount_usd": None, "currency": currency, "amount_original": value_text}
        if value is None or not value_text:
            self.problem("transactions", t.line, "amount_original", "The transaction has no value.")
        if not currency:
            self.problem("transactions", t.line, "currency", "The value has no @currency and the activity no "
                         "@default-currency: the amount's currency is unknown.")
        if not date:
            self.problem("transactions", t.line, "txn_date", "The value has no @value-date and the transaction "
                         "no transaction-date/@iso-date.")
        if kind in ("pledge", "deposit"):
            provider = t.find("provider-org")
            if provider is not None:
                row["donor_id"] = self.donor(provider, ident)
            elif len(funders) == 1:
                row["donor_id"] = self.donor(funders[0], ident)
            if row["donor_id"] is None:
                self.problem("transactions", t.line, "donor_id", f"This {kind} does not say which donor made it: "
                             "give provider-org with @ref and a narrative (or one funding participating-org).")
        self.add("transactions", t.line, **row)
        return row

    def project(self, act: Node, ident: str, implementing: list[Node], commitments: list[dict],
                default_currency: str | None) -> None:
        partner_id = None
        for org in implementing:
            partner_id = self.partner_for(org)
            if partner_id:
                break
        if implementing and partner_id is None:
            org = implementing[0]
            known = ", ".join(sorted(self.ref.ids.get("partners", ())))
            self.problem("projects", org.line, "partner_id",
                         f"Activity {ident}: the implementing organisation {org.narrative() or ''!r} "
                         f"(ref {org.get('ref')!r}) is not one of the partners ({known}); give a partner id "
                         "as its @ref or name.", cell_line=act.line, element=("participating-org", "@ref"))
        elif not implementing:
            self.problem("projects", act.line, "partner_id", f"Activity {ident} has no implementing organisation "
                         "(participating-org with @role 4), so its partner is unknown.")
        elif len(implementing) > 1:
            self.raw.warnings.append(f"Activity {ident} has {len(implementing)} implementing organisations; "
                                     f"{partner_id} was recorded as its partner.")

        area_id, gfmd_item_id, goals = self.own_sectors(act)
        if area_id is None or not goals:
            self.defaults.append(ident)
            area_id = area_id or (self.ref.sorted_ids("areas_of_work") or [None])[0]
            if not goals:
                goal = (self.ref.sorted_ids("goals") or [None])[0]
                goals = [(goal, 1.0, act.line)]

        descriptions = {d.get("type", "1"): d.narrative() for d in act.findall("description")}
        objectives = descriptions.get("2") or descriptions.get("1")
        results = "; ".join(filter(None, (r.find("title").narrative() for r in act.findall("result")
                                          if r.find("title") is not None)))
        if not objectives or not results:
            self.placeholders.append(ident)
        title = act.find("title")

        dates = {d.get("type"): d.get("iso-date") for d in act.findall("activity-date")}
        known_dates = sorted(filter(None, list(dates.values()) + [c["txn_date"] for c in commitments]))
        decision = min((c["txn_date"] for c in commitments if c["txn_date"]), default=None)
        status_node = act.find("activity-status")
        status_code = status_node.get("code") if status_node is not None else None
        status = STATUS.get(status_code or "")
        if status_code == "1" and commitments:
            status = "approved"
        if status_code == "5" and commitments:
            status = "closed"
        if status is None:
            self.problem("projects", act.line, "status", f"Activity {ident}: activity-status "
                         + (f"code {status_code!r} is not an IATI status (1-6)." if status_code else "is missing."))
        submitted = act.get(f"{EXTENSION_PREFIX}:submitted-date")     # written by ipmd.ledger.iati_export
        if submitted is None and known_dates:
            self.derived_submitted.append(ident)
        self.add("projects", act.line, project_id=ident,
                 title=title.narrative() if title is not None else None, partner_id=partner_id,
                 area_id=area_id, gfmd_item_id=gfmd_item_id,
                 objectives=objectives or "(not given in the IATI file)",
                 expected_results=results or "(not given in the IATI file)", status=status,
                 requested_usd=self.requested_usd(act, ident, commitments, default_currency),
                 submitted_date=submitted or (known_dates[0] if known_dates else None), decision_date=decision,
                 start_date=dates.get("2") or dates.get("1"), end_date=dates.get("4") or dates.get("3"),
                 gender_marker=self.gender_marker(act))
        self.countries(act, ident)
        self.results(act, ident)
        self.documents(act, ident)
        total = sum(w for _, w, _ in goals) or 1.0
        primary = max(range(len(goals)), key=lambda k: goals[k][1])
        for k, (goal, weight, line) in enumerate(goals):
            self.add("project_goals", line, project_id=ident, goal_id=goal, weight=weight / total,
                     is_primary=k == primary)

    # ---- the results framework (issue 20)
    def gender_marker(self, act: Node) -> str | None:
        """The OECD-DAC gender equality marker: policy-marker vocabulary 1 (the default), code 1; its
        @significance (0-3) as written, judged by the validator."""
        for m in act.findall("policy-marker"):
            if m.get("vocabulary", "1") == "1" and m.get("code") == "1":
                return m.get("significance")
        return None

    def results(self, act: Node, ident: str) -> None:
        for n, res in enumerate(act.findall("result"), start=1):
            if not res.findall("indicator"):       # a title only: kept as the project's expected_results
                self.unmeasured.append(ident)
                continue
            rid = _own_reference(res) or f"{ident}-R{n}"
            title = res.find("title")
            description = res.find("description")
            code = res.get("type")
            self.add("results", res.line, result_id=rid, project_id=ident,
                     result_type=RESULT_TYPES.get(code or "", code),
                     title=title.narrative() if title is not None else None,
                     description=description.narrative() if description is not None else None)
            for k, ind in enumerate(res.findall("indicator"), start=1):
                self.indicator(ind, rid, k)

    def indicator(self, ind: Node, rid: str, k: int) -> None:
        iid = _own_reference(ind) or f"{rid}-I{k}"
        unit = ind.get(f"{EXTENSION_PREFIX}:unit") or ("%" if ind.get("measure") == "2" else "units")
        baseline = ind.find("baseline")
        periods = ind.findall("period")
        by_sex = any(_sex(v) is not None for p in periods for v in p.findall("target") + p.findall("actual"))
        title = ind.find("title")
        self.add("result_indicators", ind.line, result_indicator_id=iid, result_id=rid,
                 title=title.narrative() if title is not None else None, unit=unit, by_sex=by_sex,
                 baseline_year=baseline.get("year") if baseline is not None else None,
                 baseline_value=baseline.get("value") if baseline is not None else None)
        for period in periods:
            start, end = period.find("period-start"), period.find("period-end")
            rows: dict[str, dict] = {}
            for kind in ("target", "actual"):
                for value in period.findall(kind):
                    others = [d.get("name") for d in value.findall("dimension") if (d.get("name") or "").lower() != "sex"]
                    if others:
                        self.raw.warnings.append(f"Indicator {iid}: the {kind} on line {value.line} is broken down by "
                                                 f"{', '.join(map(str, others))}; only a breakdown by sex is kept.")
                    sex = _sex(value) or "total"
                    row = rows.setdefault(sex, {"_line": value.line, "sex": sex, "target_value": None,
                                                "actual_value": None})
                    if row[f"{kind}_value"] is not None:
                        self.problem("indicator_periods", value.line, f"{kind}_value",
                                     f"Indicator {iid}: the period from "
                                     f"{start.get('iso-date') if start is not None else '?'} has two {kind} values "
                                     f"for sex {sex!r}; give one.")
                        continue
                    row[f"{kind}_value"] = value.get("value")
            if not rows:                      # a period with neither target nor actual: its target is missing
                rows["total"] = {"_line": period.line, "sex": "total", "target_value": None, "actual_value": None}
            for row in rows.values():
                self.add("indicator_periods", row.pop("_line"), result_indicator_id=iid,
                         period_start=start.get("iso-date") if start is not None else None,
                         period_end=end.get("iso-date") if end is not None else None, **row)

    def documents(self, act: Node, ident: str) -> None:
        for n, link in enumerate(act.findall("document-link"), start=1):
            title, category, day = link.find("title"), link.find("category"), link.find("document-date")
            code = category.get("code") if category is not None else None
            self.add("project_documents", link.line, document_id=link.get(f"{EXTENSION_PREFIX}:id") or f"{ident}-D{n}",
                     project_id=ident, title=title.narrative() if title is not None else None,
                     category=DOCUMENT_CATEGORIES.get(code or "", code), url=link.get("url"),
                     document_date=day.get("iso-date") if day is not None else None)

    def own_sectors(self, act: Node) -> tuple[str | None, str | None, list[tuple[str, float, int]]]:
        area_id = gfmd_item_id = None
        goals = []
        for s in act.findall("sector"):
            if s.get("vocabulary", "1") not in OWN_VOCABULARIES:
                continue
            code = (s.get("code") or "").strip()
            if code.upper() in self.ref.ids.get("areas_of_work", ()):
                area_id = area_id or code.upper()
            elif code.upper() in self.ref.ids.get("goals", ()):
                pct = _number(s.get("percentage"))
                if pct is None and s.get("percentage") is not None:
                    self.problem("project_goals", s.line, "weight", f"The percentage {s.get('percentage')!r} of "
                                 f"sector {code!r} is not a number (write e.g. 50).")
                goals.append((code.upper(), pct if pct is not None else 100.0, s.line))
            elif code in self.ref.ids.get("gfmd_items", ()):
                gfmd_item_id = gfmd_item_id or code
        return area_id, gfmd_item_id, goals

    def requested_usd(self, act: Node, ident: str, commitments: list[dict], default_currency: str | None) -> float:
        budgets = act.findall("budget")
        chosen = [b for b in budgets if b.get("type", "1") == "1"] or budgets
        items = [(b.find("value"), b.line) for b in chosen if b.find("value") is not None]
        if not items:
            items = [(c, None) for c in commitments]
        total = 0.0
        for item, line in items:
            if isinstance(item, dict):
                amount, currency, date = _number(item["amount_original"]), item["currency"], item["txn_date"]
            else:
                amount, currency, date = _number(item.text), item.get("currency") or default_currency, item.get("value-date")
            year = int(date[:4]) if date and re.match(r"\d{4}", date) else None
            found = self.ref.rate(currency, year) if currency and year else None
            if amount is None or found is None:
                if line is not None:
                    self.problem("projects", line, "requested_usd", f"Activity {ident}: a budget value cannot be "
                                 "converted to US$ (it needs a number, a known currency and a value-date).",
                                 cell_line=act.line, element=("budget", "value"))
                continue
            total += amount / found[0]
        return round(total, 2)

    def countries(self, act: Node, ident: str) -> None:
        nodes = act.findall("recipient-country")
        if not nodes:
            self.raw.warnings.append(f"Activity {ident} names no recipient country; it will not appear on maps.")
            return
        pcts = [_number(c.get("percentage")) for c in nodes]
        unreadable = [c for c, p in zip(nodes, pcts) if p is None and c.get("percentage") is not None]
        for c in unreadable:
            self.problem("project_countries", c.line, "share", f"Activity {ident}: the percentage "
                         f"{c.get('percentage')!r} of recipient-country {c.get('code')!r} is not a number "
                         "(write e.g. 40).")
        if unreadable:
            return
        if any(p is None for p in pcts):
            if len(nodes) > 1:
                self.raw.warnings.append(f"Activity {ident}: recipient countries without percentages were given "
                                         "equal shares.")
            pcts = [100.0 / len(nodes)] * len(nodes)
        total = sum(pcts)
        if act.findall("recipient-region") and total and abs(total - 100) > 1e-6:
            self.raw.warnings.append(f"Activity {ident}: recipient regions take {100 - total:g}% of it; the "
                                     "country shares were rescaled to add up to 1.")
            pcts = [p * 100 / total for p in pcts]
        for c, pct in zip(nodes, pcts):
            code = c.get("code") or ""
            iso3 = alpha2_to_iso3(code)
            if iso3 is None:
                self.problem("project_countries", c.line, "iso3", f"Activity {ident}: {code!r} is not an ISO 3166 "
                             "alpha-2 country code.")
            self.add("project_countries", c.line, project_id=ident, iso3=iso3, share=pct / 100)

    # ---- the whole file
    def finish(self) -> RawLedger:
        for row in self.donors.values():
            if row["donor_type"] is None:
                code = row["_type_code"]
                self.problem("donors", row["_index"] + 2, "donor_type",
                             f"The organisation type of donor {row['donor_id']!r} is "
                             + (f"the unknown code {code!r}" if code else "not given")
                             + ": give its @type (10 government, 40 multilateral; 21-24, 30, 60, 70-73, 80 or 90 "
                             "private).")
        for table in SHEET_BY_NAME:
            rows = self.rows.get(table, [])
            columns = SHEET_BY_NAME[table].column_names
            index = [r["_index"] for r in rows]
            self.raw.tables[table] = pd.DataFrame(
                {c: pd.Series([r.get(c) for r in rows], index=index, dtype=object) for c in columns},
                index=pd.Index(index, dtype="int64"), columns=columns)
        w = self.raw.warnings
        if self.defaults:
            area = (self.ref.sorted_ids("areas_of_work") or ["?"])[0]
            goal = (self.ref.sorted_ids("goals") or ["?"])[0]
            w.append(f"{_count(self.defaults, 'activity', 'activities')} ({_few(self.defaults)}) "
                     f"{'names' if len(self.defaults) == 1 else 'name'} no area of work or goal in the fund's own sector vocabulary "
                     f"(vocabulary 99 with codes {', '.join(self.ref.sorted_ids('areas_of_work'))} or "
                     f"{', '.join(self.ref.sorted_ids('goals'))}); DAC sector codes do not say which applies, so "
                     f"area {area} and goal {goal} were given by default. Correct them after exporting the ledger.")
        if self.placeholders:
            w.append(f"{_count(self.placeholders, 'activity', 'activities')} ({_few(self.placeholders)}) "
                     f"{'has' if len(self.placeholders) == 1 else 'have'} no objectives (description) or expected results "
                     "(result/title); '(not given in the IATI file)' was recorded.")
        if self.unmeasured:
            ids = list(dict.fromkeys(self.unmeasured))
            w.append(f"{_count(ids, 'activity', 'activities')} ({_few(ids)}) {'has' if len(ids) == 1 else 'have'} "
                     "results without an indicator: their titles were kept as the expected results, but a result "
                     "of the results framework is measured by at least one indicator, so they were not imported "
                     "as results.")
        if self.derived_submitted:
            w.append("IATI has no submission date: each project's submitted_date is the earliest activity-date "
                     "or commitment of its activity.")
        if self.pledges_13:
            w.append(f"{self.pledges_13} transaction(s) of type 13 (incoming pledge) were read as pledges "
                     "(recorded with IATI code 11, incoming commitment).")
        for code, n in sorted(self.skipped_types.items()):
            w.append(f"{n} transaction(s) of type {code} were skipped: the ledger records types 11, 13, 1, 2, 3 "
                     "and 4 only.")
        return self.raw


def _own_reference(node: Node) -> str | None:
    """The id a result or indicator carries as reference vocabulary 99 (the reporting organisation's own)."""
    for ref in node.findall("reference"):
        if ref.get("vocabulary") == "99" and ref.get("code"):
            return ref.get("code")
    return None


def _sex(value: Node) -> str | None:
    """The sex a target or actual value is given for (its dimension name="sex"), lower-case; None when none."""
    for d in value.findall("dimension"):
        if (d.get("name") or "").strip().lower() == "sex":
            return (d.get("value") or "").strip().lower() or None
    return None


def _count(items: list, one: str, many: str) -> str:
    return f"{len(items)} {one if len(items) == 1 else many}"


def _few(ids: list[str], n: int = 5) -> str:
    return ", ".join(ids[:n]) + (f" and {len(ids) - n} more" if len(ids) > n else "")


def read_iati(data: bytes, filename: str, reference: "ReferenceData | None") -> RawLedger:
    if reference is None:
        raise TypeError("reading IATI needs the database's reference data (partners, countries, rates)")
    mapper = _Mapper(filename, reference)
    raw = mapper.raw
    root, message, line = parse_xml(data)
    if message:
        return raw.fail(message, row=line)
    if root.tag == "iati-activity":
        activities = [root]
    elif root.tag == "iati-activities":
        activities = root.findall("iati-activity")
        version = root.get("version")
        if version and not re.fullmatch(r"2\.0[1-3]", version):
            return raw.fail(f"This is IATI version {version}; version 2.03 is expected (2.01 and 2.02 are read "
                            "too). Export the activities again as IATI 2.03.", sheet="iati-activities",
                            row=root.line, column="@version")
        if version and version != "2.03":
            raw.warnings.append(f"The file says IATI version {version}; it was read as 2.03.")
    else:
        return raw.fail(f"The XML's root element is <{root.tag}>, not <iati-activities>: this is not an IATI "
                        "activity file.", sheet=root.tag, row=root.line)
    if not activities:
        return raw.fail("The file has no iati-activity.", sheet="iati-activities", row=root.line)
    if len(activities) > MAX_ROWS:
        return raw.fail(f"The file has {len(activities):,} activities, above the limit of {MAX_ROWS:,} rows per "
                        f"table; a fund ledger is far smaller (limits: {limits_text()}).", sheet="iati-activities")
    for position, act in enumerate(activities, start=1):
        mapper.activity(act, position)
        if position % 500 == 0:
            tick("reading the activities", 0.3 * position / len(activities))
    raw = mapper.finish()
    big = [t for t, frame in raw.tables.items() if len(frame) > MAX_ROWS]
    if big:
        return RawLedger("iati", filename).fail(
            f"The file holds more than {MAX_ROWS:,} {', '.join(big)} rows, the limit per table; a fund ledger is "
            f"far smaller (limits: {limits_text()}).")
    return raw
