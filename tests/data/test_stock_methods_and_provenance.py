"""Issue 19, data and provenance: each country's counting method, the new indicators and every table's sources,
checked against the source files read here independently (openpyxl and pandas, not the build's readers)."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from ipmd import DEFAULT_DB, DEFAULT_SOURCES
from ipmd.i18n import catalog

SRC = Path(os.environ.get("IPMD_SOURCES", DEFAULT_SOURCES))
pytestmark = [pytest.mark.skipif(not DEFAULT_DB.is_file(), reason="data/ipmd.duckdb is not built yet"),
              pytest.mark.skipif(not SRC.is_dir(), reason="no sources")]
NAME = "Region, development group, country or area"
DEST_2024 = SRC / "undesa_ims_2024_by_sex_and_destination.xlsx"
DEST_2020 = SRC / "undesa_ims_2020_by_sex_and_destination.xlsx"
# M49 codes of a sample of countries: birth (USA, DEU), citizenship (MAR, TUN, PHL, JPN), birth and citizenship
# (BEN), imputed (SOM, BIH, ERI)
SAMPLE = {"MAR": 504, "TUN": 788, "PHL": 608, "USA": 840, "DEU": 276, "JPN": 392, "BEN": 204, "SOM": 706,
          "BIH": 70, "ERI": 232}
NEW = ("refugees_in_migrant_stock", "refugees_pct_migrant_stock", "immigrant_stock_change_rate",
       "remittances_received_pct_gdp_derived", "sdg_10_7_4_refugees_per_100k")


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect(str(DEFAULT_DB), read_only=True)
    yield c
    c.close()


def value(con, iso3, indicator, year, source_id, sex="total"):
    row = con.execute("SELECT value FROM observations WHERE iso3 = ? AND indicator_id = ? AND year = ? AND sex = ? "
                      "AND source_id = ?", [iso3, indicator, year, sex, source_id]).fetchone()
    return None if row is None else row[0]


def sheet_rows(path: Path, sheet: str) -> tuple[list, list[tuple]]:
    """(label row three above the header, header row), and the data rows below the header, as openpyxl reads them."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    hdr = next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] == NAME)
    return [rows[hdr - 3], rows[hdr]], rows[hdr + 1:]


def by_code(header: list, rows: list[tuple]) -> dict[int, tuple]:
    code = header.index("Location code")
    return {int(r[code]): r for r in rows if isinstance(r[code], (int, float))}


# ------------------------------------------------------------------------- how the stock is counted

@pytest.fixture(scope="module")
def data_types():
    (_, header), rows = sheet_rows(DEST_2024, "Table 1")
    col = header.index("Data type")
    return {code: r[col] for code, r in by_code(list(header), rows).items() if code < 900 and r[col]}


def test_each_countrys_counting_method_is_the_workbooks(con, data_types):
    stored = {r[0]: r[1:] for r in con.execute(
        "SELECT iso3, data_type, by_birth, by_citizenship, is_imputed, refugees_added, source_id "
        "FROM migrant_stock_methods").fetchall()}
    for iso3, m49 in SAMPLE.items():
        code = " ".join(data_types[m49].split())
        data_type, birth, citizenship, imputed, refugees, source = stored[iso3]
        assert data_type == code, iso3
        assert (birth, citizenship, imputed, refugees) == tuple(c in code.split() for c in "BCIR"), iso3
        assert source == "undesa_ims_2024_destination"
    assert stored["MAR"][0] == "C R" and stored["USA"][0] == "B" and stored["SOM"][0] == "I R"


def test_48_countries_counted_by_citizenship_and_5_imputed_as_the_workbook_says(con, data_types):
    citizenship = sum("C" in t.split() for t in data_types.values())
    imputed = sum("I" in t.split() for t in data_types.values())
    assert (citizenship, imputed) == (48, 5)      # the counts quoted in issue 19
    assert con.execute("SELECT count(*) FILTER (by_citizenship), count(*) FILTER (is_imputed) "
                       "FROM migrant_stock_methods").fetchone() == (citizenship, imputed)


