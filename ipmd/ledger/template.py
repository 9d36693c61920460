"""The ledger template: which sheets and columns a ledger has, their types and rules.

One declarative spec, read by the reader (which sheets and columns to expect), the validator
(types, required values, allowed values, ranges, references, unique keys), the exporter (column
order and cell formats) and the downloadable template (headers and an instructions sheet).

The columns are those of ipmd/build/schema.sql, less `is_illustrative`: an imported ledger is the
fund's real ledger by definition, so the importer sets that flag itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from ipmd.fund.rules import PROJECT_STATUSES
from ipmd.ledger.invariants import IATI_CODES

# ------------------------------------------------------------------------------------ fixed vocabularies

TXN_TYPES = IATI_CODES       # txn_type -> IATI transaction type: pledge 11, deposit 1, commitment 2, ...
INCOMING_TYPES = ("pledge", "deposit")                          # carry a donor_id
OUTGOING_TYPES = ("commitment", "disbursement", "expenditure")  # carry a project_id
DONOR_TYPES = ("government", "private", "multilateral")
FIRST_YEAR, LAST_YEAR = 1950, 2100    # the dates a ledger may hold


@dataclass(frozen=True)
class Column:
    name: str
    kind: str                       # 'text' | 'integer' | 'number' | 'date' | 'boolean'
    required: bool                  # a value must be given on every row
    description: str
    choices: tuple[str, ...] = ()   # allowed values (text columns)
    minimum: float | None = None    # inclusive bounds (number columns)
    maximum: float | None = None
    refers_to: tuple[str, str] | None = None   # (table, column) the value must exist in
    upper: bool = False             # codes: read case-insensitively, stored upper-case
    example: object = None


@dataclass(frozen=True)
class Sheet:
    name: str
    description: str
    key: tuple[str, ...]            # columns whose values must be unique together
    columns: tuple[Column, ...]
    optional: bool = False          # a ledger may leave the sheet (or CSV file) out: it then has no rows

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SHEETS: tuple[Sheet, ...] = (
    Sheet("donors", "One row per donor to the trust fund.", ("donor_id",), (
        Column("donor_id", "text", True, "Your short, stable id for the donor, e.g. 'DEU-BMZ'.",
               example="DEU-BMZ"),
        Column("name", "text", True, "The donor's name.", example="Germany (BMZ)"),
        Column("donor_type", "text", True, "government, private or multilateral.", choices=DONOR_TYPES,
               example="government"),
        Column("iso3", "text", False, "For governments: the ISO3 country code, e.g. DEU.",
               refers_to=("countries", "iso3"), upper=True, example="DEU"),
        Column("is_world_bank_internal", "boolean", False,
               "TRUE for the World Bank's own resources (Development Grant Facility), which may be at "
               "most 15% of all deposits; blank means FALSE.", example=False),
    )),
    Sheet("projects", "One row per proposal or project, whatever its status.", ("project_id",), (
        Column("project_id", "text", True, "Your short, stable id for the project.", example="P-2009-01"),
        Column("title", "text", True, "The project's title.", example="Remittance cost survey"),
        Column("partner_id", "text", True, "The implementing partner's id, as in the partners table "
               "(e.g. ILO, IOM, WB).", refers_to=("partners", "partner_id"), example="ILO"),
        Column("area_id", "text", True, "The area of work (A or B).", refers_to=("areas_of_work", "area_id"),
               upper=True, example="A"),
        Column("gfmd_item_id", "text", False, "The GFMD roundtable or outcome followed up, e.g. GFMD2007-RT1.",
               refers_to=("gfmd_items", "gfmd_item_id"), example=None),
        Column("objectives", "text", True, "The project's objectives, in a sentence or two.",
               example="Measure the cost of sending remittances."),
        Column("expected_results", "text", True, "The results the project promises.",
               example="A public price database."),
        Column("status", "text", True, "submitted, under_review, approved, active, closed or rejected.",
               choices=PROJECT_STATUSES, example="active"),
        Column("requested_usd", "number", True, "The amount requested, in US dollars.", minimum=0,
               example=250000.0),
        Column("submitted_date", "date", True, "The day the proposal was submitted (YYYY-MM-DD).",
               example="2009-01-15"),
        Column("decision_date", "date", False, "The Oversight Committee's decision (approval or rejection).",
               example="2009-03-01"),
        Column("start_date", "date", False, "The day the project started.", example="2009-04-01"),
        Column("end_date", "date", False, "The day the project ended or is planned to end.",
               example="2010-12-31"),
        Column("gender_marker", "integer", False, "The OECD-DAC gender equality policy marker, as IATI codes "
               "its significance: 0 not targeted, 1 significant objective, 2 principal objective, 3 principal "
               "objective and in support of an action programme. Blank: not screened.", minimum=0, maximum=3,
               example=1),
    )),
    Sheet("project_countries", "The countries each project works in, with shares that add up to 1.",
          ("project_id", "iso3"), (
        Column("project_id", "text", True, "A project_id from the projects sheet.",
               refers_to=("projects", "project_id"), example="P-2009-01"),
        Column("iso3", "text", True, "The ISO3 country code, e.g. PHL.", refers_to=("countries", "iso3"),
               upper=True, example="PHL"),
        Column("share", "number", True, "The share of the project in this country, between 0 and 1; "
               "the shares of one project add up to 1.", minimum=0, maximum=1, example=1.0),
    )),
    Sheet("project_goals", "The partnership goals each project serves, with weights that add up to 1 "
          "and exactly one primary goal.", ("project_id", "goal_id"), (
        Column("project_id", "text", True, "A project_id from the projects sheet.",
               refers_to=("projects", "project_id"), example="P-2009-01"),
        Column("goal_id", "text", True, "The goal (G1, G2 or G3).", refers_to=("goals", "goal_id"),
               upper=True, example="G1"),
        Column("weight", "number", True, "The weight of this goal, between 0 and 1; the weights of one "
               "project add up to 1.", minimum=0, maximum=1, example=1.0),
        Column("is_primary", "boolean", True, "TRUE for the project's one primary goal.", example=True),
    )),
    Sheet("transactions", "Every movement of money: pledges and deposits from donors, the Oversight "
          "Committee's approvals (commitments), disbursements to partners and their expenditure.",
          ("txn_id",), (
        Column("txn_id", "text", True, "Your short, stable id for the transaction.", example="T-0001"),
        Column("txn_type", "text", True, "pledge, deposit, commitment (an approval), disbursement or "
               "expenditure.", choices=tuple(TXN_TYPES), example="deposit"),
        Column("iati_code", "integer", False, "The IATI transaction type: 11 pledge, 1 deposit, "
               "2 commitment, 3 disbursement, 4 expenditure. Blank: taken from txn_type.", example=1),
        Column("txn_date", "date", True, "The value date (YYYY-MM-DD).", example="2009-02-01"),
        Column("donor_id", "text", False, "For pledges and deposits: a donor_id from the donors sheet.",
               refers_to=("donors", "donor_id"), example="DEU-BMZ"),
        Column("project_id", "text", False, "For commitments, disbursements and expenditure: a project_id "
               "from the projects sheet.", refers_to=("projects", "project_id"), example=None),
        Column("amount_usd", "number", False, "The amount in US dollars. Blank: converted from "
               "amount_original at the World Bank's annual average rate for the year of txn_date.",
               minimum=0, example=1000000.0),
        Column("currency", "text", False, "The ISO 4217 code of the original currency, e.g. EUR. "
               "Blank means USD.", upper=True, example="USD"),
        Column("amount_original", "number", False, "The amount in the original currency. Blank for US$ "
               "amounts: taken from amount_usd.", minimum=0, example=1000000.0),
    )),
)

MONEY_TABLES = tuple(s.name for s in SHEETS)       # the five sheets every ledger has

# ------------------------------------------------------------------------- the results framework (issue 20)
# Optional sheets: a ledger without them (every ledger made before them) has no results. Their rules across
# rows (periods within the project's dates, an actual needs a target, sex rows complete ...) are in
# ipmd.ledger.results_rules.

RESULT_TYPES = ("objective", "outcome", "output")                 # IATI result type 3 impact, 2 outcome, 1 output
SEXES = ("total", "female", "male")
REPORT_TYPES = ("progress", "final")
DOCUMENT_CATEGORIES = ("proposal", "budget", "agreement", "report", "evaluation", "web_page")

RESULT_SHEETS: tuple[Sheet, ...] = (
    Sheet("results", "The project's objectives and expected results (outcomes, outputs), one row each.",
          ("result_id",), (
        Column("result_id", "text", True, "Your short, stable id for the result.", example="P-2009-01-R1"),
        Column("project_id", "text", True, "A project_id from the projects sheet.",
               refers_to=("projects", "project_id"), example="P-2009-01"),
        Column("result_type", "text", True, "objective, outcome or output.", choices=RESULT_TYPES,
               example="output"),
        Column("title", "text", True, "The result, in a short sentence.",
               example="Labour migration officials trained"),
        Column("description", "text", False, "More about the result.", example=None),
    ), optional=True),
    Sheet("result_indicators", "How each result is measured: one row per indicator, with its unit and baseline.",
          ("result_indicator_id",), (
        Column("result_indicator_id", "text", True, "Your short, stable id for the indicator.",
               example="P-2009-01-R1-I1"),
        Column("result_id", "text", True, "A result_id from the results sheet.", refers_to=("results", "result_id"),
               example="P-2009-01-R1"),
        Column("title", "text", True, "What is counted or observed.",
               example="Officials trained in labour migration management"),
        Column("unit", "text", True, "The unit of the values, e.g. persons, documents, %.", example="persons"),
        Column("by_sex", "boolean", False, "TRUE when the indicator counts people and its values are given for "
               "women and men (rows female and male in indicator_periods); blank means FALSE.", example=True),
        Column("baseline_year", "integer", False, "The year of the baseline value.", minimum=FIRST_YEAR,
               maximum=LAST_YEAR, example=2009),
        Column("baseline_value", "number", False, "The value before the project (zero or more).", minimum=0,
               example=0.0),
    ), optional=True),
    Sheet("indicator_periods", "Targets and actual values of each indicator by reporting period (and by sex "
          "for indicators counted by sex).", ("result_indicator_id", "period_start", "sex"), (
        Column("result_indicator_id", "text", True, "A result_indicator_id from the result_indicators sheet.",
               refers_to=("result_indicators", "result_indicator_id"), example="P-2009-01-R1-I1"),
        Column("period_start", "date", True, "The first day of the reporting period (YYYY-MM-DD), within the "
               "project's dates.", example="2009-04-01"),
        Column("period_end", "date", True, "The last day of the reporting period, within the project's dates.",
               example="2009-12-31"),
        Column("sex", "text", True, "total, or female / male for an indicator counted by sex (one row each).",
               choices=SEXES, example="female"),
        Column("target_value", "number", False, "Required: the value planned for the period (zero or more).", minimum=0,
               example=20.0),
        Column("actual_value", "number", False, "The value reached; blank until reported.", minimum=0,
               example=18.0),
    ), optional=True),
    Sheet("report_milestones", "The reports each project owes: progress and final reports, when due and when "
          "received.", ("project_id", "report_type", "due_date"), (
        Column("project_id", "text", True, "A project_id from the projects sheet.",
               refers_to=("projects", "project_id"), example="P-2009-01"),
        Column("report_type", "text", True, "progress or final.", choices=REPORT_TYPES, example="progress"),
        Column("due_date", "date", True, "The day the report is due (YYYY-MM-DD).", example="2010-01-31"),
        Column("received_date", "date", False, "The day the Secretariat received it; blank while it has not.",
               example="2010-02-10"),
    ), optional=True),
    Sheet("project_documents", "The project's documents: titles and links.", ("document_id",), (
        Column("document_id", "text", True, "Your short, stable id for the document.", example="P-2009-01-D1"),
        Column("project_id", "text", True, "A project_id from the projects sheet.",
               refers_to=("projects", "project_id"), example="P-2009-01"),
        Column("title", "text", True, "The document's title.", example="First progress report"),
        Column("category", "text", True, "proposal, budget, agreement, report, evaluation or web_page.",
               choices=DOCUMENT_CATEGORIES, example="report"),
        Column("url", "text", False, "Where the document can be read (an http:// or https:// address).",
               example="https://example.org/report.pdf"),
        Column("document_date", "date", False, "The document's date (YYYY-MM-DD).", example="2010-02-10"),
    ), optional=True),
)
RESULT_TABLES = tuple(s.name for s in RESULT_SHEETS)

SHEETS = SHEETS + RESULT_SHEETS
SHEET_BY_NAME = {s.name: s for s in SHEETS}
LEDGER_TABLES = tuple(s.name for s in SHEETS)
REQUIRED_TABLES = tuple(s.name for s in SHEETS if not s.optional)
# the order rows must be deleted in (children first) and inserted in (parents first)
DELETE_ORDER = ("indicator_periods", "result_indicators", "results", "report_milestones", "project_documents",
                "transactions", "project_goals", "project_countries", "projects", "donors")

# upload limits (also used by the admin page): see ipmd.ledger.limits
from ipmd.ledger.limits import MAX_UNCOMPRESSED_BYTES, MAX_UPLOAD_BYTES  # noqa: E402,F401
UPLOAD_EXTENSIONS = (".xlsx", ".csv", ".zip", ".xml")
