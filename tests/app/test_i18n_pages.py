"""AppTest: French and Spanish pages name the partnership's goals and areas of work, regions, income groups and
peer groups in their own language, and write the coverage tables' amounts as that language writes them."""
import html
import json

import apptest_pages
import pyarrow as pa
import pytest
from babel.numbers import format_decimal
from streamlit.testing.v1 import AppTest

from ipmd import db
from ipmd.allocation import report as allocation
from ipmd.i18n import area_label, goal_label, t


@pytest.fixture(scope="module", autouse=True)
def con(on_ledger_fixture_db):
    """The page reads the seeded ledger fixture database (funded, undecided and rejected projects), and so do the
    figures a test computes to compare with the page's."""
    return on_ledger_fixture_db

GOALS_FR = ["G1 · Suivi du FMMD", "G2 · Cohérence des politiques", "G3 · Renforcement des capacités"]
GOALS_ES = ["G1 · Seguimiento del FMMD", "G2 · Coherencia de las políticas", "G3 · Fomento de la capacidad"]
AREAS_FR = ["A · Information, recherche et analyse", "B · Évaluation d'impact et gestion des programmes"]
AREAS_ES = ["A · Información, investigación y análisis", "B · Evaluación del impacto y gestión de programas"]


def open_page(page: str, **params) -> AppTest:
    at = apptest_pages.open_page(page, timeout=120, **params)
    assert not at.exception, [e.message for e in at.exception]
    return at


def figure(at: AppTest, trace_type: str) -> dict:
    return next(spec for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
                if spec["data"] and spec["data"][0]["type"] == trace_type)


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "subheader") for e in getattr(at, kind))


def test_the_catalogues_name_the_goals_and_areas_these_tests_expect():
    assert [goal_label(g, "fr") for g in ("G1", "G2", "G3")] == GOALS_FR
    assert [goal_label(g, "es") for g in ("G1", "G2", "G3")] == GOALS_ES
    assert [area_label(a, "fr") for a in "AB"] == AREAS_FR and [area_label(a, "es") for a in "AB"] == AREAS_ES


def test_french_coverage_page():
    at = open_page("pages/coverage.py", lang="fr")
    heatmap = figure(at, "heatmap")["data"][0]
    assert heatmap["y"] == GOALS_FR
    assert [x.replace("<br>", " ") for x in heatmap["x"]] == AREAS_FR
    assert "Asie" in at.multiselect(key="region").options
    assert "Revenu intermédiaire (tranche inférieure)" in at.multiselect(key="income").options
    regions = next(d for d in open_page("pages/coverage.py", lang="fr", view="map").dataframe
                   if d.value.columns[0] == "region")
    assert {"Asie", "Afrique", "Amérique latine et Caraïbes"} <= set(regions.value["region"])
    money = json.loads(regions.proto.columns)["approved"]["type_config"]
    # numeric (sorts by amount), written in French on the server (no browser format): "13 200 000 $ US"
    assert money == {"type": "number"} and regions.value["approved"].dtype.kind in "fi"
    shown = pa.ipc.open_stream(regions.proto.arrow_data.styler.display_values).read_all().to_pandas()
    assert list(shown["approved"]) == [t("unit.usd", "fr", amount=format_decimal(round(v), format="#,##0", locale="fr"))
                                       for v in regions.value["approved"]]
    answers = next(m.value for m in at.markdown if m.value.startswith("- "))      # "in short", above the matrix
    assert any(goal in answers for goal in GOALS_FR) and any(area in answers for area in AREAS_FR)


def test_spanish_funds_page():
    at = open_page("pages/funds.py", lang="es")
    assert at.multiselect(key="goal").options == GOALS_ES
    nodes = figure(at, "sankey")["data"][0]["node"]["label"]
    assert set(GOALS_ES) <= set(nodes) and {"África", "Europa", "América Latina y el Caribe"} <= set(nodes)
    nodes = figure(open_page("pages/funds.py", lang="es", middle="area"), "sankey")["data"][0]["node"]["label"]
    assert set(AREAS_ES) <= set(nodes)


