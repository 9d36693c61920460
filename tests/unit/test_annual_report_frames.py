"""The annual report over small hand-made ledgers (no database): its figures are those worked out by hand from the
ledger's construction, an undecided proposal never reaches it, and a ledger without results says so in the
PDF and the DOCX."""
from __future__ import annotations

import io

import docx
import pandas as pd
import pypdf
import pytest

from ipmd.documents.annual_report.data import NO_RESULTS_FRAMEWORK, annual_report_from
from ipmd.documents.annual_report.docx import build_docx
from ipmd.documents.annual_report.pdf import ReportPDF, draw_report
from ipmd.documents.annual_report.words import document
from ipmd.documents.pdf import pdf_bytes
from ipmd.i18n import t
from ledger_fixtures import COUNTRIES, PARTNERS, shaped_ledger, with_results

SECRET = "Confidential proposal still under review"


def book_of(tables: dict[str, pd.DataFrame]) -> tuple[dict, dict]:
    """(ledger, results book) as queries.ledger and results.results_ledger give them, from a fixture ledger."""
    t_ = {k: v.copy() for k, v in tables.items()}
    for name in ("projects", "transactions", "results", "result_indicators", "indicator_periods",
                 "report_milestones", "project_documents"):
        if name in t_:
            t_[name]["is_illustrative"] = False
    t_["partners"] = pd.DataFrame(PARTNERS, columns=["partner_id", "name", "partner_type", "is_gmg_member"])
    for name, columns in {"results": ["result_id", "project_id", "result_type", "title", "description"],
                          "result_indicators": ["result_indicator_id", "result_id", "title", "unit", "by_sex",
                                                "baseline_year", "baseline_value"],
                          "indicator_periods": ["result_indicator_id", "period_start", "period_end", "sex",
                                                "target_value", "actual_value"],
                          "report_milestones": ["project_id", "report_type", "due_date", "received_date"],
                          "project_documents": ["document_id", "project_id", "title", "category", "url",
                                                "document_date"]}.items():
        if name not in t_:
            t_[name] = pd.DataFrame(columns=[*columns, "is_illustrative"])
    if "gender_marker" not in t_["projects"]:
        t_["projects"]["gender_marker"] = pd.array([None] * len(t_["projects"]), dtype="Int64")
    return t_, t_


