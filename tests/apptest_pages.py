"""Open a page of the app the way a visitor does: through app.py (navigation, sidebar), with URL parameters."""
import json

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


def open_views(page: str, views: tuple[str, ...]) -> dict[str, AppTest]:
    """The page once per tab (?view=...), each with that tab open: only the open tab is drawn."""
    return {view: open_page(page, view=view) for view in views}


def chart_kinds(at: AppTest) -> list[str]:
    """The trace type of each plotly chart on the page, in page order."""
    return [json.loads(c.proto.spec)["data"][0]["type"] for c in at.get("plotly_chart")]
