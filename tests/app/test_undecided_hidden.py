"""Once a real ledger is loaded, an anonymous visitor never sees an undecided proposal (submitted or under
review) on any public page: not in its text, tables, charts, nor in any file its download buttons build
(CSV, Excel, ZIP, the PDF and PowerPoint briefs), with every expander opened and every view's tab drawn.

The real ledger is imported into a temporary copy of the database (tests/access_fixtures.py); its undecided
proposals carry a marker in their title, objectives and expected results, and their ids are looked for too.
No sign-in is configured: the most open configuration there is.
"""
from __future__ import annotations

import io
import re
import zipfile

import pypdf
import pytest

from access_fixtures import MARKER, configure, make_real_ledger_db, real_ledger_tables, undecided_ids
from apptest_pages import app_test
from ipmd.i18n import t

TABLES = real_ledger_tables()
UNDECIDED = undecided_ids(TABLES)
ID_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, UNDECIDED)) + r")\b")
CELLS = sorted({f"{g}-{a}" for g, a in TABLES["project_goals"].merge(TABLES["projects"], on="project_id")
                 .loc[lambda f: f["project_id"].isin(UNDECIDED), ["goal_id", "area_id"]].itertuples(index=False)})
_PRIMARY = TABLES["project_goals"].merge(TABLES["projects"], on="project_id").loc[lambda f: f["is_primary"].astype(bool)]
# the funded projects each cell lists (by primary goal, the page's default counting)
LISTED = {cell: _PRIMARY.loc[(_PRIMARY["goal_id"] + "-" + _PRIMARY["area_id"] == cell)
                             & _PRIMARY["status"].isin(["approved", "active", "closed"]), "project_id"].tolist()
          for cell in CELLS}
COUNTRIES = sorted(set(TABLES["project_countries"].loc[TABLES["project_countries"]["project_id"].isin(UNDECIDED),
                                                       "iso3"]))

PAGES = [("pages/overview.py", {}), ("pages/methods.py", {}),
         *[("pages/coverage.py", {"view": v}) for v in ("matrix", "map", "gaps", "gfmd")],
         *[("pages/funds.py", {"view": v}) for v in ("flows", "map", "donors", "time")],
         *[("pages/country.py", {"country": iso3, "pack": ",".join(COUNTRIES)}) for iso3 in COUNTRIES],
         # the goal x area cells of the undecided proposals, each listing its projects
         *[("pages/coverage.py", {"view": "matrix", "cell": cell}) for cell in CELLS],
         # a link asking for the undecided statuses: refused with a warning, the public statuses shown
         ("pages/coverage.py", {"view": "matrix", "status": "submitted,under_review"}),
         # a project page asked for each undecided proposal (refused, then the list of projects), a funded project's
         # page, and every donor's page (where its money went: funded projects only)
         *[("pages/project.py", {"project": pid}) for pid in UNDECIDED],
         ("pages/project.py", {"project": LISTED[CELLS[0]][0] if LISTED.get(CELLS[0]) else _PRIMARY["project_id"].iloc[0]}),
         *[("pages/donor.py", {"donor": d, "by": by}) for d in TABLES["donors"]["donor_id"][:1] for by in
           ("goal", "partner", "country")]]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    return make_real_ledger_db(tmp_path_factory.mktemp("real"))


def file_text(data: bytes) -> str:
    """The readable text of a download: CSV as is, the members of a ZIP (xlsx, pptx, csv zip), a PDF's text."""
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(zf.read(name).decode("utf-8", "replace") for name in zf.namelist())
    if data[:5] == b"%PDF-":
        return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


def shown(at) -> str:
    parts = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info",
                                       "error", "success", "text", "code", "latex") for e in getattr(at, kind)]
    parts += [m.label + " " + str(m.value) for m in at.metric]
    parts += [d.value.to_csv() for d in at.dataframe] + [d.value.to_csv() for d in at.table]
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    parts += [str(o) for w in at.multiselect for o in w.options] + [str(o) for w in at.selectbox for o in w.options]
    return "\n".join(parts)


def open_everything(at):
    """Open every expander (keys `<key>_data` and the other when_opened ones: booleans still False) and rerun,
    until nothing new opens."""
    for _ in range(3):
        closed = [k for k in at.session_state.keys() if not k.startswith("_") and at.session_state[k] is False]
        if not closed:
            break
        for key in closed:
            at.session_state[key] = True
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("page, params", PAGES, ids=[f"{p.split('/')[1][:-3]}-{'-'.join(q.values())}" for p, q in PAGES])
def test_no_undecided_proposal_on_a_public_page(page, params, real_db, monkeypatch, deferred_downloads):
    monkeypatch.setenv("IPMD_DB", str(real_db))
    monkeypatch.delenv("IPMD_REQUIRE_SIGNIN", raising=False)
    at = configure(app_test(page, timeout=180, **params), None).run()
    assert not at.exception, [e.message for e in at.exception]
    if "status" in params:                     # the link names statuses the page does not offer: said so
        assert any("submitted" in w.value for w in at.warning), [w.value for w in at.warning]
    at = open_everything(at)
    text = shown(at)
    if params.get("project") in UNDECIDED:     # the visitor's own link value, quoted as for an id that names nothing
        refused = t("project.unknown", "en", id=params["project"])
        assert refused in [w.value for w in at.warning]
        text = text.replace(refused, "")
    assert MARKER not in text
    assert not ID_PATTERN.search(text), ID_PATTERN.search(text)
    for pid in LISTED.get(params.get("cell"), []):       # the cell's funded projects are listed: it was drawn
        assert re.search(rf"\b{pid}\b", text), pid
    # pages without a download: the overview, the methods, a project link refused (the list of projects only)
    assert deferred_downloads or page.endswith(("overview.py", "methods.py")) or params.get("project") in UNDECIDED
    for name, build in deferred_downloads.items():
        content = file_text(build())
        assert MARKER not in content, name
        assert not ID_PATTERN.search(content), (name, ID_PATTERN.search(content))


def test_the_marker_would_be_found(real_db, monkeypatch):
    """The same checks do see the undecided proposals where they belong: the committee's pipeline."""
    monkeypatch.setenv("IPMD_DB", str(real_db))
    at = configure(app_test("pages/allocation.py", timeout=180), "committee").run()
    assert not at.exception, [e.message for e in at.exception]
    text = shown(at)
    assert MARKER in text and ID_PATTERN.search(text)
