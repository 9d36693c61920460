"""Where every table of the database comes from: the `table_sources` table (issue 19).

One row per table and source: which columns that source fills (NULL: the whole row) and how. A table whose rows
carry their own `source_id` (observations, aggregate_observations, migrant_stock_methods) gets one row per source
found in it. Someone querying data/ipmd.duckdb directly reads:

    SELECT t.table_name, t.columns, s.publisher, s.title, s.edition, t.how
    FROM table_sources t JOIN sources s USING (source_id) WHERE t.table_name = 'bilateral_stock';

The build fails when a table of the database has no row here, or a row names no source (ipmd.build.checks).
"""
from __future__ import annotations

import pandas as pd

PORTFOLIO_SOURCE_ID = "illustrative_portfolio"
BUILD_SOURCE_ID = "ipmd_build"

# table -> (columns or None, source_id, how)
STATIC: dict[str, tuple[tuple[str | None, str, str], ...]] = {
    "sources": ((None, BUILD_SOURCE_ID, "one row per file read (with its sha256), code list or derived figure"),),
    "countries": (
        ("iso3, m49, un_region, un_subregion", "undesa_ims_2024_destination",
         "the countries and areas of IMS 2024 Table 1 and their UN region and subregion (from the sheet's order); "
         "Natural Earth's UN region for the few the UN does not list (Kosovo)"),
        ("iso3, wb_region, income_group", "wdi_country_metadata", "World Bank economies, region and income group"),
        ("iso3", "unhcr_bilateral", "codes of origin or asylum in the UNHCR file"),
        ("name_en, name_fr, name_es, iso3", "pycountry_iso3166", "ISO 3166 names and their translations; M49 -> ISO3"),
        ("name_en, name_fr, name_es", "babel_cldr", "names outside ISO 3166 (Kosovo) and fixed translations"),
        ("is_small_state", "ne_50m_admin0", "no Natural Earth 1:50m polygon, or a small one: drawn with a marker"),
    ),
    "aggregates": (
        (None, "undesa_ims_2024_destination", "UN DESA world, SDG regions, development groups, regions, subregions"),
        (None, "wdi_country_metadata", "World Bank regions and income groups (codes without a region)"),
    ),
    "boundaries": ((None, "ne_50m_admin0", "Natural Earth 1:50m polygons, simplified, rounded, wound clockwise"),),
    "indicators": ((None, BUILD_SOURCE_ID, "the list in ipmd/build/indicators.py; default_source_id names the "
                                           "source each indicator is shown from"),),
    "bilateral_stock": ((None, "undesa_ims_2024_bilateral", "IMS 2024 destination x origin, country rows, stock > 0"),),
    "refugees_bilateral": ((None, "unhcr_bilateral", "UNHCR origin x asylum, end-year, non-zero rows"),),
    "exchange_rates": (
        ("year, lcu_per_usd, from_iso3", "wdi_exchange_rate", "WDI PA.NUS.FCRF annual averages"),
        ("currency", "babel_cldr", "the ISO 4217 currency of each economy"),
    ),
    "goals": ((None, "gmg_ipmd_proposal_2007", "paraphrased from the 2007 proposal"),),
    "areas_of_work": ((None, "gmg_ipmd_proposal_2007", "paraphrased from the 2007 proposal"),),
    "partners": ((None, "gmg_ipmd_proposal_2007", "GMG members 2007-2008 named in the proposal"),),
    "gfmd_items": ((None, "gfmd_2007_2008", "one row per line of the GFMD file"),),
    "mptf_fund_facts": ((None, "mptf_fund_facts", "transcribed; source_url on each row"),),
    "mptf_contributors": ((None, "mptf_contributors", "transcribed; source_url on each row"),),
    "mptf_joint_programmes": ((None, "mptf_joint_programmes", "transcribed; source_url on each row"),),
    "meta": ((None, BUILD_SOURCE_ID, "written by the build about itself"),),
    "table_sources": ((None, BUILD_SOURCE_ID, "this table"),),
}
# tables whose rows name their own source in a source_id column
PER_ROW = ("observations", "aggregate_observations", "migrant_stock_methods")


def table_sources(tables: dict[str, pd.DataFrame], ledger_tables: set[str]) -> pd.DataFrame:
    """The rows of `table_sources` for the tables the build writes (`tables`, by name) plus meta and itself.
    `ledger_tables`: the fund ledger's tables, from the demonstration portfolio until a ledger is imported."""
    rows = []
    for table, entries in STATIC.items():
        for columns, source_id, how in entries:
            rows.append({"table_name": table, "columns": columns, "source_id": source_id, "how": how})
    for table in PER_ROW:
        if table in tables:
            for source_id in sorted(tables[table]["source_id"].dropna().unique()):
                rows.append({"table_name": table, "columns": None, "source_id": source_id,
                             "how": "the rows whose source_id is this source"})
    for table in sorted(ledger_tables):
        rows.append({"table_name": table, "columns": None, "source_id": PORTFOLIO_SOURCE_ID,
                     "how": "generated demonstration portfolio (illustrative, not real; seed in sources.edition); "
                            "replaced when the Secretariat imports the real ledger"})
    return pd.DataFrame(rows, columns=["table_name", "columns", "source_id", "how"])