def test_the_profile_says_how_the_country_is_counted(con):
    from ipmd.profiles.methods import method_key
    from ipmd.profiles.country import load_profile
    words = catalog("en")
    expected = {"MAR": "profile.stock_method.citizenship_refugees", "USA": "profile.stock_method.birth",
                "SOM": "profile.stock_method.imputed_refugees",
                "BEN": "profile.stock_method.birth_and_citizenship_refugees"}
    for iso3, key in expected.items():
        method = load_profile(con, iso3, 2024).stock_method
        assert method_key(method) == key
        for lang in ("en", "fr", "es"):
            assert "{code}" in catalog(lang)[key]
    assert "foreign citizens" in words["profile.stock_method.citizenship_refugees"]
    assert "no refugee figures were added" in words["profile.stock_method.birth"]


# ------------------------------------------------------------------------- the new indicators

def test_annual_rate_of_change_is_table_5_of_the_2024_workbook(con):
    (labels, header), rows = sheet_rows(DEST_2024, "Table 5")
    table = by_code(list(header), rows)
    starts = {"total": "both sexes", "male": ", males", "female": "females"}
    for sex, words in starts.items():
        first = next(j for j, label in enumerate(labels) if isinstance(label, str) and words in label)
        for period, year in (("2020-2024", 2024), ("1990-1995", 1995), ("2010-2015", 2015)):
            j = list(header).index(period, first)
            for iso3 in ("MAR", "PHL", "USA", "DEU"):
                expected = table[SAMPLE[iso3]][j]
                assert value(con, iso3, "immigrant_stock_change_rate", year, "undesa_ims_2024_destination",
                             sex) == expected, (iso3, sex, period)


def test_refugees_within_the_stock_are_table_6_of_the_2020_workbook(con):
    (_, header), rows = sheet_rows(DEST_2020, "Table 6")
    header = list(header)
    table = by_code(header, rows)
    number, pct = header.index(2020), header.index(2020, header.index(2020) + 1)
    checked = 0
    for iso3 in ("DEU", "TUN", "USA", "JPN", "PHL"):
        n, p = table[SAMPLE[iso3]][number], table[SAMPLE[iso3]][pct]
        source = "undesa_ims_2020_destination_workbook"
        if isinstance(n, (int, float)):
            assert value(con, iso3, "refugees_in_migrant_stock", 2020, source) == n
            assert value(con, iso3, "refugees_pct_migrant_stock", 2020, source) == p
            checked += 1
        else:                                         # '..' or '~': missing, never 0
            assert value(con, iso3, "refugees_in_migrant_stock", 2020, source) is None
    assert checked >= 4
    germany_1990 = table[SAMPLE["DEU"]][header.index(1990)]
    assert value(con, "DEU", "refugees_in_migrant_stock", 1990, "undesa_ims_2020_destination_workbook") == germany_1990


def wdi_wide(name: str, skiprows: int = 4) -> pd.DataFrame:
    """A WDI wide file; the API downloads have 4 header lines, the files converted from Excel none."""
    return pd.read_csv(SRC / name, skiprows=skiprows).set_index("Country Code")


def wdi_long(name: str) -> pd.Series:
    df = pd.read_csv(SRC / name)
    return df.set_index(["Country Code", "Year"])["Value"]


def test_remittances_pct_gdp_derived_is_received_over_gdp_after_the_published_ratio_ends(con):
    received = wdi_wide("wdi_remittances_received_usd.csv")
    gdp = wdi_long("wdi_gdp_current_usd.csv")
    published = pd.read_csv(SRC / "wdi_remittances_received_pct_gdp.csv")
    last_published = max(int(c) for c in published.columns if c.isdigit() and published[c].notna().any())
    assert last_published == 2021
    for iso3 in ("PHL", "MEX", "TON", "NPL", "MAR"):
        for year in (2022, 2023):
            stored = value(con, iso3, "remittances_received_pct_gdp_derived", year,
                           "derived_remittances_received_pct_gdp")
            if (iso3, year) not in gdp.index or pd.isna(received.loc[iso3, str(year)]):
                assert stored is None, (iso3, year)      # no GDP (Tonga 2023) or no remittances: no ratio
                continue
            expected = received.loc[iso3, str(year)] / gdp.loc[(iso3, year)] * 100
            assert stored == pytest.approx(expected, rel=1e-12), (iso3, year)
    # never mixed with the published ratio: its own indicator, and only for the years the ratio lacks
    years = con.execute("SELECT min(year), max(year) FROM observations "
                        "WHERE indicator_id = 'remittances_received_pct_gdp_derived'").fetchone()
    assert years == (2022, 2023)
    assert con.execute("SELECT count(*) FROM observations WHERE indicator_id = 'remittances_received_pct_gdp' "
                       "AND source_id LIKE 'derived%'").fetchone()[0] == 0


