"""components.figure_cache: a figure is built once per name, inputs and database, and again when any changes."""
import plotly.graph_objects as go
import pytest

from components import figure_cache


@pytest.fixture
def builds(monkeypatch):
    monkeypatch.setattr(figure_cache, "version", lambda: "data-v1")
    figure_cache._built.clear()
    made = []

    def build(label):
        def make():
            made.append(label)
            return go.Figure(layout={"title": {"text": label}})
        return make

    yield made, build
    figure_cache._built.clear()


def test_the_same_view_is_built_once_and_shared(builds):
    made, build = builds
    first = figure_cache.cached_figure("profile.stocks", ("PHL", 2024, "en"), build("a"))
    again = figure_cache.cached_figure("profile.stocks", ("PHL", 2024, "en"), build("b"))
    assert again is first
    assert made == ["a"]


def test_another_input_language_name_or_database_builds_again(builds, monkeypatch):
    made, build = builds
    figure_cache.cached_figure("profile.stocks", ("PHL", 2024, "en"), build("en"))
    fr = figure_cache.cached_figure("profile.stocks", ("PHL", 2024, "fr"), build("fr"))
    other = figure_cache.cached_figure("profile.remittances", ("PHL", 2024, "en"), build("remittances"))
    monkeypatch.setattr(figure_cache, "version", lambda: "data-v2")
    imported = figure_cache.cached_figure("profile.stocks", ("PHL", 2024, "en"), build("after import"))
    assert made == ["en", "fr", "remittances", "after import"]
    assert fr.layout.title.text == "fr" and other.layout.title.text == "remittances"
    assert imported.layout.title.text == "after import"
