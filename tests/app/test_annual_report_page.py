"""AppTest: the annual report's download buttons at the end of the funds page's sources-and-uses tab: a year
picker kept in the URL (?report=), the PDF and the DOCX built only when clicked, for the year picked. On the seeded
ledger fixture with its results framework; the report's figures against the committed ledger:
tests/data/test_annual_report.py."""
import io

import docx
import pypdf

import pytest

import apptest_pages
from ipmd.documents.annual_report.data import report_years

PAGE = "pages/funds.py"


@pytest.fixture(scope="module", autouse=True)
def con(on_results_fixture_db):
    """The page reads the seeded ledger fixture with its results, and so does the test's list of report years."""
    return on_results_fixture_db


def test_the_report_is_offered_for_the_pages_year_and_built_on_click(deferred_downloads, con):
    years, certified = report_years(con)
    at = apptest_pages.open_page(PAGE, view="uses")
    assert not at.exception, [e.message for e in at.exception]
    assert any(h.value == "Annual progress report" for h in at.subheader)
    picker = at.selectbox(key="report")
    assert picker.value == years[-1] and list(picker.options) == [str(y) for y in years]
    assert any("provisional" in c.value for c in at.caption) == (years[-1] > certified)
    pdf_name, docx_name = f"ipmd_annual_report_{years[-1]}_en.pdf", f"ipmd_annual_report_{years[-1]}_en.docx"
    assert {pdf_name, docx_name} <= set(deferred_downloads)
    pages = pypdf.PdfReader(io.BytesIO(deferred_downloads[pdf_name]())).pages
    assert f"Annual progress report {years[-1]}" in pages[0].extract_text()
    word = docx.Document(io.BytesIO(deferred_downloads[docx_name]()))
    assert any(f"Annual progress report {years[-1]}" in p.text for p in word.paragraphs)


def test_the_year_comes_from_the_link_and_a_bad_one_is_reported(deferred_downloads, con):
    years, _ = report_years(con)
    first = years[0]
    assert len(years) > 1                                  # the link's year is not the default one
    at = apptest_pages.open_page(PAGE, view="uses", report=str(first))
    assert not at.exception
    assert at.selectbox(key="report").value == first
    assert f"ipmd_annual_report_{first}_en.pdf" in deferred_downloads
    assert not any(str(first) in w.value for w in at.warning)

    at = apptest_pages.open_page(PAGE, view="uses", report="1066")
    assert not at.exception
    assert any("1066" in w.value for w in at.warning)
    assert at.selectbox(key="report").value != 1066