def with_secret_proposal(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A proposal under review in 2009, in Morocco, with an (erroneous) commitment and a result of its own."""
    out = {k: v.copy() for k, v in tables.items()}
    row = out["projects"].iloc[0].to_dict() | {"project_id": "P999", "title": SECRET, "status": "under_review",
                                                "decision_date": None}
    out["projects"] = pd.concat([out["projects"], pd.DataFrame([row])], ignore_index=True)
    out["project_countries"] = pd.concat([out["project_countries"], pd.DataFrame(
        [{"project_id": "P999", "iso3": "MAR", "share": 1.0}])], ignore_index=True)
    out["project_goals"] = pd.concat([out["project_goals"], pd.DataFrame(
        [{"project_id": "P999", "goal_id": "G2", "weight": 1.0, "is_primary": True}])], ignore_index=True)
    txn = out["transactions"].iloc[-1].to_dict() | {"txn_id": "T9999", "txn_type": "commitment", "iati_code": 2,
                                                     "txn_date": pd.Timestamp("2009-06-01").date(),
                                                     "project_id": "P999", "donor_id": None, "amount_usd": 777_777.0}
    out["transactions"] = pd.concat([out["transactions"], pd.DataFrame([txn])], ignore_index=True)
    return out


COUNTRY_TABLE = pd.DataFrame([{"iso3": k, "name_en": v, "name_fr": v, "name_es": v} for k, v in COUNTRIES.items()])
SOURCES = pd.DataFrame([{"source_id": "fund_ledger_import", "title": "Trust fund ledger", "publisher": "Secretariat",
                         "edition": "test", "licence": None}])
META = {"built_at": "2026-01-01T00:00:00Z", "content_hash": "abc"}


def report_for(tables, year: int):
    ledger, book = book_of(tables)
    return annual_report_from(ledger, book, COUNTRY_TABLE, SOURCES, META, year)


@pytest.fixture(scope="module")
def ledger():
    # two donors deposit 1 million each in 2009; four projects (P001, P003 approved in 2009; P002, P004 in 2010) of
    # 400,000 each (0.8 x 2 million / 4), each half transferred and a quarter spent in its year
    return with_secret_proposal(with_results(shaped_ledger(years=(2009, 2010), n_donors=2, n_projects=4,
                                                           iso3s=("PHL", "MEX", "SEN"))))


def test_the_years_figures_are_those_of_the_ledgers_construction(ledger):
    r = report_for(ledger, 2009)
    assert r.line("deposits") == 2_000_000 and r.line("deposits", "prior") == 0
    assert r.line("transfers") == 2 * 200_000
    assert r.approved_usd == 2 * 400_000                       # not the proposal's 777,777
    assert sorted(r.approvals["project_id"]) == ["P001", "P003"]
    assert r.delivery["delivery_rate"] == pytest.approx(0.5)
    assert r.line("balance", "total") == 2_000_000 - 400_000
    assert sorted(r.countries["iso3"]) == ["PHL", "SEN"]       # P001 in PHL, P003 in SEN (not the proposal's MAR)
    assert r.countries_to_date == 2
    r10 = report_for(ledger, 2010)
    assert r10.line("deposits") == 0 and r10.line("deposits", "total") == 2_000_000
    assert sorted(r10.approvals["project_id"]) == ["P002", "P004"]
    assert r10.countries_to_date == 3


def test_results_by_goal_are_the_periods_ending_in_the_year(ledger):
    # with_results: per project, persons trained (women 12 targeted / 9 reached, men 8 / 10) in the period ending
    # with its first year, and a document count (target 0, actual 0: met); P001's primary goal is G1, P003's G3
    res = report_for(ledger, 2009).results.set_index("group")
    for goal in ("G1", "G3"):
        assert res.loc[goal, "indicators_reported"] == 2 and res.loc[goal, "indicators_met"] == 1
        assert res.loc[goal, "people_targeted"] == 20 and res.loc[goal, "people_reached"] == 19
        assert res.loc[goal, "women_reached"] == 9 and res.loc[goal, "men_reached"] == 10
    assert "G2" not in res.index or res.loc["G2", "indicators_reported"] == 0   # the proposal's result is not counted


def test_late_reports_are_the_final_reports_due_in_the_year_and_received_after(ledger):
    # with_results: a progress report due 31 January after the first year (received on the 20th) and a final
    # report due 90 days after the end, received 30 days late
    r = report_for(ledger, 2010)
    assert sorted(zip(r.late["project_id"], r.late["report_type"])) == [("P001", "final"), ("P003", "final")]
    assert (r.late["days_late"] == 30).all()
    assert (r.timeliness.reports_due, r.timeliness.reports_on_time, r.timeliness.reports_late) == (4, 2, 2)


def all_words(doc) -> str:
    parts = [doc.title, doc.heading, doc.subtitle, doc.footer, doc.footer_source, *doc.notices]
    for s in doc.sections:
        parts += [s.title, *s.paragraphs, *s.notes]
        if s.table:
            parts += [*s.table.headers, *(cell for row in s.table.rows for cell in row)]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ("en", "fr", "es"))
def test_an_undecided_proposal_never_appears(ledger, lang):
    for year in (2009, 2010):
        text = all_words(document(report_for(ledger, year), lang))
        assert "P999" not in text and SECRET not in text and "777" not in text


def test_a_ledger_without_results_says_so_in_the_pdf_and_the_docx():
    r = report_for(shaped_ledger(years=(2009, 2010), n_projects=2), 2009)
    assert not r.has_framework
    for lang in ("en", "fr", "es"):
        said = t(NO_RESULTS_FRAMEWORK, lang)
        doc = document(r, lang)
        pdf = ReportPDF(doc)
        draw_report(pdf, doc)
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_bytes(pdf))).pages)
        assert " ".join(said.split()) in " ".join(text.split())
        word = docx.Document(io.BytesIO(build_docx(doc)))
        assert said in [p.text for p in word.paragraphs]


def test_a_real_ledger_has_no_illustrative_label_and_a_year_after_the_last_is_provisional():
    r = report_for(shaped_ledger(years=(2009, 2010), n_projects=2), 2010)
    doc = document(r, "en")
    assert doc.band is None and r.provisional and "(provisional)" in doc.heading
    assert not document(report_for(shaped_ledger(years=(2009, 2010), n_projects=2), 2009), "en").band
