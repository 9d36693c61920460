"""Sign-in end to end: Streamlit's st.login against a local OpenID Connect provider, in headless chromium.

A test OpenID Connect provider (the `oidc-provider-mock` package) runs on a free localhost port with three
predefined users; the app runs on another free port with its own secrets file (`--secrets.files`, so the
repository's .streamlit/ is not touched) holding [auth] for that provider and [ipmd_roles]:

    alice    e-mail Alice@Example.org (case differs from the configuration)   -> committee by e-mail
    gina     e-mail gina@example.org, groups ["ipmd-committee"]                -> committee by group claim
    mallory  e-mail mallory@example.org                                        -> no role

Every request to a host other than localhost is aborted (the provider's own page asks a CDN for a
stylesheet: that one is aborted too, and it is the only one allowed to have been tried).
"""
from __future__ import annotations

import json
import re
import secrets
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import browser_helpers as bh
from conftest import SCREENSHOTS, screenshot

from ipmd.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

USERS = {
    "alice": {"email": "Alice@Example.org", "name": "Alice Committee"},
    "gina": {"email": "gina@example.org", "name": "Gina Group", "groups": ["ipmd-committee"]},
    "mallory": {"email": "mallory@example.org", "name": "Mallory"},
}
ROLES_TOML = """
[ipmd_roles]
committee = ["alice@example.org"]
committee_groups = ["ipmd-committee"]
secretariat = ["sam@example.org"]
"""
PROVIDER_CDN = "cdn.jsdelivr.net"     # oidc-provider-mock's stylesheet (pico.css), aborted


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not answering after {timeout:.0f}s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def provider():
    """The OpenID Connect test provider on a free localhost port (its own process group)."""
    port = bh.free_port()
    log = SCREENSHOTS / "oidc-provider.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [bh.venv_python(), "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for sub, claims in USERS.items():
        cmd += ["--user-claims", json.dumps({"sub": sub, **claims})]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/.well-known/openid-configuration", proc, log)
        yield url
    finally:
        bh.stop_process(proc)


@pytest.fixture(scope="module")
def signin_app(provider, tmp_path_factory):
    """The app with sign-in configured for the test provider; yields its base URL."""
    port = bh.free_port()
    secrets_file = tmp_path_factory.mktemp("signin") / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "ipmd-dashboard-test"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n' + ROLES_TOML,
        encoding="utf-8")
    app = bh.app_path()
    srv = bh.start_server(app, cwd=bh.REPO if app.parent == bh.REPO else None, port=port,
                          log_path=SCREENSHOTS / "streamlit-signin.log",
                          extra_args=["--secrets.files", str(secrets_file)])
    try:
        yield srv.url
    finally:
        srv.stop()


def _shot(page, name: str) -> str:
    """A screenshot for review, best effort (a slow machine must not fail the test on a font wait)."""
    try:
        return str(screenshot(page, name))
    except Exception as exc:  # noqa: BLE001
        return f"(no screenshot: {type(exc).__name__})"


def _open(page, url: str, expect: str, timeout: float = 90.0, settle: bool = True) -> str:
    """Open `url`, wait until `expect` is shown and (settle) the script run is over; the main area's text.

    Lighter than waiting for every chart to draw (test_pages.py does that): here only who sees what counts.
    A page that refuses a visitor stops early, so settling is cheap there; that is where it matters.
    """
    page.goto(url, wait_until="domcontentloaded")
    try:
        page.get_by_text(expect, exact=False).first.wait_for(timeout=timeout * 1000)
        if settle:
            bh.wait_run_over(page, timeout)
    except Exception as exc:
        shot = _shot(page, "FAILED_signin_" + url.rsplit("/", 1)[-1])
        pytest.fail(f"{url}: {expect!r} not shown: {exc}\nbrowser errors: {page.watch.errors()}\n"
                    f"(screenshot: {shot})", pytrace=False)
    assert not bh.exception_texts(page), bh.exception_texts(page)
    return bh.main_text(page)


