"""Tests of kind `app`: every test in this folder gets the `app` marker, and `slow` for those in SLOW."""
from pathlib import Path

import duckdb
import pytest

from folder_marks import mark_folder
from ipmd import DEFAULT_DB, db

# module::function of the tests whose case took a second or more in the reference run of the whole
# non-browser suite on the loaded 2-core machine (30% of a core for pytest; see README "Test it")
SLOW = frozenset({
    "test_deploy::test_the_served_app_warms_the_overview_at_start_and_serves_whatever_happens_to_it",
    "test_deploy::test_streamlit_run_finds_the_server_entry_as_an_app_serving_app_py",
    "test_deploy::test_a_warm_up_that_fails_is_logged_and_returns",
    "test_page_coverage::test_a_shared_link_opens_the_same_view",
    "test_page_coverage::test_closed_sections_are_drawn_once_opened",
    "test_page_coverage::test_url_carries_the_filters",
    "test_every_chart_travels::test_every_chart_of_the_view_has_save_or_embed_and_its_source",
    "test_every_chart_travels::test_the_project_and_donor_charts_travel",
    "test_every_chart_travels::test_a_french_page_says_its_sources_in_french",
    "test_every_chart_travels::test_the_allocation_review_saves_images_but_offers_no_embed",
    "test_annual_report_page::test_the_report_is_offered_for_the_pages_year_and_built_on_click",
    "test_annual_report_page::test_the_year_comes_from_the_link_and_a_bad_one_is_reported",
    "test_french_punctuation::test_a_comparisons_summary_separates_places_the_languages_way",
    "test_page_funds::test_a_tab_control_recomputes_that_tab_only",
    "test_access::test_no_demo_user_once_a_real_ledger_is_loaded",
    "test_access_matrix::test_admin_dry_run",
    "test_access_matrix::test_admin_import",
    "test_access_matrix::test_allocation_review",
    "test_app::test_a_cached_map_follows_the_language",
    "test_page_methods::test_pages_run_on_a_database_without_counting_methods",
    "test_app::test_corridors_show_a_ranking_or_a_map_from_the_link",
    "test_app::test_the_meeting_pack_opens_from_a_link_with_its_countries",
    "test_deploy::test_every_process_serves_a_ledger_imported_by_another_on_its_next_run",
    "test_i18n_pages::test_french_allocation_review",
    "test_numbers_in_language::test_the_donor_table_writes_shares_and_amounts_in_the_language",
    "test_i18n_pages::test_spanish_funds_page",
    "test_ledger_admin_flow::test_a_file_over_the_time_limit_is_refused_with_the_limits",
    "test_ledger_admin_flow::test_limits_are_stated_and_a_file_is_validated_once",
    "test_ledger_every_shape::test_every_page_opens_on_a_ledger_of_this_shape",
    "test_page_admin::test_broken_upload_lists_problems_and_leaves_the_database_unchanged",
    "test_page_admin::test_the_csv_forms_are_checked_too",
    "test_page_admin::test_the_secretariat_gets_the_ledger_in_use_and_its_exports",
    "test_page_admin::test_valid_upload_is_a_dry_run_until_confirmed_then_the_real_ledger_is_in_use",
    "test_page_admin::test_with_sign_in_configured_only_the_secretariat_gets_the_import",
    "test_page_allocation::test_a_link_opens_a_proposal_record",
    "test_page_allocation::test_decision_sheet_download_has_the_rows_and_totals_shown",
    "test_page_allocation::test_filters_live_in_the_url",
    "test_page_allocation::test_over_committing_shows_an_error",
    "test_page_allocation::test_since_a_date_lists_the_changes",
    "test_page_allocation::test_the_counting_mode_lives_in_the_url",
    "test_page_allocation::test_ticking_proposals_changes_the_balance_and_the_coverage",
    "test_page_coverage::test_answers_at_the_top_are_computed",
    "test_page_coverage::test_page_runs_with_every_section",
    "test_page_funds::test_a_backwards_period_is_turned_round",
    "test_page_funds::test_a_period_with_no_transactions_says_no_flows",
    "test_page_funds::test_bad_url_values_give_a_warning_and_the_default_view",
    "test_page_funds::test_filters_set_with_the_widgets_go_to_the_url",
    "test_page_funds::test_kpis_are_the_ledger_and_carry_their_definitions",
    "test_page_funds::test_other_threshold_groups_small_flows",
    "test_page_funds::test_page_runs_with_each_filter_in_the_url",
    "test_page_funds::test_page_runs_with_every_section",
    "test_page_funds::test_sankey_links_sum_to_the_ladder",
    "test_page_funds::test_the_open_tab_stays_open_when_the_language_changes",
    "test_page_project_donor::test_a_project_page_opens_by_link_with_its_ladder",
    "test_page_project_donor::test_an_undecided_proposal_is_hidden_from_anyone_without_the_committee_role",
    "test_page_project_donor::test_the_pages_open_on_a_ledger_of_any_shape",
    "test_text_injection::test_a_hostile_link_value_is_reported_as_text",
    "test_text_injection::test_hostile_ledger_text_is_shown_as_text_on_the_proposal_record",
    "test_undecided_hidden::test_no_undecided_proposal_on_a_public_page",
    "test_undecided_hidden::test_the_marker_would_be_found",
    "test_overview_map_indicators::test_each_new_indicator_is_drawn_with_its_unit_and_the_databases_values",
    "test_access_matrix::test_an_import_click_after_signing_out_is_refused",
    "test_page_allocation::test_a_what_if_link_with_unknown_ids_says_so_and_keeps_the_rest",
    "test_page_allocation::test_a_tick_reruns_only_the_what_if_section",
})


