"""The results framework's tables (ipmd/build/schema.sql, issue 20 part 1) with a few hand-made rows, for the
project page's tests on the fixture database."""


RESULTS_SCHEMA = """
CREATE TABLE results (result_id TEXT, project_id TEXT, result_type TEXT, title TEXT, description TEXT,
                      is_illustrative BOOLEAN);
CREATE TABLE result_indicators (result_indicator_id TEXT, result_id TEXT, title TEXT, unit TEXT, by_sex BOOLEAN,
                                baseline_year INTEGER, baseline_value DOUBLE, is_illustrative BOOLEAN);
CREATE TABLE indicator_periods (result_indicator_id TEXT, period_start DATE, period_end DATE, sex TEXT,
                                target_value DOUBLE, actual_value DOUBLE, is_illustrative BOOLEAN);
CREATE TABLE report_milestones (project_id TEXT, report_type TEXT, due_date DATE, received_date DATE,
                                is_illustrative BOOLEAN);
CREATE TABLE project_documents (document_id TEXT, project_id TEXT, title TEXT, category TEXT, url TEXT,
                                document_date DATE, is_illustrative BOOLEAN);
"""


def add_results(con, project_id: str) -> None:
    """The results framework's tables (ipmd/build/schema.sql, issue 20 part 1) with one output of `project_id`
    counted by sex over two periods, the second not yet reported; a progress report; a document; and another
    project's result that must not show."""
    for table in ("indicator_periods", "result_indicators", "results", "report_milestones", "project_documents"):
        con.execute(f"DROP TABLE IF EXISTS {table}")     # the fixture database may already have them, empty
    con.execute(RESULTS_SCHEMA)
    con.execute("ALTER TABLE projects ADD COLUMN IF NOT EXISTS gender_marker INTEGER")
    con.execute("UPDATE projects SET gender_marker = 2 WHERE project_id = ?", [project_id])
    con.execute("INSERT INTO results VALUES ('R1', ?, 'output', 'Officials trained', NULL, TRUE), "
                "('R9', 'OTHER', 'outcome', 'Not this project', NULL, TRUE)", [project_id])
    con.execute("INSERT INTO result_indicators VALUES ('I1', 'R1', 'Officials trained, by sex', 'persons', TRUE, "
                "2009, 0, TRUE), ('I9', 'R9', 'Other indicator', 'documents', FALSE, NULL, NULL, TRUE)")
    con.execute("INSERT INTO indicator_periods VALUES "
                "('I1', '2010-01-01', '2010-12-31', 'male', 20, 15, TRUE), "
                "('I1', '2010-01-01', '2010-12-31', 'female', 20, 22, TRUE), "
                "('I1', '2011-01-01', '2011-12-31', 'female', 10, NULL, TRUE), "
                "('I9', '2010-01-01', '2010-12-31', 'total', 1, 1, TRUE)")
    con.execute("INSERT INTO report_milestones VALUES (?, 'progress', '2010-03-31', '2010-04-15', TRUE)", [project_id])
    con.execute("INSERT INTO project_documents VALUES ('D1', ?, 'Training report', 'report', "
                "'https://example.org/r.pdf', '2010-05-01', TRUE)", [project_id])
