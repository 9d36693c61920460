"""Charts that travel on the page (issue 19, part 4): the profile's stock chart offers PNG and SVG with its title,
source and date, and an <iframe> snippet of the same view showing only that chart; ?section= shows only it."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from apptest_pages import open_page
from ipmd.i18n import t


class _Attrs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Attrs()
    parser.feed(html)
    return parser.found


def _html_bodies(at) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def test_the_stock_chart_offers_png_svg_and_an_embed_snippet_of_this_view():
    at = open_page("pages/country.py", country="MAR", year="2020", lang="fr")
    assert not at.exception
    title = t("export.title_place", "fr", title=t("profile.chart.stocks", "fr"), place="Maroc")

    snippets = [code.value for code in at.code if code.value.startswith("<iframe") and "profile_stocks" in code.value]
    assert len(snippets) == 1
    (tag, attrs), = _tags(snippets[0])
    assert tag == "iframe" and attrs["title"] == title
    assert parse_qs(urlsplit(attrs["src"]).query) == {
        "country": ["MAR"], "year": ["2020"], "lang": ["fr"], "section": ["profile_stocks"], "embed": ["true"]}

    buttons = [attrs for body in _html_bodies(at) for tag, attrs in _tags(body) if "data-ipmd-export" in attrs
               and json.loads(attrs["data-ipmd-chart"])["section"] == "section_profile_stocks"]
    assert [b["data-ipmd-export"] for b in buttons] == ["png", "svg"]
    info = json.loads(buttons[0]["data-ipmd-chart"])
    assert info == json.loads(buttons[1]["data-ipmd-chart"])
    today = datetime.now(timezone.utc).date().isoformat()
    assert info["title"] == title and info["section"] == "section_profile_stocks"
    assert info["filename"] == f"ipmd_profile_stocks_{today}"
    # the footer drawn into the image: the source line shown under the chart, then the dashboard and the date
    shown = [c.value for c in at.caption if t("export.footer", "fr", source=c.value, date=today) == info["footer"]]
    assert len(shown) == 1
    assert shown[0].startswith(t("source.plain", "fr", sources="").split(" ")[0]) and "(IMS 2024" in shown[0]

    # drawn through charts.show: plotly's own PNG button (the bare figure) is gone from every chart
    configs = {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.config) for c in at.get("plotly_chart")}
    assert configs["profile_stocks"].get("displayModeBar") is False
    assert configs["profile_remittances"].get("displayModeBar") is False


def test_a_section_link_shows_that_section_with_its_heading():
    at = open_page("pages/country.py", country="MAR", section="profile_stocks")
    assert not at.exception
    bodies = _html_bodies(at)
    assert any(".st-key-section_profile_stocks" in body and "stSidebar" in body for body in bodies)
    assert f'<h3 class="ipmd-embed-title">{t("export.title_place", "en", title=t("profile.chart.stocks", "en"), place="Morocco")}</h3>' in bodies


def test_a_section_value_that_is_no_key_changes_nothing():
    plain = _html_bodies(open_page("pages/country.py", country="MAR"))
    at = open_page("pages/country.py", country="MAR", section="x}</style><script>alert(1)</script>")
    assert not at.exception
    bodies = _html_bodies(at)
    assert not any("alert(1)" in body for body in bodies)
    assert not any("<h3 class=\"ipmd-embed-title\"" in body for body in bodies)
    assert len(bodies) == len(plain)
