"""Printable documents built on the server from the database: no network, no browser.

One job per module:
    data      what a brief shows (`brief_data` -> BriefData), gathered once for every format
    text      the documents' sentences (source lines, chart summaries, the projects line)
    charts    the matplotlib charts, as images
    palette   the colours, shared with the plotly theme (components/theme.py)
    pdf       the country brief as A4 PDF: country_brief_pdf(con, "MAR", 2024, "fr") -> bytes
    pack      the meeting pack: meeting_pack_pdf(con, ["MAR", "PHL"], 2024, "fr") -> bytes
    slides    the brief as PPTX slides: country_brief_pptx(con, "MEX", 2024, "es") -> bytes
    __main__  the command line: python -m ipmd.documents MAR [PHL ...] [--lang fr] [--slides]
              (and the annual report: python -m ipmd.documents report --year 2014 --lang fr --format docx)
    annual_report  the Secretariat's annual progress report (data, words, pdf, docx)
"""
