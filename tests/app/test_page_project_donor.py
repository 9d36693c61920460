"""The project and donor pages opened by link (?project=, ?donor=), with ids that name nothing, and undecided
proposals kept from anyone without the committee role; the funds screen's sources-and-uses section."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from access_fixtures import MARKER, configure, make_real_ledger_db, real_ledger_tables, undecided_ids
from apptest_pages import app_test, count_calls, open_page, rerun_fragments_only
from ipmd.i18n import fmt_usd


def texts(at) -> str:
    parts = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info",
                                       "error", "text") for e in getattr(at, kind)]
    parts += [m.label + " " + str(m.value) for m in at.metric]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    parts += [str(o) for w in at.selectbox for o in w.options]
    return "\n".join(parts)


def chart(at, key_part: str) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if key_part in c.proto.id]
    assert specs, [c.proto.id for c in at.get("plotly_chart")]
    return specs[0]


def test_a_project_page_opens_by_link_with_its_ladder(fixture_db):
    at = open_page("pages/project.py", project="DEMO-P")
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["project"] == "DEMO-P"
    assert [h.value for h in at.header] == ["Demo"]
    # the fixture ledger: DEMO-P approved 5, nothing transferred or spent
    assert chart(at, "project_ladder")["data"][0]["y"] == [5.0, 0.0, 0.0]
    assert {m.label: m.value for m in at.metric}["Approved"] == fmt_usd(5.0, "en")
    assert any("Illustrative" in w.value for w in at.warning)
    assert any("No results reported" in i.value for i in at.info)


def test_a_projects_results_are_shown_when_the_ledger_has_them(fixture_db):
    import duckdb

    from project_results_fixtures import add_results

    con = duckdb.connect(str(fixture_db))
    add_results(con, "DEMO-P")
    # a new database content: the app's caches are keyed on it
    con.execute("UPDATE meta SET value = 'fixture-with-results' WHERE key = 'content_hash'")
    con.close()
    at = open_page("pages/project.py", project="DEMO-P")
    assert not at.exception, [e.message for e in at.exception]
    tables = {tuple(d.value.columns)[:2]: d.value for d in at.dataframe}
    indicators = tables[("result_type", "result_title")]
    # values as text in the page's language, a word where none is reported (never "None")
    assert indicators["target_value"].tolist() == ["20", "20", "10"]
    assert indicators["sex"].tolist() == ["Women", "Men", "Women"]
    # the chart sums the reported periods only: targets 20 + 20, achieved 22 + 15
    bars = chart(at, "project_results")["data"]
    assert [b["x"] for b in bars] == [[40.0], [37.0]]
    # the fixture's only achieved values: women 22 of 20, men 15 of 20 in 2010; 2011 not reported
    assert indicators["achieved"].tolist() == ["110%", "75%", "–"]
    assert indicators["actual_value"].tolist() == ["22", "15", "Not reported yet"]
    # the progress report due 2010-03-31 came on 2010-04-15: 15 days late
    reports = tables[("report_type", "due_date")]
    assert reports["report_type"].tolist() == ["Progress report"]
    assert reports["status"].tolist() == ["Late"] and reports["days_late"].tolist() == [15]
    assert tables[("title", "category")]["link"].tolist() == ["https://example.org/r.pdf"]
    assert any("Gender equality marker (OECD-DAC): 2" in c.value for c in at.caption)
    assert not any("No results reported" in i.value for i in at.info)


def test_the_project_page_shows_no_none_and_translates_kinds_in_french(fixture_db):
    """Issue 17: a report not received, one not yet due, a document without date and the ledger's document kinds
    read as words of the page's language; no cell reads "None", "nan" or a raw code."""
    import duckdb

    from project_results_fixtures import add_results

    con = duckdb.connect(str(fixture_db))
    add_results(con, "DEMO-P")
    con.execute("INSERT INTO report_milestones VALUES ('DEMO-P', 'progress', '2010-01-31', NULL, TRUE), "
                "('DEMO-P', 'final', '2099-12-31', NULL, TRUE)")
    con.execute("INSERT INTO project_documents VALUES ('D3', 'DEMO-P', 'Mid-term review', 'evaluation', "
                "'https://example.org/e.pdf', NULL, TRUE), ('D4', 'DEMO-P', 'Site', 'web_page', "
                "'https://example.org/', '2010-07-01', TRUE)")
    con.execute("UPDATE meta SET value = 'fixture-with-gaps' WHERE key = 'content_hash'")
    con.close()
    at = app_test("pages/project.py", 180, project="DEMO-P", lang="fr")
    at.session_state["project_txns_data"] = True            # the transactions' table opened
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    tables = {tuple(d.value.columns)[:2]: d.value for d in at.dataframe}
    reports = tables[("report_type", "due_date")]
    # by due date: the one due 2010-01-31 never came (the ledger runs to 2010-04-15): outstanding; the one due
    # 2010-03-31 came 2010-04-15; the final one is due in 2099
    assert reports["report_type"].tolist() == ["Rapport d’avancement", "Rapport d’avancement", "Rapport final"]
    assert reports["received_date"].tolist() == ["Non reçu", "15 avr. 2010", "Pas encore dû"]
    assert reports["due_date"].tolist() == ["31 janv. 2010", "31 mars 2010", "31 déc. 2099"]
    documents = tables[("title", "category")]
    assert documents["category"].tolist() == ["Rapport", "Page web", "Évaluation"]
    assert documents["document_date"].tolist() == ["1 mai 2010", "1 juil. 2010", "Non fixée"]
    indicators = tables[("result_type", "result_title")]
    assert indicators["actual_value"].tolist()[2] == "Pas encore communiqué"
    assert ("txn_id", "txn_type") in tables                  # the transactions' table is among those scanned
    # every table's text but the link columns (a link column draws a missing link as an empty cell)
    shown = "\n".join(d.value.drop(columns=["link"], errors="ignore").to_csv(na_rep="<missing>")
                      for d in at.dataframe)
    for raw in ("None", "nan", "NaT", "web_page", "evaluation", "not_due", "<missing>"):
        assert raw not in shown, raw


