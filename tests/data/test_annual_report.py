"""The Secretariat's annual report on the committed database: its figures equal the pages' (the same core
functions) and an independent SQL over the ledger; the PDF and the DOCX open and hold those figures as text in
each language, with no English left in French or Spanish, no undecided proposal, and the illustrative label
and the source on every page."""
from __future__ import annotations

import io
import json
import re

import docx
import pypdf
import pypdfium2
import pytest

from ipmd import REPO_ROOT, results
from ipmd.documents.annual_report.data import annual_report
from ipmd.documents.annual_report.docx import build_docx
from ipmd.documents.annual_report.pdf import ReportPDF, draw_report
from ipmd.documents.annual_report.words import document, pct, usd
from ipmd.documents.pdf import pdf_bytes
from ipmd.fund.report import fund_ladder
from ipmd.i18n import catalog, fmt_number, goal_label, t
from ipmd.portfolio.sources_uses import sources_uses

YEARS = (2012, 2014, 2015)
FUNDED = "('approved', 'active', 'closed')"
TOL = 0.01


def sql(con, text: str, *params):
    return con.execute(text, list(params)).fetchall()


# ------------------------------------------------------------------------------------------- the figures

@pytest.mark.parametrize("year", YEARS)
def test_funds_received_and_used_equal_the_page_and_the_ledger(con, year):
    report = annual_report(con, year)
    page = sources_uses(con, year)
    assert report.sources_uses.table.equals(page.table)
    assert report.provisional == page.provisional
    [(deposits_year, deposits_total)] = sql(con, "SELECT sum(amount_usd) FILTER (year(txn_date) = ?), "
                                                 "sum(amount_usd) FILTER (year(txn_date) <= ?) FROM transactions "
                                                 "WHERE txn_type = 'deposit'", year, year)
    [(transfers_year, transfers_total)] = sql(
        con, f"SELECT sum(t.amount_usd) FILTER (year(t.txn_date) = ?), sum(t.amount_usd) FILTER (year(t.txn_date) <= ?) "
             f"FROM transactions t JOIN projects p USING (project_id) "
             f"WHERE t.txn_type = 'disbursement' AND p.status IN {FUNDED}", year, year)
    assert report.line("deposits") == pytest.approx(deposits_year, abs=TOL)
    assert report.line("deposits", "total") == pytest.approx(deposits_total, abs=TOL)
    assert report.line("transfers") == pytest.approx(transfers_year, abs=TOL)
    assert report.line("balance", "total") == pytest.approx(deposits_total - transfers_total, abs=TOL)


@pytest.mark.parametrize("year", YEARS)
def test_allocations_decided_equal_the_funds_page_and_the_ledger(con, year):
    report = annual_report(con, year)
    assert report.approved_usd == pytest.approx(fund_ladder(con, year, year).ladder.approved, abs=TOL)
    rows = sql(con, f"SELECT t.project_id, sum(t.amount_usd) FROM transactions t JOIN projects p USING (project_id) "
                    f"WHERE t.txn_type = 'commitment' AND year(t.txn_date) = ? AND p.status IN {FUNDED} "
                    f"GROUP BY t.project_id", year)
    assert rows, "the demonstration ledger approves projects every year"
    assert dict(zip(report.approvals["project_id"], report.approvals["approved_usd"])) == pytest.approx(dict(rows))
    assert report.approved_usd == pytest.approx(sum(v for _, v in rows), abs=TOL)
    [(declined,)] = sql(con, "SELECT count(*) FROM projects WHERE status = 'rejected' AND year(decision_date) = ?", year)
    assert report.declined == declined


