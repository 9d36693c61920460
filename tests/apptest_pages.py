"""Open a page of the app the way a visitor does: through app.py (navigation, sidebar), with URL parameters."""
from streamlit.testing.v1 import AppTest

from ipmd import REPO_ROOT


def app_test(page: str, timeout: float = 180, **params) -> AppTest:
    """The app switched to `page` with `params` in the URL, not yet run (set secrets or a user first if needed)."""
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=timeout)
    at.switch_page(page)
    at.query_params.update(params)
    return at


def open_page(page: str, timeout: float = 180, **params) -> AppTest:
    return app_test(page, timeout, **params).run()
