"""Goal coverage, the concept and its screen's data.

    matrix   pure functions: a project's money under goals, areas, countries and GFMD items (coverage_matrix,
             country_funding, project_amounts; the counting modes)
    need     pure functions: the need score and the gap finder's quadrants
    report   the coverage screen's data from the database (con first): matrix, map, gap finder, GFMD follow-up
"""