@pytest.mark.parametrize("year", YEARS)
def test_results_by_goal_equal_the_coverage_query_and_the_ledger(con, year):
    report = annual_report(con, year)
    assert report.results.equals(results.portfolio_results(con, "goal", year))
    # per indicator of a funded project, over its periods ending in the year that were reported
    rows = sql(con, f"""
        WITH reported AS (
            SELECT i.result_indicator_id, r.project_id, i.unit, ip.sex, ip.target_value, ip.actual_value
            FROM indicator_periods ip JOIN result_indicators i USING (result_indicator_id)
            JOIN results r USING (result_id) JOIN projects p ON p.project_id = r.project_id
            WHERE p.status IN {FUNDED} AND year(ip.period_end) = ? AND ip.actual_value IS NOT NULL),
        per_indicator AS (
            SELECT result_indicator_id, project_id, sum(target_value) AS target, sum(actual_value) AS actual
            FROM reported GROUP BY ALL)
        SELECT g.goal_id, count(*), count(*) FILTER (actual >= target),
               (SELECT sum(target_value) FROM reported x JOIN project_goals h USING (project_id)
                WHERE h.is_primary AND h.goal_id = g.goal_id AND x.unit = 'persons'),
               (SELECT sum(actual_value) FROM reported x JOIN project_goals h USING (project_id)
                WHERE h.is_primary AND h.goal_id = g.goal_id AND x.unit = 'persons' AND x.sex = 'female')
        FROM per_indicator JOIN project_goals g USING (project_id) WHERE g.is_primary GROUP BY g.goal_id""", year)
    assert rows
    shown = report.results.set_index("group")
    for goal, reported, met, targeted, women in rows:
        assert shown.loc[goal, "indicators_reported"] == reported
        assert shown.loc[goal, "indicators_met"] == met
        assert shown.loc[goal, "people_targeted"] == pytest.approx(targeted or 0)
        assert shown.loc[goal, "women_reached"] == pytest.approx(women or 0)


@pytest.mark.parametrize("year", YEARS)
def test_late_reports_and_countries_reached_equal_the_ledger(con, year):
    report = annual_report(con, year)
    assert report.late.drop(columns=["title", "partner_id"]).sort_values(["project_id", "report_type"]).reset_index(
        drop=True).equals(results.late_reports(con, year=year)[list(report.late.columns[[0, 3, 4, 5, 6, 7]])]
                          .sort_values(["project_id", "report_type"]).reset_index(drop=True))
    late = sql(con, f"SELECT m.project_id, m.report_type FROM report_milestones m JOIN projects p USING (project_id) "
                    f"WHERE p.status IN {FUNDED} AND year(m.due_date) = ? "
                    f"AND (m.received_date IS NULL OR m.received_date > m.due_date)", year)
    assert sorted(zip(report.late["project_id"], report.late["report_type"])) == sorted(late)
    due = sql(con, f"SELECT count(*) FROM report_milestones m JOIN projects p USING (project_id) "
                   f"WHERE p.status IN {FUNDED} AND year(m.due_date) = ?", year)[0][0]
    assert report.timeliness.reports_due == due
    reached = sql(con, f"SELECT DISTINCT c.iso3 FROM transactions t JOIN projects p USING (project_id) "
                       f"JOIN project_countries c USING (project_id) WHERE t.txn_type = 'disbursement' "
                       f"AND year(t.txn_date) = ? AND p.status IN {FUNDED}", year)
    assert sorted(report.countries["iso3"]) == sorted(r[0] for r in reached)
    [(spent, transferred)] = sql(
        con, f"SELECT sum(t.amount_usd) FILTER (t.txn_type = 'expenditure'), "
             f"sum(t.amount_usd) FILTER (t.txn_type = 'disbursement') FROM transactions t JOIN projects p "
             f"USING (project_id) WHERE year(t.txn_date) = ? AND p.status IN {FUNDED}", year)
    assert report.delivery["delivery_rate"] == pytest.approx(spent / transferred)


def test_the_ledgers_last_year_is_provisional_and_said_so(con):
    [(last,)] = sql(con, "SELECT max(year(txn_date)) FROM transactions")
    assert annual_report(con, last).provisional and not annual_report(con, last - 1).provisional
    assert "(provisional)" in document(annual_report(con, last), "en").heading
    assert "(provisoire)" in document(annual_report(con, last), "fr").heading
    assert "provisional" not in document(annual_report(con, last - 1), "en").heading


# ------------------------------------------------------------------------------------------- the files

def flat(text: str) -> str:
    """Text without any kind of space (PDF extraction and Word runs space numbers differently)."""
    return re.sub(r"[\s\u00a0\u202f\u2009]+", "", text)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> tuple[str, str, str]:
    """(body, header, footer) text of a DOCX, tables included."""
    word = docx.Document(io.BytesIO(data))
    body = [p.text for p in word.paragraphs]
    body += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    section = word.sections[0]
    return ("\n".join(body), "\n".join(p.text for p in section.header.paragraphs),
            "\n".join(p.text for p in section.footer.paragraphs))