def pytest_collection_modifyitems(config, items):
    mark_folder(items, Path(__file__).parent, "app", SLOW)


# ------------------------------------------------------------------------------- which database pages read
COMMITTED_DB = DEFAULT_DB.resolve()


def _names_committed_db(database) -> bool:
    try:
        return Path(str(database)).resolve() == COMMITTED_DB
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="module", autouse=True)
def _committed_database_guard():
    """Every connection opened while this module's tests run (by the test, a fixture or a page in AppTest): one
    to the committed data/ipmd.duckdb is recorded, and the test fails (see `_no_committed_database`). Page tests
    on the committed figures live in tests/data (test_pages_*.py)."""
    opened: list[str] = []
    real = duckdb.connect

    def connect(database=":memory:", *args, **kwargs):
        if _names_committed_db(database):
            opened.append(str(database))
        return real(database, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(duckdb, "connect", connect)
        yield opened


@pytest.fixture(scope="module", autouse=True)
def _fixture_database_by_default(_committed_database_guard, page_fixture_db_file):
    """IPMD_DB points at the small seeded page fixture database (make_page_fixture_db) for every test here, so a page opened with AppTest
    reads it; a test that needs more asks for `fixture_db` (a writable copy) or `on_ledger_fixture_db` (a ledger
    with some shape), which point IPMD_DB elsewhere for their test or module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IPMD_DB", str(page_fixture_db_file))
        yield


@pytest.fixture(scope="module")
def con(_fixture_database_by_default):
    """A read-only connection to the database the module's pages read (the fixture database, or the ledger
    fixture database for a module on `on_ledger_fixture_db`), for the figures a test computes independently."""
    connection = db.connect()
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def _no_committed_database(_committed_database_guard):
    """Fails the test (at teardown) if it, its fixtures or the pages it ran opened the committed database."""
    before = len(_committed_database_guard)
    yield
    if len(_committed_database_guard) > before:
        pytest.fail(f"a test in tests/app opened the committed database {COMMITTED_DB} "
                    f"({len(_committed_database_guard) - before} connection(s)); run it on the fixture database "
                    "or move it to tests/data (test_pages_*.py)")
