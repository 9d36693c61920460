"""The Secretariat's annual progress report of the trust fund, for the Oversight Committee and the Global Forum
(issue 20, part 5), in English, French or Spanish, for one year:

    data   annual_report(con, year) -> AnnualReport: the numbers and message keys, no words (one gathering
           for every format); annual_report_from(...) its pure twin over frames
    words  the report's sentences and table cells in a language, shared by both formats
    pdf    annual_report_pdf(con, 2014, "fr") -> bytes (A4, fpdf2, the brief's layout, palette and fonts)
    docx   annual_report_docx(con, 2014, "fr") -> bytes (python-docx)

Command line: python -m ipmd.documents report --year 2014 --lang fr --format pdf --out report.pdf
"""
from ipmd.documents.annual_report.data import AnnualReport, annual_report, annual_report_from

__all__ = ["AnnualReport", "annual_report", "annual_report_from"]
