"""Tests of kind `data`: every test in this folder gets the `data` marker, and `slow` for those in SLOW."""
from pathlib import Path

import pytest

from folder_marks import mark_folder
from ipmd import queries

# module::function of the tests whose case took a second or more in the reference run of the whole
# non-browser suite on the loaded 2-core machine (30% of a core for pytest; see README "Test it")
SLOW = frozenset({
    "test_pages_overview_map::test_each_new_indicator_is_drawn_with_its_unit_and_the_databases_values",
    "test_pages_overview::test_the_overview_map_table_lists_the_countries_of_un_desa",
    "test_annual_report::test_funds_received_and_used_equal_the_page_and_the_ledger",
    "test_annual_report::test_allocations_decided_equal_the_funds_page_and_the_ledger",
    "test_annual_report::test_results_by_goal_equal_the_coverage_query_and_the_ledger",
    "test_annual_report::test_late_reports_and_countries_reached_equal_the_ledger",
    "test_annual_report::test_the_ledgers_last_year_is_provisional_and_said_so",
    "test_annual_report::test_the_pdf_opens_and_holds_the_figures_with_label_and_source_on_every_page",
    "test_annual_report::test_the_docx_opens_and_holds_the_figures_with_label_and_source_in_header_and_footer",
    "test_annual_report::test_no_english_is_left_in_french_or_spanish",
    "test_annual_report::test_undecided_proposals_never_appear",
    "test_annual_report::test_the_pdf_pages_render",
    "test_allocation::test_empty_selection_sheet_is_the_before_state",
    "test_allocation::test_high_need_reach_per_project_adds_up",
    "test_brief::test_brief_labels_illustrative_projects",
    "test_brief::test_meeting_pack_is_a_comparison_page_then_each_brief",
    "test_build::test_build_prints_steps_and_row_counts",
    "test_compare::test_the_pdf_is_in_the_language_asked_with_each_figure_and_its_year",
    "test_build::test_command_line_reports_failure_with_exit_status_1",
    "test_build::test_content_hash_is_over_the_rows_not_the_bytes",
    "test_build::test_renamed_column_in_a_workbook_names_file_sheet_and_column",
    "test_coverage_report::test_cell_lists_add_up_to_their_cells",
    "test_coverage_report::test_regions_add_up_to_the_whole",
    "test_coverage_report::test_weights_change_the_ranking",
    "test_database::test_meta_and_content_hash",
    "test_fund_summary::test_the_ledger_source_is_a_row_of_sources_before_and_after_an_import",
    "test_gis::test_a_broken_natural_earth_file_fails_the_build_naming_the_file",
    "test_gis::test_build_with_geopandas_gives_the_stored_boundaries_row_for_row",
    "test_gis::test_funds_money_map_download_holds_the_disbursed_money_per_country",
    "test_ledger_real_database::test_real_database_ledger_round_trips",
    "test_project_donor_pages::test_donors_attributed_money_is_their_deposits_used_and_adds_up_to_approvals",
    "test_project_donor_pages::test_every_projects_ladder_equals_its_transactions",
    "test_results_database::test_iati_export_validates_and_reads_back_every_result",
    "test_methods_page::test_profile_says_how_the_country_counts_its_immigrants",
    "test_page_figures::test_overview_fund_figures_say_when_the_ledger_ends_before_the_year",
    "test_profile_page_figures::test_corridors_show_destinations_then_origins_from_the_link",
    "test_build::test_build_reproduces_the_committed_database",
    "test_brief::test_brief_with_missing_indicators_says_so",
    "test_brief::test_brief_shows_the_profile_figures_in_its_language",
    "test_allocation::test_decision_sheet_metadata_and_summary_are_in_the_sheets_language",
    "test_brief::test_brief_for_a_country_without_projects_says_so_plainly",
    "test_gis::test_coverage_map_download_holds_the_approved_money_per_country_flagged_illustrative",
    "test_build::test_truncated_binary_or_json_file_fails_naming_the_file",
    "test_brief::test_slides_have_one_idea_per_slide_in_spanish",
})


def pytest_collection_modifyitems(config, items):
    mark_folder(items, Path(__file__).parent, "data", SLOW)


@pytest.fixture(scope="module")
def ledger(con):
    """The committed database's ledger tables (queries.ledger), read once per module."""
    return queries.ledger(con)
