"""Tests of kind `unit`: every test in this folder gets the `unit` marker, and `slow` for those in SLOW."""
from pathlib import Path

from folder_marks import mark_folder

# module::function of the tests whose case took a second or more in the reference run of the whole
# non-browser suite on the loaded 2-core machine (30% of a core for pytest; see README "Test it")
SLOW = frozenset({
    "test_annual_report_frames::test_the_years_figures_are_those_of_the_ledgers_construction",
    "test_annual_report_frames::test_results_by_goal_are_the_periods_ending_in_the_year",
    "test_annual_report_frames::test_late_reports_are_the_final_reports_due_in_the_year_and_received_after",
    "test_annual_report_frames::test_an_undecided_proposal_never_appears",
    "test_annual_report_frames::test_a_ledger_without_results_says_so_in_the_pdf_and_the_docx",
    "test_annual_report_frames::test_a_real_ledger_has_no_illustrative_label_and_a_year_after_the_last_is_provisional",
    "test_fund_sections::test_each_section_holds_the_reports_figures",
    "test_coverage::test_both_modes_conserve_money_and_projects",
    "test_funds::test_every_leg_carries_the_approved_total",
    "test_ledger_broken_files::test_broken_file_is_refused_with_its_message_and_the_db_is_unchanged",
    "test_ledger_hardening::test_a_csv_zip_bomb_is_stopped_at_the_limit_without_decompressing_it_all",
    "test_ledger_hardening::test_a_dry_run_is_validated_again_when_the_database_changed_since",
    "test_ledger_hardening::test_a_killed_backup_copy_leaves_no_backup_under_a_normal_name",
    "test_ledger_hardening::test_backups_are_pruned_to_ipmd_keep_backups_and_listed",
    "test_ledger_hardening::test_backups_made_in_one_second_keep_their_order_through_pruning",
    "test_ledger_hardening::test_cli_lists_backups_and_restores",
    "test_ledger_hardening::test_import_keeps_the_database_file_mode",
    "test_ledger_hardening::test_ledger_csv_export_quotes_formulas_and_reimports_them_unchanged",
    "test_ledger_hardening::test_ledger_xlsx_export_stores_formula_text_as_text",
    "test_ledger_hardening::test_progress_is_reported_and_a_visitor_who_left_stops_the_work",
    "test_ledger_hardening::test_reading_and_checking_stop_at_the_time_limit_with_a_clear_problem",
    "test_ledger_hardening::test_restore_puts_a_backup_back_atomically_and_backs_up_the_current_one",
    "test_ledger_hardening::test_stale_temporaries_are_cleaned_at_the_start_of_an_import",
    "test_ledger_hardening::test_utf16_iati_is_read",
    "test_ledger_import::test_amounts_in_other_currencies_are_converted_when_usd_is_blank",
    "test_ledger_import::test_any_negative_amount_is_a_problem_at_its_row_and_column",
    "test_ledger_import::test_any_text_in_a_number_column_is_a_problem_at_its_row",
    "test_ledger_import::test_cli_import_export_template",
    "test_ledger_import::test_cli_prints_problems_one_per_line_and_fails",
    "test_ledger_import::test_content_hash_follows_content_not_row_order",
    "test_ledger_import::test_empty_template_is_refused_not_imported",
    "test_ledger_import::test_every_generated_ledger_is_valid_and_row_order_does_not_matter",
    "test_ledger_import::test_export_then_import_reproduces_rows_and_totals",
    "test_ledger_import::test_generated_ledger_imports_in_every_form",
    "test_ledger_import::test_iati_activities_are_mapped_and_converted",
    "test_ledger_import::test_spreadsheet_leniency_ids_as_numbers_codes_in_lower_case",
    "test_ledger_results::test_broken_results_sheet_is_refused_located_and_the_database_unchanged",
    "test_ledger_results::test_a_database_made_before_the_results_framework_takes_a_ledger_with_results",
    "test_ledger_results::test_iati_export_validates_and_round_trips_every_result",
    "test_ledger_results::test_iati_gender_marker_outside_0_3_is_refused",
    "test_ledger_results::test_iati_sex_not_recognised_is_located_at_its_line",
    "test_ledger_results::test_results_round_trip_through_the_database_and_back",
    "test_need::test_scores_are_between_0_and_1_and_missing_iff_too_few",
    "test_portfolio::test_without_exchange_rates_everything_is_in_dollars",
    "test_ledger_import::test_export_of_the_demonstration_db_round_trips",
    "test_ledger_import::test_import_replaces_the_demonstration_portfolio_and_records_provenance",
})


def pytest_collection_modifyitems(config, items):
    mark_folder(items, Path(__file__).parent, "unit", SLOW)
