"""Every chart and map of every screen travels (issues 17 and 19): each plotly chart drawn has its own "Save or embed"
control with PNG and SVG buttons for that chart, and a source line under it, the same line that is drawn into the
saved image; the allocation review (behind the sign-in) offers PNG and SVG but no embed snippet. On the seeded ledger
fixture with its results framework (tests/app/conftest.py)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from apptest_pages import open_page
from ipmd.i18n import t

TODAY = datetime.now(timezone.utc).date().isoformat()


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _chart_keys(at) -> list[str]:
    return [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")]


def _popovers(at) -> dict[str, str]:
    """Each popover's label by the chart section its PNG/SVG buttons save (section_<key> -> label)."""
    found = {}
    for node in _walk(at._tree):
        if getattr(node, "type", None) != "popover":
            continue
        for inner in _walk(node):
            if getattr(inner, "type", None) != "html":
                continue
            body = inner.proto.body
            if "data-ipmd-export" in body:
                start = body.index('data-ipmd-chart="') + len('data-ipmd-chart="')
                info = json.loads(_unescape(body[start:body.index('"', start)]))
                found[info["section"]] = (node.proto.popover.label, info)
    return found


def _unescape(text: str) -> str:
    from html import unescape
    return unescape(text)


def _snippets(at) -> list[str]:
    return [code.value for code in at.code if code.value.startswith("<iframe")]


def check_every_chart(at, lang: str = "en", embeddable: bool = True) -> list[str]:
    """Assert the rule for every chart on the page; return the charts' keys."""
    assert not at.exception, [e.message for e in at.exception]
    keys = _chart_keys(at)
    assert keys, "the view draws no chart"
    popovers = _popovers(at)
    captions = [c.value.replace("\\$", "$") for c in at.caption]      # components.text.caption escapes "$"
    empty_footer = t("export.footer", lang, source="", date=TODAY).strip()
    label = t("export.button" if embeddable else "charts_w1.save_button", lang)
    for key in keys:
        assert f"section_{key}" in popovers, f"{key}: no Save or embed"
        shown_label, info = popovers[f"section_{key}"]
        assert shown_label == label
        # the footer drawn into the image holds a source line, and the same line is the caption under the chart
        assert info["footer"] != empty_footer, f"{key}: no source line"
        lines = [c for c in captions if t("export.footer", lang, source=c, date=TODAY).strip() == info["footer"]]
        assert lines, f"{key}: its source line is not shown under it"
        assert info["title"], f"{key}: no title"
    snippets = _snippets(at)
    if embeddable:
        for key in keys:
            assert sum(f"section={key}&" in s for s in snippets) == 1, f"{key}: no embed snippet"
    else:
        assert snippets == []
    assert len(popovers) == len(keys)
    return keys


@pytest.fixture(scope="module", autouse=True)
def con(on_results_fixture_db):
    """Every page here reads the seeded ledger fixture with its results (projects with results, donors)."""
    return on_results_fixture_db


@pytest.fixture(scope="module")
def ids(con):
    project = con.sql("""select r.project_id from results r join result_indicators i using (result_id)
                         join projects p using (project_id) where p.status not in ('submitted', 'under_review')
                         group by all order by count(*) desc, 1 limit 1""").fetchall()[0][0]
    donor = con.sql("select donor_id from transactions where donor_id is not null and txn_type = 'deposit' "
                    "group by 1 order by sum(amount_usd) desc limit 1").fetchall()[0][0]
    return project, donor


VIEWS = [
    ("pages/overview.py", {}, {"overview_map"}),
    ("pages/overview.py", {"indicator": "project_funding_approved"}, {"overview_map"}),
    ("pages/country.py", {"country": "MAR"}, {"profile_stocks", "profile_remittances", "profile_corridor_bars",
                                              "profile_peers"}),
    ("pages/country.py", {"country": "MAR", "corridor_view": "map"}, {"profile_corridor_map"}),
    ("pages/coverage.py", {"view": "matrix"}, {"coverage_matrix"}),
    ("pages/coverage.py", {"view": "map"}, {"coverage_map"}),
    ("pages/coverage.py", {"view": "gaps"}, {"coverage_scatter"}),
    ("pages/funds.py", {"view": "flows"}, {"funds_ladder", "funds_sankey"}),
    ("pages/funds.py", {"view": "map"}, {"funds_map"}),
    ("pages/funds.py", {"view": "donors"}, {"funds_donors", "funds_donor_timing", "funds_wb"}),
    ("pages/funds.py", {"view": "time"}, {"funds_time"}),
    ("pages/funds.py", {"view": "uses"}, {"sources_uses_delivery"}),
    ("pages/compare.py", {"compare": "MAR,MEX", "view": "time"}, {"compare_series"}),
    ("pages/compare.py", {"compare": "MAR,MEX", "view": "stocks"}, {"compare_stocks"}),
    ("pages/compare.py", {"compare": "MAR,MEX", "view": "corridors"}, {"compare_corridors"}),
    ("pages/compare.py", {"compare": "MAR,MEX", "view": "remittances"}, {"compare_remittances"}),
]


@pytest.mark.parametrize("page,params,expected", VIEWS, ids=[f"{p[6:-3]}-{'-'.join(v.values()) or 'default'}"
                                                             for p, v, _ in VIEWS])
def test_every_chart_of_the_view_has_save_or_embed_and_its_source(page, params, expected):
    keys = check_every_chart(open_page(page, **params))
    assert expected <= set(keys)


def test_the_project_and_donor_charts_travel(ids):
    project, donor = ids
    assert {"project_ladder", "project_results"} <= set(check_every_chart(open_page("pages/project.py",
                                                                                    project=project)))
    for by in ("goal", "partner", "country"):
        assert f"donor_by_{by}" in check_every_chart(open_page("pages/donor.py", donor=donor, by=by))


def test_a_french_page_says_its_sources_in_french():
    check_every_chart(open_page("pages/country.py", country="MAR", lang="fr"), lang="fr")


def test_the_allocation_review_saves_images_but_offers_no_embed():
    keys = check_every_chart(open_page("pages/allocation.py", view="whatif"), embeddable=False)
    assert keys == ["allocation_coverage"]
