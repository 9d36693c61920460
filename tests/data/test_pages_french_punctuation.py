"""French writes a (non-breaking) space before ':' and ';' (issue 17: every screen right in every language): lines the
new screens put together from pieces (a project's goal and its weight, a comparison's list of values) follow the
language's punctuation, not English's."""
import duckdb
import pytest

from apptest_pages import open_page
from ipmd import DEFAULT_DB
from ipmd.i18n import fmt_pct, goal_label

committed = pytest.mark.skipif(not DEFAULT_DB.is_file(), reason="data/ipmd.duckdb is not built yet")
NBSP = "\u00a0"


@committed
def test_a_projects_goals_in_french_put_a_space_before_the_colon():
    with duckdb.connect(str(DEFAULT_DB), read_only=True) as con:
        goal_id, weight = con.execute("SELECT goal_id, weight FROM project_goals WHERE project_id = 'IPMD-2015-001' "
                                      "ORDER BY weight DESC LIMIT 1").fetchone()
    at = open_page("pages/project.py", project="IPMD-2015-001", lang="fr")
    assert not at.exception
    line = f"{goal_label(goal_id, 'fr')}{NBSP}: {fmt_pct(100 * weight, 'fr', 0)}"
    assert any(line in m.value for m in at.markdown), [m.value for m in at.markdown][:12]


@committed
@pytest.mark.parametrize("lang, sep", [("fr", f"{NBSP}; "), ("en", "; "), ("es", "; ")])
def test_a_comparisons_summary_separates_places_the_languages_way(lang, sep):
    at = open_page("pages/compare.py", compare="MAR,TUN,PHL", lang=lang)
    assert not at.exception
    summaries = [m.value for m in at.markdown if "(20" in m.value and m.value.count(sep) >= 2]
    assert summaries, [m.value for m in at.markdown]
    if lang == "fr":
        assert not any("); " in s.replace(f"){NBSP}; ", "") for s in summaries), summaries
