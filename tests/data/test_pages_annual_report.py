"""AppTest: the annual report's download buttons at the end of the funds page's sources-and-uses tab: a year
picker kept in the URL (?report=), the PDF and the DOCX built only when clicked, for the year picked."""
import io

import docx
import pypdf

import apptest_pages
from ipmd import db
from ipmd.documents.annual_report.data import report_years

PAGE = "pages/funds.py"


def test_the_report_is_offered_for_the_pages_year_and_built_on_click(deferred_downloads):
    years, certified = report_years(db.connect())
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


def test_the_year_comes_from_the_link_and_a_bad_one_is_reported(deferred_downloads):
    at = apptest_pages.open_page(PAGE, view="uses", report="2013")
    assert not at.exception
    assert at.selectbox(key="report").value == 2013
    assert "ipmd_annual_report_2013_en.pdf" in deferred_downloads
    assert not any("2013" in w.value for w in at.warning)

    at = apptest_pages.open_page(PAGE, view="uses", report="1066")
    assert not at.exception
    assert any("1066" in w.value for w in at.warning)
    assert at.selectbox(key="report").value != 1066
