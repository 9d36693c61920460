"""Country briefs (PDF, PPTX) and meeting packs, built from the bundled database (read-only).

Each brief is opened with pypdf / python-pptx and its text is checked against the database: the figures
from load_profile, formatted with the i18n functions in the brief's language. Generation time is
printed (pytest -s), never asserted.
"""
from __future__ import annotations

import io
import re
import time
from datetime import date

import pytest
from pptx import Presentation
from pypdf import PdfReader

from ipmd import db
from ipmd.fund import summary as fund_summary
from ipmd.documents import slides
from ipmd.documents.pack import meeting_pack_pdf
from ipmd.documents.pdf import country_brief_pdf
from ipmd.i18n import country_name, fmt_compact, fmt_date, fmt_pct, fmt_usd, t
from ipmd.profiles.country import load_profile

YEAR = 2024


@pytest.fixture(scope="module")
def con():
    path = db.db_path()
    if not path.exists():
        pytest.skip(f"{path} is not built (python -m ipmd.build)")
    connection = db.connect(path)
    yield connection
    connection.close()


def plain(text: str) -> str:
    """Extracted text with every kind of space (no-break, narrow no-break, line breaks) as one space."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), plain(" ".join(page.extract_text() for page in reader.pages))


def timed(label: str, build, *args):
    start = time.perf_counter()
    out = build(*args)
    print(f"{label}: {time.perf_counter() - start:.2f}s, {len(out) / 1024:.0f} KiB")
    return out


_BUILT: dict[tuple[str, str], bytes] = {}


def brief_pdf(con, iso3: str, lang: str) -> bytes:
    """The brief, built once per test session (several tests read the same one)."""
    if (iso3, lang) not in _BUILT:
        _BUILT[iso3, lang] = timed(f"brief {iso3} {lang}", country_brief_pdf, con, iso3, YEAR, lang)
    return _BUILT[iso3, lang]


def sparse_country(con) -> str:
    """The country or area with the fewest observations (a small territory with most indicators missing)."""
    return con.execute("""SELECT c.iso3 FROM countries c LEFT JOIN observations o USING (iso3)
                          GROUP BY c.iso3 ORDER BY count(o.iso3), c.iso3 LIMIT 1""").fetchone()[0]


def country_without_projects(con) -> str:
    for iso3 in ("DEU", "FRA", "USA", "CAN", "JPN", "AUS"):
        if fund_summary.country_projects(con, iso3).empty:
            return iso3
    pytest.fail("no candidate country without partnership projects")


def country_with_projects(con) -> str:
    for iso3 in ("MAR", "PHL", "SEN", "NPL", "KEN", "BGD", "GTM", "MDA"):
        if not fund_summary.country_projects(con, iso3).empty:
            return iso3
    iso3 = con.execute("SELECT min(iso3) FROM project_countries").fetchone()[0]
    assert iso3, "the ledger has no project with a country"
    return iso3


def expected_figures(con, iso3: str, lang: str) -> dict[str, str]:
    """Headline figures as the brief must print them, formatted here with the i18n functions."""
    profile = load_profile(con, iso3, YEAR)

    def pct(value, language):   # a share below 1% keeps two significant digits (0.080%, not 0.1%)
        return fmt_pct(value, language, significant=2)

    formats = {
        "immigrant_stock": fmt_compact, "emigrant_stock": fmt_compact, "population": fmt_compact,
        "refugees_hosted": fmt_compact, "remittances_received_usd": fmt_usd, "remittances_paid_usd": fmt_usd,
        "remittance_cost_inbound_pct": pct, "immigrant_pct_pop": pct, "emigrant_female_share": pct,
        "gdp_per_capita_usd": lambda v, language: fmt_usd(v, language, compact=False),
    }
    return {ind: fmt(profile.figure(ind).value, lang) for ind, fmt in formats.items() if profile.figure(ind)}


def check_brief(con, iso3: str, lang: str) -> str:
    data = brief_pdf(con, iso3, lang)
    assert data.startswith(b"%PDF-")
    pages, text = pdf_text(data)
    assert pages in (1, 2), f"{iso3}: {pages} pages"
    profile = load_profile(con, iso3, YEAR)
    name = country_name(profile.country, lang)
    assert plain(name) in text
    for indicator, shown in expected_figures(con, iso3, lang).items():
        assert plain(shown) in text, f"{iso3} {lang}: {indicator} should read {shown!r}"
        assert str(profile.figure(indicator).year) in text
    for key in ("brief.section.headline", "brief.section.sources", "profile.immigrants", "profile.remittances_received",
                "profile.cost", "brief.region", "brief.income_group"):
        assert plain(t(key, lang)) in text, f"{iso3} {lang}: missing label {key}"
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert plain(meta["data_edition"]) in text
    return text


@pytest.mark.parametrize("iso3, lang", [("PHL", "en"), ("MAR", "fr"), ("MEX", "es")])
def test_brief_shows_the_profile_figures_in_its_language(con, iso3, lang):
    text = check_brief(con, iso3, lang)
    assert plain(fmt_date(date.today(), lang)) in text or plain(fmt_date(date.fromordinal(date.today().toordinal() - 1), lang)) in text


def test_french_brief_is_french(con):
    text = check_brief(con, "MAR", "fr")
    assert "Maroc" in text and "Chiffres clés" in text and "Sources et notes" in text
    assert re.search(r"\d+,\d millions?", text), "French decimal comma and 'million(s)'"
    assert "Morocco" not in text.split(t("profile.partnership.title", "fr"))[0]   # project titles are data


def test_brief_with_missing_indicators_says_so(con):
    iso3 = sparse_country(con)
    profile = load_profile(con, iso3, YEAR)
    missing = [ind for ind in ("immigrant_stock", "remittances_received_usd", "population", "remittance_cost_inbound_pct")
               if profile.figure(ind) is None]
    assert missing, f"{iso3} was expected to lack some headline figures"
    for lang in ("en", "es"):
        text = check_brief(con, iso3, lang)
        assert "–" in text
        assert t("common.no_data", lang) in text


def test_brief_for_a_country_without_projects_says_so_plainly(con):
    iso3 = country_without_projects(con)
    text = check_brief(con, iso3, "fr")
    name = country_name(load_profile(con, iso3, YEAR).country, "fr")
    assert plain(t("profile.partnership.none", "fr", country=name)) in text
    assert plain(t("notice.illustrative", "fr")) not in text


def test_brief_labels_illustrative_projects(con):
    iso3 = country_with_projects(con)
    projects = fund_summary.country_projects(con, iso3)
    text = check_brief(con, iso3, "en")
    assert plain(t("profile.partnership.title", "en")) in text
    if projects["is_illustrative"].any():
        assert plain(t("notice.illustrative", "en")) in text
    assert plain(str(projects.iloc[0]["title"]))[:30] in text


def test_brief_embeds_a_unicode_font(con):
    data = brief_pdf(con, "CIV", "fr")
    assert b"/FontFile2" in data                       # TrueType embedded, so accents print anywhere
    _, text = pdf_text(data)
    assert "Côte d'Ivoire" in text or "Côte d’Ivoire" in text


def test_unknown_country_or_language_is_a_clear_error(con):
    with pytest.raises(ValueError, match="XYZ"):
        country_brief_pdf(con, "XYZ", YEAR, "en")
    with pytest.raises(ValueError, match="XYZ"):
        slides.country_brief_pptx(con, "XYZ", YEAR, "en")
    with pytest.raises(ValueError, match="language"):
        country_brief_pdf(con, "MAR", YEAR, "de")
    with pytest.raises(ValueError, match="XYZ"):
        meeting_pack_pdf(con, ["MAR", "XYZ"], YEAR, "en")
    with pytest.raises(ValueError, match="at least one"):
        meeting_pack_pdf(con, [], YEAR, "en")


def test_meeting_pack_is_a_comparison_page_then_each_brief(con):
    codes = ["MAR", "PHL", "MEX"]
    pack = timed("meeting pack", meeting_pack_pdf, con, codes + ["MAR"], YEAR, "fr")   # duplicate dropped
    pages, text = pdf_text(pack)
    single = [pdf_text(brief_pdf(con, code, "fr"))[0] for code in codes]
    assert pages == 1 + sum(single)
    first = plain(PdfReader(io.BytesIO(pack)).pages[0].extract_text())
    assert plain(t("brief.pack.title", "fr")) in first
    for code in codes:
        profile = load_profile(con, code, YEAR)
        assert plain(country_name(profile.country, "fr")) in first
        for indicator in ("immigrant_stock", "remittances_received_usd"):
            fmt = fmt_usd if indicator.endswith("usd") else fmt_compact
            assert plain(fmt(profile.figure(indicator).value, "fr")) in first
    reader = PdfReader(io.BytesIO(pack))
    assert [item.title for item in reader.outline][:4] == [t("brief.pack.title", "fr"), "Maroc", "Philippines", "Mexique"]


def test_slides_have_one_idea_per_slide_in_spanish(con):
    data = timed("slides MEX es", slides.country_brief_pptx, con, "MEX", YEAR, "es")
    deck = Presentation(io.BytesIO(data))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles == ["México", "Cifras principales", t("profile.chart.stocks", "es"), "Evolución de las remesas",
                      t("profile.chart.corridors", "es", year=YEAR), t("profile.partnership.title", "es")] + [
                      f"Fuentes y notas ({i}/{len(titles) - 6})" for i in range(1, len(titles) - 5)]
    assert len(titles) > 7, "the sources fit one slide only at an unreadable size"
    # every sources slide at a size a projected room can read
    for slide in list(deck.slides)[6:]:
        body = [run for shape in slide.shapes if shape.has_text_frame and shape != slide.shapes.title
                for paragraph in shape.text_frame.paragraphs for run in paragraph.runs]
        assert body and min(run.font.size.pt for run in body) >= 16
        assert sum(len(run.text) for run in body) <= slides.LINE_CHARS * slides.SLIDE_LINES
    text = plain(" ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                          if shape.has_text_frame))
    tables = plain(" ".join(cell.text for slide in deck.slides for shape in slide.shapes if shape.has_table
                            for row in shape.table.rows for cell in row.cells))
    for indicator, shown in expected_figures(con, "MEX", "es").items():
        assert plain(shown) in tables, f"{indicator}: {shown!r}"
    assert plain(t("profile.partnership.none", "es", country="México")) in text
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 3 and all(p._element.nvPicPr.cNvPr.get("descr") for p in pictures)


def test_slides_for_a_sparse_country_still_build(con):
    iso3 = sparse_country(con)
    deck = Presentation(io.BytesIO(slides.country_brief_pptx(con, iso3, YEAR, "fr")))
    assert len(deck.slides) >= 7
    assert deck.slides[1].shapes.title.text == "Chiffres clés"
    assert deck.slides[6].shapes.title.text.startswith("Sources et notes")


def test_brief_buttons_render_in_the_interface_language(con):
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from components.brief_buttons import brief_downloads, meeting_pack_picker
        st.session_state["lang"] = "fr"
        brief_downloads("MAR", 2024, "fr")
        meeting_pack_picker(2024, "fr")

    at = AppTest.from_function(page, default_timeout=60)
    at.query_params["pack"] = "MAR,PHL,XYZ"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels == ["Note de pays (PDF)", "Diapositives (PPTX)", "Dossier de réunion (PDF)"]
    assert not buttons[2].proto.disabled
    assert at.multiselect[0].value == ["MAR", "PHL"]
    assert any("XYZ" in w.value for w in at.warning)