def test_a_documents_address_is_a_link_only_when_http_or_https(fixture_db):
    import duckdb

    from project_results_fixtures import add_results

    con = duckdb.connect(str(fixture_db))
    add_results(con, "DEMO-P")
    con.execute("INSERT INTO project_documents VALUES ('D2', 'DEMO-P', '**Bold** [x](javascript:alert(1))', 'other', "
                "'javascript:alert(1)', '2010-06-01', TRUE)")
    con.execute("UPDATE meta SET value = 'fixture-with-a-bad-address' WHERE key = 'content_hash'")
    con.close()
    at = open_page("pages/project.py", project="DEMO-P")
    assert not at.exception, [e.message for e in at.exception]
    documents = next(d.value for d in at.dataframe if tuple(d.value.columns)[:2] == ("title", "category"))
    assert documents["link"].tolist()[0] == "https://example.org/r.pdf" and pd.isna(documents["link"].tolist()[1])
    assert documents["address"].tolist()[1] == "javascript:alert(1)"        # as text, in a text column
    assert documents["title"].tolist()[1] == "**Bold** [x](javascript:alert(1))"


@pytest.mark.parametrize("value", ["NOPE", "<b>x</b>", "DEMO-P'; DROP TABLE projects"])
def test_an_unknown_project_says_so_and_offers_the_picker(fixture_db, value):
    at = open_page("pages/project.py", project=value)
    assert not at.exception, [e.message for e in at.exception]
    assert any("is not a project shown here" in w.value for w in at.warning)
    assert at.selectbox(key="project").value is None
    assert at.dataframe[0].value["link"].tolist() == ["project?project=DEMO-P"]


