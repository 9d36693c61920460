"""A first open speaks the browser's language (Accept-Language, through st.context.locale); a link's ?lang= wins."""
from __future__ import annotations

import pytest

import browser_helpers as bh
from ipmd.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


@pytest.fixture
def french_page(browser):
    ctx = browser.new_context(viewport=bh.VIEWPORT, locale="fr-FR", timezone_id="UTC")
    ctx.add_init_script(bh.INIT_SCRIPT)
    page = ctx.new_page()
    yield page
    ctx.close()


def test_a_french_browser_opens_the_app_in_french_and_the_link_says_so(french_page, app_server):
    bh.goto_and_wait(french_page, app_server + "/methods")
    assert french_page.locator("html").get_attribute("lang") == "fr"
    assert t("methods.title", "fr") in bh.main_text(french_page)
    assert "lang=fr" in french_page.url        # a link copied from here opens in French for anyone


def test_a_links_language_wins_over_the_browsers(french_page, app_server):
    bh.goto_and_wait(french_page, app_server + "/methods?lang=es")
    assert french_page.locator("html").get_attribute("lang") == "es"
    assert t("methods.title", "es") in bh.main_text(french_page)
