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


def count_calls(monkeypatch, module, names) -> dict[str, int]:
    """{name: 0} for each function `name` of `module`, counting its calls from now on (the function still runs)."""
    calls = {name: 0 for name in names}
    for name in calls:
        original = getattr(module, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)
        monkeypatch.setattr(module, name, counted)
    return calls


def fragment_names(at: AppTest) -> dict[str, str]:
    """{fragment id: the name of its function} of `at`'s fragments (a fragment's stored closure holds its function)."""
    names = {}
    for fragment_id, wrapped in at._fragment_storage._fragments.items():
        functions = [cell.cell_contents for cell in (wrapped.__closure__ or ())
                     if callable(getattr(cell, "cell_contents", None)) and hasattr(cell.cell_contents, "__qualname__")]
        names[fragment_id] = functions[0].__qualname__ if functions else ""
    return names


def rerun_fragments_only(monkeypatch, at: AppTest, only: tuple[str, ...] = ()) -> list[str]:
    """Make AppTest's next reruns fragment-scoped, as a browser asks when a control inside a fragment changes:
    AppTest reruns the whole script on every interaction, so its RerunData is made naming `at`'s fragments
    (`only`: those whose function has one of these names, e.g. a fragment nested in a page-wide one, as a control
    inside it asks). Returns the fragments' ids; full_reruns() (or the test's end) restores full reruns."""
    import streamlit.testing.v1.local_script_runner as runner

    fragments = [i for i, name in fragment_names(at).items() if not only or name in only]
    plain_rerun = runner.RerunData

    def scoped(**kw):
        return plain_rerun(**kw, fragment_id_queue=list(fragments), is_fragment_scoped_rerun=True)
    scoped.plain = plain_rerun
    monkeypatch.setattr(runner, "RerunData", scoped)
    return fragments


def full_reruns(monkeypatch) -> None:
    """Undo rerun_fragments_only: AppTest's reruns run the whole script again."""
    import streamlit.testing.v1.local_script_runner as runner

    monkeypatch.setattr(runner, "RerunData", runner.RerunData.plain)


def visible_texts(at: AppTest) -> str:
    """The page's text as read: markdown, captions, titles, headers, warnings, infos, and each metric's label and
    value, one a line."""
    parts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "warning", "info")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)