def test_a_donor_page_opens_by_link_in_french(fixture_db):
    at = open_page("pages/donor.py", donor="DEMO-D", lang="fr")
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Donateur" and [h.value for h in at.header] == ["Demo donor"]
    over_time = chart(at, "donor_over_time")
    # the fixture ledger: DEMO-D pledged 10 in December 2008 and deposited 10 in January 2009
    assert over_time["data"][0]["x"] == ["2008", "2009"]
    assert [trace["y"] for trace in over_time["data"]] == [[10.0, 0.0], [0.0, 10.0]]
    metrics = {m.label: m.value for m in at.metric}
    # the only approval (5) is drawn from the only donor's deposits
    assert metrics["Sa part des approbations"] == fmt_usd(5.0, "fr")
    assert metrics["Pas encore alloué"] == fmt_usd(5.0, "fr")
    # the list of its projects sits closed at the foot of the page (issue 18: sent only when opened), one project
    assert not at.dataframe and [e.label for e in at.expander][-1] == "Afficher le projet (1)"
    at.session_state["donor_projects_open"] = True
    at = at.run()
    links = at.dataframe[-1].value["link"].tolist()
    assert links == ["project?project=DEMO-P&lang=fr"]


def test_a_donor_tab_reruns_only_its_breakdown(fixture_db, monkeypatch):
    """The by goal / partner / country tabs are a fragment: switching to "by partner" draws the partner's bar from
    the fixture ledger (DEMO-D's whole attributed 5 went to one partner's project) and writes ?by=, without running
    the page's header again. The fragment-scoped rerun a browser asks for is made with a RerunData naming it."""
    from components.views import donor as view
    calls = count_calls(monkeypatch, view, ["header"])
    at = open_page("pages/donor.py", donor="DEMO-D")
    assert not at.exception, [e.message for e in at.exception]
    assert calls["header"] == 1 and chart(at, "donor_by_goal")
    fragments = rerun_fragments_only(monkeypatch, at)
    assert len(fragments) == 1
    at.session_state["by"] = "By partner"
    at = at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert calls["header"] == 1                          # the page above the fragment did not run again
    assert at.query_params["by"] == "partner"
    bars = chart(at, "donor_by_partner")["data"][0]
    assert bars["x"] == [5.0]


def test_an_unknown_donor_says_so(fixture_db):
    at = open_page("pages/donor.py", donor="NOBODY")
    assert not at.exception, [e.message for e in at.exception]
    assert any("NOBODY" in w.value for w in at.warning)
    assert at.dataframe[0].value["link"].tolist() == ["donor?donor=DEMO-D"]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    return make_real_ledger_db(tmp_path_factory.mktemp("real"))


def test_an_undecided_proposal_is_hidden_from_anyone_without_the_committee_role(real_db, monkeypatch):
    monkeypatch.setenv("IPMD_DB", str(real_db))
    monkeypatch.delenv("IPMD_REQUIRE_SIGNIN", raising=False)
    pid = undecided_ids(real_ledger_tables())[0]
    for visitor in (None, "anonymous", "no role"):
        at = configure(app_test("pages/project.py", project=pid), visitor).run()
        assert not at.exception, [e.message for e in at.exception]
        shown = texts(at)
        assert MARKER not in shown and any("is not a project shown here" in w.value for w in at.warning), visitor
        assert at.selectbox(key="project").value is None
    listing = configure(app_test("pages/project.py"), None).run()          # the picker and the list of projects
    tables = real_ledger_tables()
    funded = tables["projects"].loc[tables["projects"]["status"].isin(["approved", "active", "closed"]), "project_id"]
    assert not listing.exception
    assert sorted(listing.dataframe[0].value["link"]) == sorted(f"project?project={p}" for p in funded)
    assert MARKER not in texts(listing) and not any(p in texts(listing) for p in undecided_ids(real_ledger_tables()))
    at = configure(app_test("pages/project.py", project=pid), "committee").run()
    assert not at.exception, [e.message for e in at.exception]
    assert MARKER in texts(at) and any("confidential" in w.value for w in at.warning)


def test_a_donor_page_names_no_undecided_proposal(real_db, monkeypatch):
    monkeypatch.setenv("IPMD_DB", str(real_db))
    tables = real_ledger_tables()
    donor = tables["donors"]["donor_id"].iloc[0]
    for view in ("goal", "partner", "country"):
        at = configure(app_test("pages/donor.py", donor=donor, by=view), None)
        at.session_state["donor_projects_open"] = True           # its list of projects too
        at = at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert at.dataframe, "the list of projects is drawn"
        shown = texts(at)
        assert MARKER not in shown and not any(pid in shown for pid in undecided_ids(tables))


