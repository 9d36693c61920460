"""Every page, in English, French and Spanish, on a 1280×720 projector and a 390×844 phone (issue 17).

On each page: no key figure, heading, caption, navigation label or table header is cut (an element's
scrollWidth within its clientWidth where it hides its overflow; a table header running into the next column),
the document's `lang` is the page's language, no English leftover appears on a French or Spanish page, chart
text is at least 4.5:1 on white, and axe-core (bundled by axe-playwright-python, runs offline) finds no serious or critical violation.

One server and one browser for the whole module, and one browser context per language and size that the
page tests share, so the run stays short on a 2-core CI machine; one test per page, language and size, so a
page is checked alone with `-k` (e.g. `-k "compare and fr"`). Screenshots of each page are saved under
tests/browser/screenshots/ (git-ignored) as screens_<size>_<lang>_<page>.png.
"""
from __future__ import annotations

import re

import pytest
from babel.numbers import format_decimal

import browser_helpers as bh
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

SIZES = {"projector": {"width": 1280, "height": 720}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("en", "fr", "es")
PAGES = [
    ("overview", "/"),
    ("country", "/country?country=MEX"),
    ("country_projects", "/country?country=JOR"),
    ("coverage", "/coverage"),
    ("coverage_map", "/coverage?view=map"),
    ("funds", "/funds"),
    ("funds_donors", "/funds?view=donors"),
    ("allocation", "/allocation"),
    ("admin", "/admin"),
    ("methods", "/methods"),
    # the screens of issue 19: a comparison by link, a project and a donor (the largest of each in the bundled
    # ledger: tests/browser/test_project_donor_in_browser.py), the funds page's sources and uses
    ("compare", "/compare?compare=MAR,TUN,PHL"),
    ("project", "/project?project=IPMD-2015-001"),
    ("donor", "/donor?donor=WB-DGF"),
    ("funds_uses", "/funds?view=uses"),
    ("compare_stocks", "/compare?compare=MAR,TUN,PHL&view=stocks"),
    ("compare_corridors", "/compare?compare=MAR,TUN,PHL&view=corridors"),
    ("donor_by_country", "/donor?donor=WB-DGF&by=country"),
    # the overview map on two of issue 19's indicators: a rate per 100,000 and a rate of change (below 0 too)
    ("overview_sdg_10_7_4", "/?indicator=sdg_10_7_4_refugees_per_100k"),
    ("overview_change_rate", "/?indicator=immigrant_stock_change_rate"),
]
# English words and phrases that were left untranslated on French and Spanish pages (issue 17), and others
# of the same kind. Matched as whole words in the page's visible text, tooltips and labels.
LEFTOVERS = ["Copy to clipboard", "IPMD build", "derived", "Data:", "Built", "Trust fund", "Remittances",
             "Country profiles", "Overview", "Source:", "Sources:", "illustrative demonstration",
             "Show the data", "Download", "Year", "Copy link", "International Migrant Stock",
             "World Development Indicators", "Refugee Population Statistics", "persons", "per 100,000"]
# Kept: names that are the same in every language (publishers, the app's acronym), matched before the
# leftovers so that "UN DESA" or "KNOMAD" never count.

# Installed before any page script: st.dataframe draws its headers on a canvas (glide-data-grid), clipped to
# their column with no ellipsis. Remembers where each header text was last drawn (x, width) in each canvas.
CANVAS_HOOK = r"""
(() => {
  if (window.__ipmdCanvasHooked) return;
  window.__ipmdCanvasHooked = true;
  window.__ipmdHeaders = new Map();
  let next = 0;
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    const m = this.getTransform(), top = y * m.d + m.f;
    if (top < 36 * (window.devicePixelRatio || 1) && this.canvas.closest && this.canvas.closest('[data-testid="stDataFrame"]')) {
      if (!this.canvas.__ipmdId) this.canvas.__ipmdId = ++next;
      const ratio = window.devicePixelRatio || 1;
      window.__ipmdHeaders.set(`${this.canvas.__ipmdId}|${text}`, {canvas: this.canvas.__ipmdId, text: String(text),
        x: (x * m.a + m.e) / ratio, width: this.measureText(String(text)).width * m.a / ratio});
    }
    return fill.call(this, text, x, y, ...rest);
  };
})();
"""

# Elements that show a figure, a title or a label: cut when they hide overflowing text.
CUT_JS = r"""() => {
  const sel = ['[data-testid="stMetricValue"]', '[data-testid="stMetricValue"] *', '[data-testid="stMetricLabel"]',
    '[data-testid="stMetricLabel"] *', '[data-testid="stCaptionContainer"]', '[data-testid="stHeading"] *',
    '[data-testid="stPageLink-NavLink"] *', '[data-testid="stSidebarNavLink"] *', '[data-testid="stNavSectionHeader"] *',
    '[data-testid="stTab"] *', '[data-testid="stTable"] th',
    '[data-testid="stWidgetLabel"] *', '[data-testid="stExpander"] summary *', 'button p'].join(',');
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (!el.getClientRects().length || !el.innerText || !el.innerText.trim()) continue;
    const s = getComputedStyle(el);
    const hides = s.overflowX !== 'visible' || s.textOverflow === 'ellipsis';
    if (hides && el.scrollWidth > el.clientWidth + 1)
      out.push(`${el.closest('[data-testid]')?.getAttribute('data-testid')}: "${el.innerText.trim().slice(0, 60)}" `
               + `(${el.scrollWidth} > ${el.clientWidth} px)`);
  }
  // the open tab out of view: a tab bar that scrolls sideways hid it behind an arrow on a phone (static/ipmd.css)
  for (const tab of document.querySelectorAll('[role="tablist"] [role="tab"][aria-selected="true"]')) {
    const bar = tab.closest('[role="tablist"]').parentElement.getBoundingClientRect(), r = tab.getBoundingClientRect();
    if (r.right > bar.right + 1 || r.left < bar.left - 1)
      out.push(`open tab out of view: "${tab.innerText.trim().slice(0, 60)}" (${Math.round(r.left)}-${Math.round(r.right)} px, `
               + `bar ${Math.round(bar.left)}-${Math.round(bar.right)} px)`);
  }
  // chart titles: plotly draws them on one line, cut at the chart's edge
  for (const svg of document.querySelectorAll('.js-plotly-plot .main-svg:first-of-type')) {
    const box = svg.getBoundingClientRect();
    for (const title of svg.parentElement.querySelectorAll('.gtitle')) {
      const r = title.getBoundingClientRect();
      if (r.width && (r.right > box.right + 1 || r.left < box.left - 1))
        out.push(`chart title: "${title.textContent.slice(0, 60)}" (${Math.round(r.width)} px in ${Math.round(box.width)} px)`);
    }
  }
  // table headers (CANVAS_HOOK): a header is cut when its text runs into the next column's header
  const byCanvas = {};
  for (const h of (window.__ipmdHeaders || new Map()).values()) (byCanvas[h.canvas] = byCanvas[h.canvas] || []).push(h);
  for (const headers of Object.values(byCanvas)) {
    headers.sort((a, b) => a.x - b.x);
    for (let i = 0; i + 1 < headers.length; i++)
      if (headers[i].x + headers[i].width > headers[i + 1].x - 8)
        out.push(`table header: "${headers[i].text}" (${Math.round(headers[i].width)} px of text, `
                 + `${Math.round(headers[i + 1].x - headers[i].x - 8)} px of column)`);
  }
  return Array.from(new Set(out));
}"""

# Chart text (axis ticks and titles, legends, colour bars) below 4.5:1 on white, as "text (ratio)".
CHART_CONTRAST_JS = r"""() => {
  const lum = (rgb) => {
    const c = rgb.match(/[\d.]+/g).slice(0, 3).map(v => { v = v / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const out = [];
  for (const el of document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, '
      + '.js-plotly-plot .g-xtitle text, .js-plotly-plot .g-ytitle text, .js-plotly-plot .legendtext, .js-plotly-plot .cbaxis text')) {
    const ratio = 1.05 / (lum(getComputedStyle(el).fill) + 0.05);
    if (ratio < 4.5) out.push(`${el.textContent.slice(0, 20)} (${ratio.toFixed(1)}:1)`);
  }
  return out.slice(0, 5);
}"""

TEXT_JS = r"""() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]'))
    for (const a of ['title', 'aria-label', 'placeholder']) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
  return parts.join('\n');
}"""


def bh_t(key: str, lang: str = "en") -> str:
    from ipmd.i18n import t

    return t(key, lang)


# Chart axis and colour-bar tick labels (plotly's SVG text): on a French or Spanish page, none in English number
# forms: SI or English suffixes ("2G", "500k", "500K", "1B"), the "US$2" prefix of English, a decimal point ("0.5").
TICKS_JS = r"""() => Array.from(document.querySelectorAll(
  '.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .cbaxis text')).map(t => t.textContent)"""
# SI suffixes and a "US$" glued to the number; a decimal point: French never writes a point in a number, Spanish
# groups thousands with one ("11.351"), so there only a point not followed by exactly three digits is a decimal point
ENGLISH_TICK = {"fr": re.compile(r"\d[GkKMB]$|^−?US\$\d|\d\.\d"),
                "es": re.compile(r"\d[GkKMB]$|^−?US\$\d|\d\.(?!\d{3}(?!\d))\d")}


def english_number_ticks(ticks: list[str], language: str) -> list[str]:
    return [tick for tick in ticks if ENGLISH_TICK[language].search(tick.replace("\u202f", "\u00a0"))]


def english_leftovers(text: str) -> list[str]:
    return [word for word in LEFTOVERS if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def serious_violations(axe, page) -> list[str]:
    results = axe.run(page, options={"resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} -- {len(v['nodes'])}× e.g. {v['nodes'][0]['target']}: "
            f"{v['nodes'][0].get('failureSummary', '')[:300]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context (and page) per language and size, shared by that language and size's page tests."""
    made: dict[tuple[str, str], tuple] = {}

    def get(language: str, size: str):
        if (language, size) not in made:
            context = browser.new_context(viewport=SIZES[size], locale="en-GB", timezone_id="UTC")
            watch = bh.Watch()
            context.route("**/*", watch.route_handler)
            context.add_init_script(bh.INIT_SCRIPT)
            context.add_init_script(CANVAS_HOOK)
            page = context.new_page()
            watch.attach(page)
            made[language, size] = (context, page, watch)
        return made[language, size]

    yield get
    for context, _, _ in made.values():
        context.close()


def page_problems(page, axe, language: str) -> list[str]:
    """What is wrong with the page drawn: an exception box, the document's language, cut text, English
    leftovers, faint chart text, axe's serious and critical violations."""
    found = []
    if bh.exception_texts(page):
        found.append(f"exception box: {bh.exception_texts(page)}")
    document_lang = page.evaluate("() => document.documentElement.lang")
    if document_lang != language:
        found.append(f'<html lang="{document_lang}">, not "{language}"')
    found += [f"cut: {c}" for c in page.evaluate(CUT_JS)]
    if language != "en":
        found += [f"English leftover: {w!r}" for w in english_leftovers(page.evaluate(TEXT_JS))]
        found += [f"English number form on a chart: {t!r}" for t in english_number_ticks(page.evaluate(TICKS_JS), language)]
    found += [f"chart text under 4.5:1: {c}" for c in page.evaluate(CHART_CONTRAST_JS)]
    found += [f"axe: {v}" for v in serious_violations(axe, page)]
    return found


@pytest.mark.parametrize("name, path", PAGES, ids=[name for name, _ in PAGES])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_readable_in_its_language(contexts, app_server, axe, language, size, name, path):
    _, page, watch = contexts(language, size)
    url = f"{app_server}{path}{'&' if '?' in path else '?'}lang={language}"
    try:
        bh.goto_and_wait(page, url)
    except bh.NotDrawn as exc:
        pytest.fail(f"{name}, {language}, {size}: not drawn: {exc}")
    screenshot(page, f"screens_{size}_{language}_{name}")
    found = page_problems(page, axe, language)
    assert not watch.aborted, f"requests to other hosts: {watch.aborted}"
    assert not found, f"{name}, {language}, {size} {SIZES[size]}:\n    " + "\n    ".join(found)


def test_leftover_detector_finds_whole_words_only():
    assert english_leftovers("Données : édition 2024. Copy to clipboard") == ["Copy to clipboard"]
    assert english_leftovers("Yearly / Overviews / non-derived") == []


def test_english_tick_detector_tells_the_forms_of_each_language_apart():
    from ipmd.ticks import tick_label

    english = [tick_label(v, "en", unit) for v, unit in ((2e9, "usd"), (5e5, "count"), (0.5, "count"), (1e9, "count"))]
    for lang in ("fr", "es"):
        assert english_number_ticks(english + ["2G", "500M"], lang) == english + ["2G", "500M"]
        ticks = [tick_label(v, lang, unit) for v in (0, 0.5, 5e5, 2e6, 2.5e9, 6e10) for unit in ("usd", "count")]
        assert english_number_ticks(ticks + ["2020", "1990"], lang) == [], lang
    # Spanish groups thousands with a point (a corridor's label, a donor's amount): not English
    spanish = [f"Italia ({format_decimal(11351, locale='es')})", f"Yibuti{format_decimal(578193, locale='es')}"]
    assert spanish == ["Italia (11.351)", "Yibuti578.193"]
    assert english_number_ticks(spanish, "es") == [] and english_number_ticks(spanish, "fr") == spanish
    assert english_number_ticks(["1.25", "0.5 %", "11.3512"], "es") == ["1.25", "0.5 %", "11.3512"]


def test_country_picker_by_keyboard_picks_the_country_typed(page, open_page):
    """Typing "Moro", then ArrowDown and Enter, opens Morocco (with fuzzy matching, ArrowDown went from the
    highlighted Morocco to Comoros)."""
    open_page(page, "/country?country=PHL")
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=bh_t("profile.pick"))).first
    box.locator("input").click()
    page.keyboard.type("Moro")
    page.locator('[role="option"]').first.wait_for()
    before = bh.runs_finished(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    bh.wait_until_drawn(page, min_finished=before + 1)
    assert "country=MAR" in page.url, page.url


def test_navigation_is_the_apps_own_with_a_visible_focus_ring(page, open_page):
    """Streamlit's sidebar navigation (app.py) shows the translated section and page names (never pages/ file
    names), each section read as a list named by its heading, and a keyboard focus ring."""
    open_page(page, "/methods?lang=fr")
    links = bh.nav_links(page)
    assert [link["text"].splitlines()[-1] for link in links][:2] == [bh_t("nav.overview", "fr"), bh_t("nav.country", "fr")], links
    assert [link["path"] for link in links] == ["/", "/country", "/compare", "/coverage", "/funds", "/project", "/donor",
                                                "/allocation", "/admin", "/methods"], links
    # components/shell.py: the sections' lists (Streamlit's markup put them as divs in one list)
    sections = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stSidebarNavItems"] > [role="list"]'))
        .map(s => [s.getAttribute('aria-label'), s.querySelectorAll(':scope > li').length])""")
    assert sections == [[bh_t("nav.explore", "fr"), 3], [bh_t("nav.partnership", "fr"), 4],
                        [bh_t("nav.committee", "fr"), 2], [bh_t("nav.about", "fr"), 1]], sections
    link = page.locator('[data-testid="stSidebarNavLink"]').first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                            "return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }")
    assert outline[0] == "solid" and outline[1] >= 2 and outline[2] == "rgb(0, 114, 178)", outline


# A4 portrait less the stylesheet's 10 mm margins, in CSS pixels (96 per inch): the stylesheet asks for landscape,
# but a browser's print dialog may still choose portrait.
PRINTABLE_WIDTH = round((210 - 20) / 25.4 * 96)


def test_printed_pages_fit_their_charts_on_the_sheet(page, open_page):
    """Printing from the browser: the sidebar is left out and every chart, drawn for a 1400 px laptop screen,
    fits within the printable width of an A4 sheet (it was clipped at the sheet's edge). Chromium lays the page out
    again at the sheet's width but keeps each chart as drawn on screen: the stylesheet scales the page for print."""
    page.set_viewport_size({"width": 1400, "height": 900})
    for path in ("/", "/funds", "/country?country=MEX"):
        open_page(page, path)
        page.emulate_media(media="print")
        try:
            found = page.evaluate("""() => {
                const main = document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect();
                const sidebar = document.querySelector('[data-testid="stSidebar"]');
                return {sidebar: sidebar ? sidebar.getBoundingClientRect().width : 0,
                        // the SVG plotly drew for the screen (its box is stretched to the sheet, not the drawing)
                        charts: Array.from(document.querySelectorAll('.js-plotly-plot .main-svg:first-child'))
                            .map(svg => Math.round(svg.getBoundingClientRect().right - main.left))};
            }""")
        finally:
            page.emulate_media(media="screen")
        assert found["sidebar"] == 0, f"{path}: the sidebar is printed"
        assert found["charts"], f"{path}: no chart"
        assert max(found["charts"]) <= PRINTABLE_WIDTH, f"{path}: charts end at {found['charts']} px, sheet {PRINTABLE_WIDTH} px"


def test_share_link_copy_button_is_shown_without_hovering(page, open_page):
    """The share popover's help says the copy button is on the right: it is there without a mouse over it,
    labelled in the page's language."""
    open_page(page, "/country?country=MEX&lang=es")
    page.locator('[data-testid="stPopoverButton"]').first.click()
    button = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"] button').first
    button.wait_for(state="attached")
    page.mouse.move(2, 2)
    page.wait_for_timeout(300)
    assert button.is_visible()
    assert button.get_attribute("aria-label") == bh_t("shell.ui.copy", "es")
    code, copy = (page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]').first.bounding_box(),
                  button.bounding_box())
    assert copy["x"] > code["x"] + code["width"] / 2, "the copy button is not on the right"


def test_first_open_of_a_fresh_server_never_shows_page_file_names(browser):
    """On a server's first request Streamlit is still in its pages-directory mode: its first navigation lists the
    pages/ file names ("app, admin, allocation...") before app.py runs (.streamlit/config.toml hides that one).
    Only the app's own navigation may ever appear, and it comes no later than the page's title."""
    raw = {path.stem for path in (bh.REPO / "pages").glob("*.py")} | {"app"}
    # served as deployed (ipmd_server.py: the overview's warm-up is the server's first session), when testing this app
    served = bh.REPO / "ipmd_server.py" if bh.app_path() == bh.REPO / "app.py" else bh.app_path()
    server = bh.start_server(served, cwd=bh.REPO)
    context = browser.new_context(viewport=SIZES["projector"])
    context.route("**/*", bh.Watch().route_handler)
    context.add_init_script(bh.INIT_SCRIPT)
    context.add_init_script(r"""
      window.__ipmdSeen = {navTexts: [], firstMain: null, nav: null, title: null};
      const look = () => {
        const texts = Array.from(document.querySelectorAll('[data-testid="stSidebar"] a, [data-testid="stSidebarNav"] *'))
          .map(e => (e.innerText || '').trim().split('\n').pop()).filter(Boolean);
        if (texts.length) {
          window.__ipmdSeen.navTexts.push(...texts.filter(t => !window.__ipmdSeen.navTexts.includes(t)));
          if (window.__ipmdSeen.nav === null && document.querySelector('a[data-testid="stSidebarNavLink"]'))
            window.__ipmdSeen.nav = performance.now();
        }
        const first = document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"] :is(h1, p)');
        if (!window.__ipmdSeen.firstMain && first && first.innerText.trim()) {
          window.__ipmdSeen.firstMain = first.innerText.trim();
          window.__ipmdSeen.title = performance.now();
        }
      };
      new MutationObserver(look).observe(document, {subtree: true, childList: true, characterData: true});
    """)
    try:
        page = context.new_page()
        bh.goto_and_wait(page, f"{server.url}/country?country=PHL")
        seen = page.evaluate("() => window.__ipmdSeen")
    finally:
        context.close()
        server.stop()
    assert not raw & set(seen["navTexts"]), f"page file names in the navigation: {sorted(raw & set(seen['navTexts']))}"
    assert bh_t("nav.country") in seen["navTexts"], seen["navTexts"]
    assert seen["firstMain"] == bh_t("profile.title"), seen
    # Streamlit's navigation comes with the run's first message: not after the page's title
    assert seen["nav"] is not None and seen["nav"] <= seen["title"], seen


@pytest.mark.parametrize("lang, typed, iso3", [("en", "kingdom", "GBR"), ("en", "MAR", "MAR"), ("fr", "Maroc", "MAR"),
                                               ("en", "Maroc", "MAR")])
def test_country_picker_finds_part_of_a_name_an_iso_code_or_another_languages_name(page, open_page, lang, typed, iso3):
    """Typed text the list does not start with is looked for on Enter (components/country_picker.py); the
    picker offers it as a search in the page's language, not Streamlit's English "Add:"."""
    open_page(page, f"/country?country=PHL&lang={lang}")
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=bh_t("profile.pick", lang))).first
    box.locator("input").click()
    page.keyboard.type(typed)
    first = page.locator('[role="option"]').first
    first.wait_for()
    page.wait_for_function("(t) => document.querySelector('[role=option]').textContent.startsWith(t)",
                           arg=bh_t("screens17.picker.find", lang))
    before = bh.runs_finished(page)
    page.keyboard.press("Enter")
    bh.wait_until_drawn(page, min_finished=before + 1)
    assert f"country={iso3}" in page.url, page.url