def test_sdg_10_7_4_is_refugees_over_population_plus_refugees_per_100000(con):
    unhcr = pd.read_csv(SRC / "unhcr_refugees_asylum_bilateral_1995_2019.csv")
    population = wdi_long("wdi_population.csv")
    for iso3 in ("SYR", "AFG", "SSD", "MMR", "COL"):
        refugees = unhcr.loc[(unhcr["origin_iso3"] == iso3) & (unhcr["year"] == 2019), "refugees_unhcr_mandate"].sum()
        pop = population.loc[(iso3, 2019)]
        expected = refugees / (pop + refugees) * 100_000
        assert value(con, iso3, "sdg_10_7_4_refugees_per_100k", 2019,
                     "derived_sdg_10_7_4_unhcr") == pytest.approx(expected, rel=1e-12)
    wdi = wdi_wide("wdi_refugee_population_by_origin.csv", skiprows=0)
    for iso3 in ("SYR", "UKR", "VEN"):
        refugees = wdi.loc[iso3, "2022"]
        expected = refugees / (population.loc[(iso3, 2022)] + refugees) * 100_000
        assert value(con, iso3, "sdg_10_7_4_refugees_per_100k", 2022,
                     "derived_sdg_10_7_4_wdi") == pytest.approx(expected, rel=1e-12)
    # about one Syrian in five or four is a refugee (UNHCR: 20,200 per 100,000 at mid-2024)
    assert 15_000 < value(con, "SYR", "sdg_10_7_4_refugees_per_100k", 2019, "derived_sdg_10_7_4_unhcr") < 30_000


def test_new_indicators_are_listed_with_units_sources_caveats_and_names_in_every_language(con):
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT indicator_id, unit, default_source_id, caveats FROM indicators").fetchall()}
    units = {"refugees_in_migrant_stock": "persons", "refugees_pct_migrant_stock": "%",
             "immigrant_stock_change_rate": "%", "remittances_received_pct_gdp_derived": "%",
             "sdg_10_7_4_refugees_per_100k": "per 100,000"}
    for indicator in NEW:
        unit, source, caveats = rows[indicator]
        assert unit == units[indicator] and caveats
        assert con.execute("SELECT count(*) FROM sources WHERE source_id = ?", [source]).fetchone()[0] == 1
        for lang in ("en", "fr", "es"):
            assert catalog(lang).get(f"indicator.{indicator}"), (lang, indicator)
    assert "includes refugees" not in con.execute(
        "SELECT caveats FROM indicators WHERE indicator_id = 'immigrant_stock'").fetchone()[0]


# ------------------------------------------------------------------------- provenance of every table

def test_every_table_has_provenance_pointing_to_sources(con):
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()}
    covered = {r[0] for r in con.execute("SELECT DISTINCT table_name FROM table_sources").fetchall()}
    assert tables == covered
    assert con.execute("SELECT count(*) FROM table_sources ANTI JOIN sources USING (source_id)").fetchone()[0] == 0
    sources_of = lambda t: {r[0] for r in con.execute(   # noqa: E731
        "SELECT source_id FROM table_sources WHERE table_name = ?", [t]).fetchall()}
    assert sources_of("bilateral_stock") == {"undesa_ims_2024_bilateral"}
    assert sources_of("refugees_bilateral") == {"unhcr_bilateral"}
    assert sources_of("boundaries") == {"ne_50m_admin0"}
    assert "wdi_exchange_rate" in sources_of("exchange_rates")
    assert {"undesa_ims_2024_destination", "wdi_country_metadata", "pycountry_iso3166"} <= sources_of("countries")
    assert sources_of("gfmd_items") == {"gfmd_2007_2008"}
    assert sources_of("partners") == sources_of("goals") == {"gmg_ipmd_proposal_2007"}
    for table in ("mptf_fund_facts", "mptf_contributors", "mptf_joint_programmes"):
        assert sources_of(table) == {table}
    for table in ("donors", "projects", "transactions"):
        assert sources_of(table) == {"illustrative_portfolio"}
    # tables whose rows name their source: every source found in them is listed
    for table in ("observations", "aggregate_observations", "migrant_stock_methods"):
        in_rows = {r[0] for r in con.execute(f"SELECT DISTINCT source_id FROM {table}").fetchall()}
        assert in_rows == sources_of(table)
