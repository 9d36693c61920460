"""French writes a (non-breaking) space before ':' and ';' (issue 17: every screen right in every language): lines the
new screens put together from pieces (a project's goal and its weight, a comparison's list of values) follow the
language's punctuation, not English's."""
import pytest

from apptest_pages import open_page
from ipmd.i18n import fmt_pct, goal_label

NBSP = "\u00a0"


@pytest.fixture(scope="module", autouse=True)
def con(on_ledger_fixture_db):
    """The pages read the seeded ledger fixture database (its projects; the page fixture's countries)."""
    return on_ledger_fixture_db


def test_a_projects_goals_in_french_put_a_space_before_the_colon(con):
    # a funded project with two goals, its first by weight
    project, goal_id, weight = con.execute(
        "SELECT project_id, goal_id, weight FROM project_goals JOIN projects USING (project_id) "
        "WHERE status IN ('active', 'closed') AND weight < 1 ORDER BY project_id, weight DESC LIMIT 1").fetchone()
    at = open_page("pages/project.py", project=project, lang="fr")
    assert not at.exception
    line = f"{goal_label(goal_id, 'fr')}{NBSP}: {fmt_pct(100 * weight, 'fr', 0)}"
    assert any(line in m.value for m in at.markdown), [m.value for m in at.markdown][:12]


@pytest.mark.parametrize("lang, sep", [("fr", f"{NBSP}; "), ("en", "; "), ("es", "; ")])
def test_a_comparisons_summary_separates_places_the_languages_way(lang, sep):
    at = open_page("pages/compare.py", compare="MAR,MEX,PHL", lang=lang)
    assert not at.exception
    summaries = [m.value for m in at.markdown if "(20" in m.value and m.value.count(sep) >= 2]
    assert summaries, [m.value for m in at.markdown]
    if lang == "fr":
        assert not any("); " in s.replace(f"){NBSP}; ", "") for s in summaries), summaries