def _sign_in(page, app: str, provider: str, sub: str) -> None:
    """From the allocation page: 'Sign in' -> the provider's authorisation page -> pick `sub` -> back."""
    _open(page, app + "/allocation", t("access.sign_in_needed.committee"))
    page.get_by_role("button", name=t("access.sign_in")).click()
    page.wait_for_url(re.compile(re.escape(provider) + r"/oauth2/authorize.*"), timeout=60_000)
    page.locator(f'button[name="sub"][value="{sub}"]').click()
    page.wait_for_url(re.compile(re.escape(app) + r"/?(\?.*)?$"), timeout=60_000)


def _sidebar_text(page) -> str:
    return page.evaluate("() => (document.querySelector('[data-testid=\"stSidebar\"]') || {}).innerText || ''")


def _only_the_provider_stylesheet_was_blocked(page) -> None:
    other = [u for u in page.watch.aborted if PROVIDER_CDN not in u]
    assert not other, f"requests to non-localhost hosts: {other}"


def test_anonymous_visitor_sees_only_the_sign_in_message(page, signin_app):
    text = _open(page, signin_app + "/allocation", t("access.sign_in_needed.committee"))
    _shot(page, "signin_anonymous_allocation")
    assert t("access.sign_in_needed.committee") in text
    assert t("allocation.title") not in text
    sign_in = page.get_by_role("button", name=t("access.sign_in"))
    sign_in.first.wait_for(timeout=30_000)          # drawn after the message, sometimes after the run looks over
    assert page.locator('[data-testid="stDataFrame"], [data-testid="stPlotlyChart"]').count() == 0
    assert sign_in.count() == 1
    assert t("access.demo_mode") not in text

    # the admin page: the template and a dry run only, the command-line import named; no ledger export
    text = _open(page, signin_app + "/admin", t("admin.upload.header"))        # the page's last section
    assert t("access.sign_in_needed.secretariat") in text
    assert t("admin.title") in text and "python -m ipmd.ledger import FILE" in text
    assert bh.download_labels(page) == [t("admin.download.template")]          # waits until drawn
    page.locator('[data-testid="stFileUploader"]').wait_for(timeout=30_000)
    sign_in.first.wait_for(timeout=30_000)
    assert sign_in.count() == 1
    _shot(page, "signin_anonymous_admin")
    assert not page.watch.aborted and not page.watch.errors(), (page.watch.aborted, page.watch.errors())


@pytest.mark.parametrize("sub", ["alice", "gina"])
def test_committee_member_signs_in_and_opens_the_allocation_review(page, signin_app, provider, sub):
    _sign_in(page, signin_app, provider, sub)
    text = _open(page, signin_app + "/allocation", t("allocation.title"), settle=False)
    assert t("access.sign_in_needed.committee") not in text
    assert t("access.demo_mode") not in text
    assert t("access.signed_in_as", who=USERS[sub]["email"]) in _sidebar_text(page)
    _shot(page, f"signin_{sub}_allocation")
    if sub == "alice":                              # the committee is not the Secretariat (once is enough)
        text = _open(page, signin_app + "/admin", t("admin.upload.header"))
        assert t("access.denied.secretariat", who=USERS[sub]["email"]) in text
        assert bh.download_labels(page) == [t("admin.download.template")]
    _only_the_provider_stylesheet_was_blocked(page)


def test_signed_in_user_without_a_role_is_not_authorised(page, signin_app, provider):
    _sign_in(page, signin_app, provider, "mallory")
    text = _open(page, signin_app + "/allocation", t("access.denied.committee", who=USERS["mallory"]["email"]))
    _shot(page, "signin_mallory_allocation")
    assert t("access.denied.committee", who=USERS["mallory"]["email"]) in text
    assert t("allocation.title") not in text
    assert page.locator('[data-testid="stDataFrame"], [data-testid="stPlotlyChart"]').count() == 0
    buttons = page.locator('[data-testid="stMain"] button')
    try:                                    # the error is drawn a moment before the button below it
        buttons.filter(has_text=t("access.sign_out")).first.wait_for(timeout=30_000)
    except Exception:  # noqa: BLE001
        pytest.fail(f"no sign-out button among {buttons.all_inner_texts()}")
    _only_the_provider_stylesheet_was_blocked(page)
