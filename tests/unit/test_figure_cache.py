"""components.figure_cache: a figure is built once per builder, arguments, language and database, and again when
any changes."""
import plotly.graph_objects as go
import pytest

from components import figure_cache


# figure(): the key derived from the builder and its arguments

def titled(frame, title="t"):
    return go.Figure(data=[go.Bar(x=list(frame["x"]), y=list(frame["y"]))], layout={"title": {"text": title}})


def other_builder(frame, title="t"):
    return go.Figure(layout={"title": {"text": "other " + title}})


@pytest.fixture
def derived(monkeypatch):
    monkeypatch.setattr(figure_cache, "version", lambda: "data-v1")
    monkeypatch.setattr(figure_cache, "lang", lambda: "en")
    figure_cache._built.clear()
    yield monkeypatch
    figure_cache._built.clear()


def test_figure_is_built_once_for_equal_arguments_and_again_when_a_value_changes(derived):
    import pandas as pd
    frame = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    first = figure_cache.figure(titled, frame, title="T")
    assert figure_cache.figure(titled, frame.copy(), title="T") is first       # equal by value, not identity
    changed = frame.assign(y=[1, 3])
    rebuilt = figure_cache.figure(titled, changed, title="T")
    assert rebuilt is not first and list(rebuilt.data[0].y) == [1, 3]
    assert figure_cache.figure(titled, frame, title="U").layout.title.text == "U"
    assert figure_cache.figure(other_builder, frame, title="T").layout.title.text == "other T"


def test_figure_is_built_again_for_another_language_or_database(derived):
    import pandas as pd
    frame = pd.DataFrame({"x": ["a"], "y": [1]})
    first = figure_cache.figure(titled, frame)
    derived.setattr(figure_cache, "lang", lambda: "fr")
    in_french = figure_cache.figure(titled, frame)
    derived.setattr(figure_cache, "version", lambda: "data-v2")
    after_import = figure_cache.figure(titled, frame)
    assert len({id(first), id(in_french), id(after_import)}) == 3


def test_figure_refuses_a_lambda(derived):
    with pytest.raises(TypeError):
        figure_cache.figure(lambda: go.Figure())


def test_a_cached_figures_dict_is_made_once_and_is_what_plotly_makes(derived):
    """st.plotly_chart calls to_dict() on every run (a deep copy of every trace and frame): a cached figure, never
    changed once built, makes it once (issue 18) and it equals a fresh figure's."""
    import pandas as pd
    import plotly.tools

    frame = pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})
    fig = figure_cache.figure(titled, frame, title="T")
    once = fig.to_dict()
    assert fig.to_dict() is once
    assert plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True) is once   # Streamlit's path
    fresh = titled(frame, title="T")
    fresh.layout.separators = figure_cache.separators("en")
    assert once == fresh.to_dict()
