"""Browser test fixtures: the app on a free localhost port, Debian's chromium, no network.

* `app_server` (session): `streamlit run app.py` with the repo's venv python; yields the base URL
  (http://127.0.0.1:<port>) once /_stcore/health answers; kills the server afterwards.
  IPMD_TEST_APP=/path/to/other_app.py points the suite at another script (harness development).
* `browser` (session): chromium from /usr/bin/chromium (IPMD_CHROMIUM overrides).
* `context` (per test): a context whose `route("**/*")` aborts every request that is not to
  localhost/127.0.0.1 and records it in `context.watch.aborted`.
* `page` (per test): a page whose console errors, uncaught JS errors and HTTP >= 400 responses are
  collected in `page.watch` (the same Watch object as `context.watch`).
* `open_page(page, path)`: navigates and waits until Streamlit finished the run, no element is
  stale and every plotly chart has drawn; returns the page state (see browser_helpers).
* `count_map_shapes(page)`, `sankey_link_count(page)`, `screenshot(page, name)` (saved under
  tests/browser/screenshots/, git-ignored).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import browser_helpers as bh  # noqa: E402

SCREENSHOTS = Path(__file__).parent / "screenshots"
HERE = Path(__file__).parent.resolve()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots():
    """Screenshots are of this run only: a stale FAILED_*.png must not mislead a reviewer."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink(missing_ok=True)
    yield


@pytest.fixture(scope="session")
def app_server():
    if not bh.app_path().exists():
        pytest.fail(f"no app to test at {bh.app_path()}")
    log = SCREENSHOTS / "streamlit-server.log"
    srv = bh.start_server(bh.app_path(), cwd=bh.REPO if bh.app_path().parent == bh.REPO else None,
                          log_path=log)
    try:
        yield srv.url
    finally:
        srv.stop()
        # The server log is kept next to the screenshots; print where it is on failure.
        print(f"\nstreamlit server log: {log}")


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    if not bh.chromium_available():
        pytest.fail(f"chromium not found at {bh.CHROMIUM}: apt-get install chromium (make setup)")
    b = bh.launch_browser(_playwright)
    yield b
    b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=bh.VIEWPORT, locale="en-GB", timezone_id="UTC")
    ctx.watch = bh.Watch()
    ctx.route("**/*", ctx.watch.route_handler)
    ctx.add_init_script(bh.INIT_SCRIPT)
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    pg = context.new_page()
    context.watch.attach(pg)
    pg.watch = context.watch
    yield pg
    pg.close()


@pytest.fixture
def base_url(app_server):
    return app_server


@pytest.fixture
def open_page(app_server):
    """open_page(page, path, timeout=None) -> state dict; asserts nothing, raises NotDrawn on timeout
    (default timeout: IPMD_BROWSER_TIMEOUT seconds, 120)."""

    def _open(page, path: str = "/", timeout: float | None = None) -> dict:
        url = app_server + (path if path.startswith("/") else "/" + path)
        return bh.goto_and_wait(page, url, timeout=timeout)

    return _open


def count_map_shapes(page) -> int:
    return bh.count_map_shapes(page)


def sankey_link_count(page) -> int:
    return bh.sankey_link_count(page)


def screenshot(page, name: str) -> Path | None:
    """Save the whole page (Streamlit scrolls inside <main>, so the viewport is stretched to its
    content for the shot) under tests/browser/screenshots/<name>.png. Never raises: a failed
    screenshot must not hide the failure being reported."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "root"
    path = SCREENSHOTS / f"{safe}.png"
    size = page.viewport_size or bh.VIEWPORT
    try:
        height = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
            return m ? m.scrollHeight : document.documentElement.scrollHeight; }""")
        height = max(size["height"], min(int(height or 0), 12000))
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
            page.wait_for_timeout(300)
        page.screenshot(path=str(path), timeout=90_000, animations="disabled")
        return path
    except Exception as exc:  # noqa: BLE001
        print(f"screenshot {name} failed: {exc}")
        return None
    finally:
        try:
            if page.viewport_size != size:
                page.set_viewport_size(size)
        except Exception:  # noqa: BLE001
            pass


@pytest.fixture
def shot():
    return screenshot