def test_french_allocation_review():
    pid = allocation.pipeline(db.connect())["project_id"].iloc[0]
    at = open_page("pages/allocation.py", lang="fr", proposal=pid)
    assert at.multiselect(key="goal").options == GOALS_FR
    assert at.multiselect(key="area").options == AREAS_FR
    record = texts(at)
    assert any(f"- {goal}: " in record for goal in GOALS_FR)                   # the proposal's goals
    assert any(area.split(" · ")[1] in record for area in AREAS_FR)            # its area of work, described in
    assert any((m.proto.help or "").startswith("Renforcer ") for m in at.metric)   # the help
    bars = figure(open_page("pages/allocation.py", lang="fr", view="whatif"), "bar")["data"]   # the what-if tab
    axis = [x.replace("<br>", " ") for trace in bars for x in trace["x"]]
    assert {"G1 Suivi du FMMD", "A Information, recherche et analyse"} <= set(axis)


@pytest.mark.parametrize("lang, iso3, region, income", [
    ("fr", "PHL", "Asie", "Revenu intermédiaire (tranche inférieure)"),
    ("es", "MEX", "América Latina y el Caribe", "Ingreso mediano alto"),
])
def test_peer_groups_are_named_in_the_page_language(lang, iso3, region, income):
    at = open_page("pages/country.py", lang=lang, country=iso3)
    summary = next(m.value for m in at.markdown if region in m.value and income in m.value)
    assert "Asia " not in summary and "income" not in summary
    medians = [t("profile.peers.median", lang, group=group) for group in (region, income)]   # 'Médiane, Asie'
    bars = [spec["data"][0] for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
            if spec["data"] and spec["data"][0]["type"] == "bar"]
    # the country, then the medians of its two groups (labels wrap onto short lines on the chart)
    # (each label's first line is its bar's value)
    assert any([html.unescape(str(label).split("<br>", 1)[-1].replace("<br>", " ")) for label in bar["x"]][1:] == medians
               for bar in bars)


def test_french_profile_lists_the_partnership_projects_in_french():
    from ipmd.fund import summary as fund_summary

    projects = fund_summary.projects_by_country(db.connect())
    iso3 = projects["iso3"].value_counts().index[0]                  # the country with the most projects
    at = open_page("pages/country.py", country=iso3, lang="fr")
    table = next(d for d in at.dataframe if "project_id" in d.value.columns)
    assert set(table.value["status"]) <= {"Approuvé", "En cours", "Clos"}
    # the area of work by its French name after its code (issue 17: the bare code "A" before)
    from ipmd.fund.rules import AREAS

    assert set(table.value["area_id"]) <= {f"{a} · {t(f'area.{a}', 'fr')}" for a in AREAS}
    # and its goals by their French names, the main one first (not "G2, G1")
    from ipmd.fund.rules import GOALS

    names = {f"{g} · {t(f'goal.{g}', 'fr')}" for g in GOALS}
    assert all(set(goals.split("; ")) <= names for goals in table.value["goals"])
    mains = projects[projects["iso3"] == iso3].set_index("project_id")["goals"].str.split(", ").str[0]
    assert [goals.split(" · ")[0] for goals in table.value["goals"]] == [
        mains[p.split("project=")[-1].split("&")[0]] for p in table.value["project_id"]]
    columns = json.loads(table.proto.columns)
    assert columns["project_id"]["label"] == t("coverage.col.project_id", "fr")
    assert columns["start_date"]["label"] == "Début"
    assert columns["approved_here"]["type_config"].get("format") is None          # no browser format: ...
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pandas()
    assert list(shown["approved_here"]) == [                                        # ... written in French here
        t("unit.usd", "fr", amount=format_decimal(round(v), format="#,##0" if v >= 1000 else "0", locale="fr"))
        for v in table.value["approved_here"]]


def test_spanish_flow_table_names_its_stages_in_spanish():
    at = apptest_pages.app_test("pages/funds.py", timeout=120, lang="es")
    at.session_state["funds_links_data"] = True          # "Show the data as a table" opened
    at.run()
    assert not at.exception
    table = next(d for d in at.dataframe if "source_stage" in d.value.columns)
    assert set(table.value["source_stage"]) == {"Donante", "Fondo fiduciario", "Objetivo", "Organismo asociado"}
    assert {"Región", "Aún no aprobado"} <= set(table.value["target_stage"])
    assert json.loads(table.proto.columns)["value"]["label"] == "Importe"
