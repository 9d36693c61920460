"""The pieces of 'charts that travel' (components/chart_export.py) that need no browser: the embed link and its
<iframe> snippet (escaped, with the view's parameters), the style that shows one section, the toolbar without
plotly's bare PNG, and the export script surviving Streamlit's HTML sanitizer."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from components import chart_export as ce
from components.charts import CHART_CONFIG
from components.maps import MAP_CONFIG


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_the_embed_link_keeps_the_view_and_adds_the_section_and_embed():
    url = ce.embed_url("https://ipmd.example.org/country", {"country": "PHL", "year": "2020", "lang": "fr"},
                       "profile_stocks")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "ipmd.example.org", "/country")
    assert parse_qs(parts.query) == {"country": ["PHL"], "year": ["2020"], "lang": ["fr"],
                                     "section": ["profile_stocks"], "embed": ["true"]}


def test_an_earlier_section_or_embed_option_is_replaced_not_repeated():
    url = ce.embed_url("http://h/x", {"section": "other", "EMBED": "false", "embed_options": "show_toolbar",
                                      "goal": "3"}, "funds_ladder")
    assert parse_qs(urlsplit(url).query) == {"section": ["funds_ladder"], "goal": ["3"], "embed": ["true"]}


def test_the_snippet_is_one_iframe_with_every_value_escaped():
    params = {"country": "PHL", "q": 'a&b "c" <d>'}
    title = 'Stocks "by sex" <script>alert(1)</script> & more'
    snippet = ce.embed_snippet("http://h/country", params, "profile_stocks", title, 500)
    assert "<script>" not in snippet and 'alert(1)</script>' not in snippet
    parsed = tags(snippet)
    assert [tag for tag, _ in parsed] == ["iframe"]
    attrs = parsed[0][1]
    # the browser reads back exactly the link and the title (the parser unescapes as a browser does)
    assert attrs["src"] == ce.embed_url("http://h/country", params, "profile_stocks")
    assert parse_qs(urlsplit(attrs["src"]).query)["q"] == ['a&b "c" <d>']
    assert attrs["title"] == title
    assert attrs["height"] == "500" and attrs["width"] == "100%"
    assert "&amp;section=profile_stocks&amp;embed=true" in snippet


def test_the_section_style_names_only_a_real_key():
    style = ce.embed_style("profile_stocks")
    assert style.startswith("<style>") and style.endswith("</style>")
    assert ".st-key-section_profile_stocks" in style
    assert '[data-testid="stSidebar"]' in style
    # a link value that is no key gives no style at all (nothing of it reaches the page)
    for hostile in ("x}</style><script>alert(1)</script>", "a b", "", None, "x" * 81, "profile-stocks"):
        assert ce.embed_style(hostile) == ""


def test_charts_drawn_through_show_lose_only_plotlys_bare_png_button():
    assert CHART_CONFIG["modeBarButtons"] == [["toImage"]]        # the shared config itself is unchanged
    chart = ce.without_plain_png(CHART_CONFIG)
    assert chart == {"displaylogo": False, "displayModeBar": False}
    geo = ce.without_plain_png(MAP_CONFIG)
    assert geo["modeBarButtons"] == [["zoomInGeo", "zoomOutGeo", "resetGeo"]]
    assert geo["topojsonURL"] == MAP_CONFIG["topojsonURL"] and "displayModeBar" not in geo


def test_the_export_script_survives_streamlits_sanitizer():
    # DOMPurify (st.html) removes an element whose text looks like markup ('<' then a letter, '/' or '!'):
    # the whole script would be dropped and no chart could be saved
    assert not re.search(r"<[/\w!]", ce.EXPORT_SCRIPT)
    assert "Plotly.downloadImage" in ce.EXPORT_SCRIPT and "button[data-ipmd-export]" in ce.EXPORT_SCRIPT


def test_a_chart_of_the_illustrative_ledger_says_so_in_its_source_line():
    # the page's illustrative-data notice stays behind when the chart is saved or embedded: its own line says it
    from ipmd.i18n import t

    assert ce.source_line((), illustrative=True) == t("sidebar.ledger_illustrative", "en")
    assert ce.source_line(()) == ""
