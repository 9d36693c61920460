"""Issue 14, item 5: text from data (titles, objectives, names) and from links (URL values) is shown as text,
never as Markdown: no image is fetched, no link is made. Each page's text is rendered as Streamlit renders
Markdown (CommonMark with GitHub's extensions, bare addresses linked) and searched for links and images."""
from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

import ledger_fixtures as F
from access_fixtures import configure
from apptest_pages import app_test
from components.text import WORD_JOINER, literal, plain
from ipmd.ledger.store import import_ledger

EVIL = "evil.example"
HOSTILE = [f"![x](http://{EVIL}/x.png)", f"[Sign in](http://{EVIL}/login)", f"<img src=http://{EVIL}/y.png>",
           f"http://{EVIL}/bare", f"www.{EVIL}.com", f"write to x@{EVIL}.com"]
RENDER = MarkdownIt("gfm-like")           # linkify on: bare addresses become links, as in Streamlit
GFM_AUTOLINK = re.compile(r"(?i)(?:https?://|www\.)[^\s<]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TEXT_ELEMENTS = ("markdown", "caption", "warning", "info", "error", "success", "subheader", "title", "header")


def injected(markdown_text: str) -> list[str]:
    """The links and images `markdown_text` would make that point at the hostile host. Streamlit's renderer
    links bare addresses even after their punctuation was escaped, so the visible text is linkified too."""
    html = RENDER.render(markdown_text)
    found = [tag for tag in ("<a ", "<img ") if tag in html and EVIL in html.split(tag, 1)[1][:200]]
    # GitHub's autolink literals, as Streamlit finds them in the text once escapes are resolved
    found += [m.group(0) for m in GFM_AUTOLINK.finditer(visible(markdown_text)) if EVIL in m.group(0)]
    return found


def visible(markdown_text: str) -> str:
    """What a reader sees of `markdown_text`: the rendered text without tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", RENDER.render(markdown_text)))


def page_texts(at) -> list[str]:
    return [e.value for kind in TEXT_ELEMENTS for e in getattr(at, kind) if isinstance(e.value, str)]


@pytest.mark.parametrize("value", HOSTILE)
def test_plain_keeps_hostile_text_as_text(value):
    assert injected(value), "the raw value would inject (else the test proves nothing)"
    assert injected(plain(value)) == []
    assert injected(literal(plain(value))) == []
    shown = RENDER.render(plain(value))
    assert EVIL in shown                            # the text itself is still there, as text


@pytest.mark.parametrize("page,key", [("pages/coverage.py", "view"), ("pages/coverage.py", "mode"),
                                      ("pages/country.py", "country"), ("pages/funds.py", "view"),
                                      ("pages/funds.py", "from"), ("pages/country.py", "corridors"),
                                      ("pages/country.py", "peer"), ("pages/country.py", "pack"),
                                      ("pages/project.py", "project"), ("pages/donor.py", "donor")])
@pytest.mark.parametrize("value", HOSTILE[:3])
def test_a_hostile_link_value_is_reported_as_text(page, key, value):
    params = {key: value} if key not in ("corridors", "peer", "pack") else {"country": "PHL", key: value}
    at = app_test(page, timeout=120, **params)
    at.secrets["ipmd_roles"] = {}
    at.run()
    assert not at.exception
    texts = page_texts(at)
    assert any(value[:8] in visible(t).replace(WORD_JOINER, "") for t in texts), "the page names the value"
    assert [t for t in texts if injected(t)] == []


def test_hostile_ledger_text_is_shown_as_text_on_the_proposal_record(fixture_db):
    db = fixture_db                                        # IPMD_DB points at it
    ledger = F.copy_tables(F.valid_ledger())
    projects = ledger["projects"]
    pos = F.row_of(ledger, "projects", status="submitted")
    pid = projects.iloc[pos]["project_id"]
    for column, value in (("title", HOSTILE[1]), ("objectives", HOSTILE[0]), ("expected_results", HOSTILE[2])):
        projects.iloc[pos, projects.columns.get_loc(column)] = value
    assert import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db).ok
    at = app_test("pages/allocation.py", timeout=120, proposal=pid)
    configure(at, "committee").run()             # a real ledger's proposals are for the signed-in committee
    assert not at.exception
    texts = page_texts(at)
    for value in HOSTILE[:3]:
        assert any(value in visible(t).replace(WORD_JOINER, "") for t in texts), value   # shown, as the text it is
    assert [t for t in texts if injected(t)] == []
