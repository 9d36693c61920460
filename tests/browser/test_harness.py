"""The harness checks itself: offline, a map draws only with the app's own topojson (ARCHITECTURE trap 1).

Runs a tiny probe app (tests/browser/probe_app) with the repository's .streamlit/config.toml and
static/ folder: its /local page passes config={"topojsonURL": "app/static/"}, its /cdn page does not.
If the /cdn map ever drew offline, or the /local one did not, the suite could not be trusted to
catch a blank map on the real pages.
"""
from __future__ import annotations

import shutil

import pytest

import browser_helpers as bh

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

PROBE = bh.REPO / "tests" / "browser" / "probe_app"


@pytest.fixture(scope="module")
def probe_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("probe_app")
    shutil.copytree(PROBE, root, dirs_exist_ok=True)
    shutil.copytree(bh.REPO / ".streamlit", root / ".streamlit")
    (root / "static").symlink_to(bh.REPO / "static", target_is_directory=True)
    srv = bh.start_server(root / "app.py", cwd=root, log_path=root / "server.log")
    try:
        yield srv.url
    finally:
        srv.stop()


def test_map_draws_offline_with_the_local_topojson(page, probe_server):
    state = bh.goto_and_wait(page, probe_server + "/local")
    assert state["charts"][0]["drawn"]
    assert bh.count_map_shapes(page) > 100
    assert page.watch.aborted == []
    assert not page.watch.errors(), page.watch.errors()


def test_map_is_blank_offline_with_the_cdn_topojson(page, probe_server):
    page.goto(probe_server + "/cdn", wait_until="domcontentloaded")
    for _ in range(900):  # plotly asks the CDN once its bundle has loaded (slow on a busy machine)
        if any(u.startswith("https://cdn.plot.ly/un/world_110m.json") for u in page.watch.aborted):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail(f"plotly never asked cdn.plot.ly for its topojson; aborted: {page.watch.aborted}")
    with pytest.raises(bh.NotDrawn):
        bh.wait_until_drawn(page, timeout=5)
    assert bh.count_map_shapes(page) == 0
    assert any("ERR_FAILED" in e for e in page.watch.console_errors), page.watch.console_errors