def _sources_uses_section():
    from components.views.fund_sources_uses import section

    section(2009, True)


def test_the_sources_and_uses_section_draws_the_ledger(fixture_db):
    at = AppTest.from_function(_sources_uses_section, default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    # the fixture ledger: 10 deposited in 2009, nothing transferred; 5 approved
    assert table.loc["Contributions from donors (deposits)"].tolist() == ["US$0", "US$10", "US$10"]
    assert table.loc["Investment income"].tolist() == ["not recorded"] * 3
    assert table.loc["of which available for approval (fund balance)"].tolist()[-1] == "US$5"
    assert any("provisional" in w.value for w in at.warning)        # 2009 is the fixture ledger's last year
    assert any("No transfer" in i.value for i in at.info)


def _sources_uses_in(year):
    from components.views.fund_sources_uses import section

    section(year, False)


@pytest.mark.parametrize("shape", ["one_year", "one_donor_one_project", "no_approvals", "approved_nothing_spent",
                                   "pledges_only", "no_projects"])
def test_the_pages_open_on_a_ledger_of_any_shape(shape, fixture_db):
    import ledger_fixtures as F
    from ipmd.ledger.store import import_ledger
    from test_ledger_every_shape import SHAPES

    ledger = F.shaped_ledger(**SHAPES[shape])
    result = import_ledger(F.xlsx_bytes(ledger), f"{shape}.xlsx", fixture_db)      # IPMD_DB points at it
    assert result.ok, "\n".join(result.report_lines())
    funded = ledger["projects"].loc[ledger["projects"]["status"].isin(["approved", "active", "closed"]), "project_id"]
    runs = [("pages/project.py", {}), ("pages/donor.py", {}),
            *[("pages/project.py", {"project": pid}) for pid in funded[:2]],
            *[("pages/donor.py", {"donor": d}) for d in ledger["donors"]["donor_id"][:2]]]
    for page, params in runs:
        at = configure(app_test(page, **params), None).run()
        assert not at.exception, (page, params, [e.message for e in at.exception])
        assert not any("not a" in w.value for w in at.warning), (page, params)     # every id opened its page
    years = pd.to_datetime(ledger["transactions"]["txn_date"]).dt.year
    for year in sorted(set(years)) or [2009]:
        at = AppTest.from_function(_sources_uses_in, args=(int(year),), default_timeout=120).run()
        assert not at.exception, (year, [e.message for e in at.exception])


def test_hostile_ledger_text_is_shown_as_text_on_the_project_and_donor_pages(fixture_db):
    import ledger_fixtures as F
    from ipmd.ledger.store import import_ledger
    from test_text_injection import HOSTILE, WORD_JOINER, injected, page_texts, visible

    db_file = fixture_db                                   # IPMD_DB points at it
    ledger = F.copy_tables(F.valid_ledger())
    projects, donors = ledger["projects"], ledger["donors"]
    pos = F.row_of(ledger, "projects", status="active")
    pid = projects.iloc[pos]["project_id"]
    for column, value in (("title", HOSTILE[1]), ("objectives", HOSTILE[0]), ("expected_results", HOSTILE[2])):
        projects.iloc[pos, projects.columns.get_loc(column)] = value
    donors.iloc[0, donors.columns.get_loc("name")] = HOSTILE[3]
    assert import_ledger(F.xlsx_bytes(ledger), "ledger.xlsx", db_file).ok
    for page, params, values in (("pages/project.py", {"project": pid}, HOSTILE[:3]),
                                 ("pages/donor.py", {"donor": donors.iloc[0]["donor_id"]}, HOSTILE[3:4])):
        at = configure(app_test(page, **params), None).run()
        assert not at.exception, [e.message for e in at.exception]
        texts = page_texts(at)
        for value in values:
            assert any(value in visible(t).replace(WORD_JOINER, "") for t in texts), value
        assert [t for t in texts if injected(t)] == []