@pytest.fixture(scope="module")
def files(con):
    """{lang: (report, document, pdf bytes, docx bytes)} for 2014."""
    report = annual_report(con, 2014)
    out = {}
    for lang in ("en", "fr", "es"):
        doc = document(report, lang)
        pdf = ReportPDF(doc)
        draw_report(pdf, doc)
        out[lang] = (report, doc, pdf_bytes(pdf), build_docx(doc))
    return out


def expected_figures(report, lang: str) -> list[str]:
    """Figures the report must print, formatted as the language writes them."""
    res = report.results
    res = res[res["indicators_reported"] > 0]
    return [usd(report.line("deposits"), lang), usd(report.line("transfers"), lang),
            usd(report.line("balance", "total"), lang), usd(report.approved_usd, lang),
            pct(report.delivery["delivery_rate"], lang),
            *(usd(v, lang) for v in report.approvals["approved_usd"]),
            *report.approvals["project_id"], *report.late["project_id"],
            *(goal_label(g, lang) for g in res["group"]),
            *(fmt_number(v, lang) for v in res["people_reached"]),
            *(fmt_number(v, lang) for v in res["indicators_met"])]


@pytest.mark.parametrize("lang", ("en", "fr", "es"))
def test_the_pdf_opens_and_holds_the_figures_with_label_and_source_on_every_page(files, lang):
    report, doc, data, _ = files[lang]
    pages = pdf_pages(data)
    assert len(pages) >= 2
    text = flat("\n".join(pages))
    missing = [f for f in expected_figures(report, lang) if flat(f) not in text]
    assert not missing
    for page in pages:
        assert flat(doc.band) in flat(page)                        # the illustrative label
        assert flat(doc.footer_source) in flat(page)                 # the source
    assert flat(t("notice.illustrative", lang)) in text


@pytest.mark.parametrize("lang", ("en", "fr", "es"))
def test_the_docx_opens_and_holds_the_figures_with_label_and_source_in_header_and_footer(files, lang):
    report, doc, _, data = files[lang]
    body, header, footer = docx_text(data)
    missing = [f for f in expected_figures(report, lang) if flat(f) not in flat(body)]
    assert not missing
    assert header == doc.band and doc.footer_source in footer


def english_fragments() -> set[str]:
    """The fixed parts (between placeholders) of the English messages the report uses, long enough to be
    words of a sentence rather than a shared name."""
    keys = [k for k in json.loads((REPO_ROOT / "ipmd/locales/en/annual_report.json").read_text())
            if not k.startswith("annual_report.download")]
    keys += [k for k in catalog("en") if k.startswith(("sources_uses.line.", "sources_uses.col."))]
    out = set()
    for key in keys:
        out.update(part.strip() for part in re.split(r"\{\w+\}", catalog("en")[key]) if len(part.strip()) >= 12)
    return out


@pytest.mark.parametrize("lang", ("fr", "es"))
def test_no_english_is_left_in_french_or_spanish(files, lang):
    report, _, pdf, word = files[lang]
    names = " ".join([*report.approvals["title"], *report.late["title"].astype(str),
                      *report.sources_uses.by_partner["name"], str(report.source.get("title"))])
    text = flat("\n".join(pdf_pages(pdf))) + flat("\n".join(docx_text(word)))
    left = [f for f in english_fragments() if flat(f) in text and flat(f) not in flat(names)]
    assert not left


def test_undecided_proposals_never_appear(con, files):
    undecided = sql(con, "SELECT project_id, title FROM projects WHERE status IN ('submitted', 'under_review')")
    assert undecided
    funded_titles = {r[0] for r in sql(con, f"SELECT title FROM projects WHERE status IN {FUNDED}")}
    for lang, (_, _, pdf, word) in files.items():
        text = "\n".join(pdf_pages(pdf)) + "\n".join(docx_text(word))
        for project_id, title in undecided:
            assert project_id not in text
            if title not in funded_titles:
                assert title not in text


def test_the_pdf_pages_render(files, tmp_path):
    """Every page renders to an image with ink on it (pypdfium2), as a reader's viewer draws it."""
    _, _, data, _ = files["fr"]
    pdf = pypdfium2.PdfDocument(data)
    for n in range(len(pdf)):
        image = pdf[n].render(scale=1).to_pil().convert("L")
        path = tmp_path / f"annual_report_fr_{n}.png"
        image.save(path)
        assert path.stat().st_size > 0
        lo, hi = image.getextrema()
        assert lo < 100 and hi > 200                       # text on a white page
