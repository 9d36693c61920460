"""Generators for the ledger import tests: a small fixture database, a valid ledger, and files.

Everything is made by seeded code at test time; no binary fixture is committed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import xlsxwriter

from ipmd import REPO_ROOT
from ipmd.ledger.export import csv_files, plain_value, workbook_bytes, zip_bytes
from ipmd.ledger.template import RESULT_TABLES, SHEETS, TXN_TYPES

SCHEMA = REPO_ROOT / "ipmd" / "build" / "schema.sql"

COUNTRIES = {"PHL": "Philippines", "MEX": "Mexico", "MAR": "Morocco", "FRA": "France", "DEU": "Germany",
             "USA": "United States", "GBR": "United Kingdom", "IND": "India", "SEN": "Senegal",
             "GTM": "Guatemala", "BEL": "Belgium", "ESP": "Spain", "MDA": "Moldova", "XKX": "Kosovo"}
PARTNERS = [("ILO", "International Labour Organization", "UN agency", True),
            ("IOM", "International Organization for Migration", "UN agency", True),
            ("UNDP", "United Nations Development Programme", "UN agency", True),
            ("UNHCR", "Office of the United Nations High Commissioner for Refugees", "UN agency", True),
            ("WB", "World Bank", "World Bank", True)]
# local currency units per US$ (rounded WDI values); EUR has no 2024 rate, as in the real file
RATES = {"EUR": {2007: 0.7305, 2008: 0.6827, 2009: 0.7198, 2010: 0.7550, 2011: 0.7194, 2012: 0.7783,
                 2013: 0.7532, 2014: 0.7537, 2015: 0.9015, 2022: 0.9496, 2023: 0.9248},
         "GBP": {2008: 0.5440, 2009: 0.6419, 2010: 0.6472, 2011: 0.6241, 2012: 0.6330},
         "MAD": {2008: 7.75, 2009: 8.06, 2010: 8.42}}
EURO_DONORS = {"FRA", "DEU", "BEL", "ESP"}


def make_fixture_db(path: Path) -> Path:
    """schema.sql, a few countries, partners, the framework, rates, and a small illustrative ledger."""
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        con.executemany("INSERT INTO countries (iso3, name_en, name_fr, name_es) VALUES (?, ?, ?, ?)",
                        [(k, v, v, v) for k, v in COUNTRIES.items()])
        con.executemany("INSERT INTO partners VALUES (?, ?, ?, ?)", PARTNERS)
        con.executemany("INSERT INTO goals VALUES (?, ?, ?)",
                        [("G1", "Data", "Better data"), ("G2", "Policy", "Policy coherence"),
                         ("G3", "Capacity", "Capacity building")])
        con.executemany("INSERT INTO areas_of_work VALUES (?, ?, ?)",
                        [("A", "Research", "Research and data"), ("B", "Capacity", "Capacity and dialogue")])
        con.executemany("INSERT INTO gfmd_items (gfmd_item_id, meeting, year, item_type, roundtable_no, title) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [("GFMD2007-RT1", "Brussels", 2007, "roundtable", "1", "Human capital"),
                         ("GFMD2008-RT2", "Manila", 2008, "roundtable", "2", "Remittances")])
        con.executemany("INSERT INTO exchange_rates VALUES (?, ?, ?, ?)",
                        [(c, y, r, "EMU" if c == "EUR" else c[:2] + "X") for c, by in RATES.items()
                         for y, r in by.items()])
        con.executemany("INSERT INTO sources (source_id, title, publisher, edition, licence, is_illustrative) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [("wdi", "WDI", "World Bank", "2025", "CC BY 4.0", False),
                         ("ledger_demo", "Demonstration portfolio", "IPMD", "seeded", "CC0", True)])
        con.execute("INSERT INTO indicators VALUES ('pop', 'Population', 'persons', 'wdi', 'Population', NULL)")
        con.execute("INSERT INTO observations VALUES ('PHL', 2020, 'pop', 'total', 1e8, 'persons', 'wdi')")
        con.execute("INSERT INTO donors VALUES ('DEMO-D', 'Demo donor', 'government', 'FRA', FALSE, TRUE)")
        con.execute("INSERT INTO projects (project_id, title, partner_id, area_id, gfmd_item_id, objectives, "
                    "expected_results, status, requested_usd, submitted_date, decision_date, start_date, end_date, "
                    "is_illustrative) VALUES ('DEMO-P', 'Demo', 'ILO', 'A', NULL, 'o', 'r', 'active', 10, "
                    "'2009-01-01', '2009-02-01', NULL, NULL, TRUE)")
        con.execute("INSERT INTO project_countries VALUES ('DEMO-P', 'PHL', 1)")
        con.execute("INSERT INTO project_goals VALUES ('DEMO-P', 'G1', 1, TRUE)")
        con.executemany("INSERT INTO transactions VALUES (?, ?, ?, ?, ?, ?, ?, 'USD', ?, TRUE)",
                        [("DEMO-0", "pledge", 11, "2008-12-01", "DEMO-D", None, 10.0, 10.0),
                         ("DEMO-1", "deposit", 1, "2009-01-01", "DEMO-D", None, 10.0, 10.0),
                         ("DEMO-2", "commitment", 2, "2009-02-01", None, "DEMO-P", 5.0, 5.0)])
        con.executemany("INSERT INTO meta VALUES (?, ?)",
                        [("ledger_kind", "illustrative"), ("content_hash", "fixture"),
                         ("built_at", "2025-01-01T00:00:00Z")])
    finally:
        con.close()
    return path


def make_app_fixture_db(path: Path, seed: int = 16) -> Path:
    """make_fixture_db and what every page's shell reads: the migrant stock years the sidebar offers
    (seeded values for every fixture country) and the data edition. For page tests that need some database,
    not the committed figures."""
    make_fixture_db(path)
    rng = random.Random(seed)
    con = duckdb.connect(str(path))
    try:
        con.execute("INSERT INTO sources (source_id, title, publisher, edition, licence, is_illustrative) "
                    "VALUES ('desa', 'International Migrant Stock', 'UN DESA', '2024', 'CC BY 3.0 IGO', FALSE)")
        con.execute("INSERT INTO indicators VALUES ('immigrant_stock', 'International migrant stock', 'persons', "
                    "'desa', 'Immigrants', NULL)")
        con.executemany("INSERT INTO observations VALUES (?, ?, 'immigrant_stock', 'total', ?, 'persons', 'desa')",
                        [(iso3, year, float(rng.randrange(10_000, 5_000_000)))
                         for iso3 in COUNTRIES for year in (2015, 2020, 2024)])
        con.execute("INSERT INTO meta VALUES ('data_edition', 'fixture: UN DESA IMS 2024 (seeded values)')")
    finally:
        con.close()
    return path


# What a page shows of a country, for page tests: M49 and World Bank classifications of the fixture countries (as
# published), a label point for maps, and every indicator the pages draw with seeded values (illustrative, not the
# sources' figures). id: (name, unit, source, years, by sex)
GEOGRAPHY = {
    "PHL": (608, "Asia", "South-eastern Asia", "East Asia & Pacific", "Lower middle income", 122.0, 12.9),
    "MEX": (484, "Latin America and the Caribbean", "Central America", "Latin America & Caribbean",
            "Upper middle income", -102.5, 23.9),
    "MAR": (504, "Africa", "Northern Africa", "Middle East, North Africa, Afghanistan & Pakistan",
            "Lower middle income", -6.9, 31.8),
    "FRA": (250, "Europe", "Western Europe", "Europe & Central Asia", "High income", 2.4, 46.6),
    "DEU": (276, "Europe", "Western Europe", "Europe & Central Asia", "High income", 10.4, 51.1),
    "USA": (840, "Northern America", "Northern America", "North America", "High income", -98.6, 39.8),
    "GBR": (826, "Europe", "Northern Europe", "Europe & Central Asia", "High income", -2.0, 53.0),
    "IND": (356, "Asia", "Southern Asia", "South Asia", "Lower middle income", 79.0, 22.0),
    "SEN": (686, "Africa", "Sub-Saharan Africa", "Sub-Saharan Africa", "Lower middle income", -14.5, 14.4),
    "GTM": (320, "Latin America and the Caribbean", "Central America", "Latin America & Caribbean",
            "Upper middle income", -90.4, 15.7),
    "BEL": (56, "Europe", "Western Europe", "Europe & Central Asia", "High income", 4.6, 50.6),
    "ESP": (724, "Europe", "Southern Europe", "Europe & Central Asia", "High income", -3.6, 40.2),
    "MDA": (498, "Europe", "Eastern Europe", "Europe & Central Asia", "Upper middle income", 28.5, 47.2),
    "XKX": (None, None, None, "Europe & Central Asia", "Upper middle income", 20.9, 42.6),
}
NAMES_FR_ES = {"PHL": ("Philippines", "Filipinas"), "MEX": ("Mexique", "México"), "MAR": ("Maroc", "Marruecos"),
               "FRA": ("France", "Francia"), "DEU": ("Allemagne", "Alemania"), "USA": ("États-Unis", "Estados Unidos"),
               "GBR": ("Royaume-Uni", "Reino Unido"), "IND": ("Inde", "India"), "SEN": ("Sénégal", "Senegal"),
               "GTM": ("Guatemala", "Guatemala"), "BEL": ("Belgique", "Bélgica"), "ESP": ("Espagne", "España"),
               "MDA": ("République de Moldova", "República de Moldova"), "XKX": ("Kosovo", "Kosovo")}
DESA_YEARS = (1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024)
WDI_YEARS = tuple(range(2010, 2024))
UNHCR_YEARS = tuple(range(2010, 2020))
# the sources the pages name (catalogue entries as the build writes them; the fixture's values are seeded, not theirs)
PAGE_SOURCES = [
    ("undesa_ims_2024_destination", "International Migrant Stock 2024: by sex and destination", "UN DESA Population "
     "Division", "IMS 2024", "CC BY 3.0 IGO"),
    ("undesa_ims_2024_origin", "International Migrant Stock 2024: by sex and origin", "UN DESA Population Division",
     "IMS 2024", "CC BY 3.0 IGO"),
    ("undesa_ims_2024_bilateral", "International Migrant Stock 2024: destination x origin", "UN DESA Population "
     "Division", "IMS 2024", "CC BY 3.0 IGO"),
    ("undesa_ims_2020_destination_workbook", "International Migrant Stock 2020: refugees and asylum-seekers",
     "UN DESA Population Division", "IMS 2020", "CC BY 3.0 IGO"),
    ("derived_emigrant_pct_pop", "Emigrants as % of the population", "IPMD build (derived)", "IMS 2024", "CC BY 3.0 IGO"),
    ("wdi_population", "Population, total (SP.POP.TOTL)", "World Bank", "WDI", "CC BY 4.0"),
    ("wdi_gdp", "GDP (current US$) (NY.GDP.MKTP.CD)", "World Bank", "WDI", "CC BY 4.0"),
    ("derived_gdp_per_capita", "GDP per capita (current US$)", "IPMD build (derived)", "WDI", "CC BY 4.0"),
    ("wdi_remittances_received_usd", "Personal remittances, received (current US$)", "World Bank", "WDI", "CC BY 4.0"),
    ("wdi_remittances_received_pct_gdp", "Personal remittances, received (% of GDP)", "World Bank", "WDI", "CC BY 4.0"),
    ("derived_remittances_received_pct_gdp", "Personal remittances, received (% of GDP), derived",
     "IPMD build (derived)", "WDI", "CC BY 4.0"),
    ("wdi_remittances_paid_usd", "Personal remittances, paid (current US$)", "World Bank", "WDI", "CC BY 4.0"),
    ("derived_remittances_paid_pct_gdp", "Personal remittances, paid (% of GDP)", "IPMD build (derived)", "WDI",
     "CC BY 4.0"),
    ("wdi_remittance_cost_inbound", "Average transaction cost of sending remittances to a country", "World Bank",
     "WDI", "CC BY 4.0"),
    ("wdi_remittance_cost_outbound", "Average transaction cost of sending remittances from a country", "World Bank",
     "WDI", "CC BY 4.0"),
    ("unhcr_bilateral", "Refugees and asylum-seekers by origin and country of asylum", "UNHCR",
     "UNHCR Refugee Data Finder", "CC BY 4.0"),
    ("derived_sdg_10_7_4_unhcr", "Refugees per 100,000 population, by country of origin (SDG 10.7.4), derived",
     "IPMD build (derived)", "UNHCR / WDI", "CC BY 4.0"),
]
PAGE_INDICATORS = {
    "immigrant_stock": ("International migrant stock", "persons", "undesa_ims_2024_destination", DESA_YEARS, True, (1e4, 5e6)),
    "immigrant_pct_pop": ("International migrant stock as % of population", "%", "undesa_ims_2024_destination", DESA_YEARS, True, (0.1, 20)),
    "immigrant_female_share": ("Female share of international migrants", "%", "undesa_ims_2024_destination", DESA_YEARS, False, (35, 60)),
    "immigrant_stock_change_rate": ("Annual rate of change of the migrant stock", "%", "undesa_ims_2024_destination", DESA_YEARS[1:], True,
                                    (-3, 6)),
    "emigrant_stock": ("Emigrants (migrant stock by origin)", "persons", "undesa_ims_2024_origin", DESA_YEARS, True, (1e4, 1e7)),
    "emigrant_pct_pop": ("Emigrants as % of population", "%", "derived_emigrant_pct_pop", DESA_YEARS, False, (0.1, 25)),
    "emigrant_female_share": ("Female share of emigrants", "%", "undesa_ims_2024_origin", DESA_YEARS, False, (35, 60)),
    "refugees_in_migrant_stock": ("Refugees and asylum-seekers in the migrant stock", "persons",
                                  "undesa_ims_2020_destination_workbook", DESA_YEARS[:-1], False, (100, 5e5)),
    "refugees_pct_migrant_stock": ("Refugees and asylum-seekers as % of the migrant stock", "%",
                                   "undesa_ims_2020_destination_workbook", DESA_YEARS[:-1], False, (0.01, 30)),
    "population": ("Population, total", "persons", "wdi_population", WDI_YEARS + (2024,), True, (1e6, 1.4e9)),
    "gdp_usd": ("GDP (current US$)", "US$", "wdi_gdp", WDI_YEARS, False, (1e10, 2e13)),
    "gdp_per_capita_usd": ("GDP per capita (current US$)", "US$", "derived_gdp_per_capita", WDI_YEARS, False, (1e3, 7e4)),
    "remittances_received_usd": ("Personal remittances, received", "US$", "wdi_remittances_received_usd", WDI_YEARS, False, (1e8, 1e11)),
    "remittances_received_pct_gdp": ("Personal remittances, received (% of GDP)", "%", "wdi_remittances_received_pct_gdp", WDI_YEARS[:-2],
                                      False, (0.01, 25)),
    "remittances_received_pct_gdp_derived": ("Personal remittances, received (% of GDP, derived)", "%",
                                             "derived_remittances_received_pct_gdp", WDI_YEARS[-2:], False, (0.01, 25)),
    "remittances_paid_usd": ("Personal remittances, paid", "US$", "wdi_remittances_paid_usd", WDI_YEARS, False, (1e7, 7e10)),
    "remittances_paid_pct_gdp": ("Personal remittances, paid (% of GDP)", "%", "derived_remittances_paid_pct_gdp", WDI_YEARS, False, (0.01, 5)),
    "remittance_cost_inbound_pct": ("Average cost of sending remittances to the country", "%", "wdi_remittance_cost_inbound",
                                    WDI_YEARS[1:11], False, (2, 15)),
    "remittance_cost_outbound_pct": ("Average cost of sending remittances from the country", "%", "wdi_remittance_cost_outbound",
                                     WDI_YEARS[1:11], False, (2, 15)),
    "refugees_hosted": ("Refugees hosted (under UNHCR's mandate)", "persons", "unhcr_bilateral", UNHCR_YEARS,
                        False, (100, 1e6)),
    "asylum_seekers_hosted": ("Asylum-seekers hosted", "persons", "unhcr_bilateral", UNHCR_YEARS, False, (10, 2e5)),
    "refugees_origin": ("Refugees by country of origin", "persons", "unhcr_bilateral", UNHCR_YEARS, False, (10, 5e5)),
    "sdg_10_7_4_refugees_per_100k": ("Refugees per 100,000 population by country of origin", "per 100,000",
                                     "derived_sdg_10_7_4_unhcr", UNHCR_YEARS, False, (0.1, 500)),
}


def make_page_fixture_db(path: Path, seed: int = 16) -> Path:
    """make_app_fixture_db and what the country, overview, comparison and coverage pages draw: the fixture
    countries' French and Spanish names, regions, income groups and label points, every indicator of PAGE_INDICATORS with seeded values
    (total, and by sex where the source has it), corridors between the fixture countries (bilateral stock) and
    the world aggregate of the migrant stock. Illustrative: the numbers are seeded, not the sources'. The database
    of every page test in tests/app unless a test asks for another."""
    make_app_fixture_db(path, seed)
    rng = random.Random(seed + 1)
    con = duckdb.connect(str(path))
    try:
        con.executemany("UPDATE countries SET m49 = ?, un_region = ?, un_subregion = ?, wb_region = ?, "
                        "income_group = ? WHERE iso3 = ?", [(*g[:5], iso3) for iso3, g in GEOGRAPHY.items()])
        con.executemany("UPDATE countries SET name_fr = ?, name_es = ? WHERE iso3 = ?",
                        [(*names, iso3) for iso3, names in NAMES_FR_ES.items()])
        con.executemany("INSERT INTO boundaries VALUES (?, NULL, ?, ?, NULL)",
                        [(iso3, g[5], g[6]) for iso3, g in GEOGRAPHY.items()])
        con.executemany("INSERT INTO sources (source_id, title, publisher, edition, licence, is_illustrative) "
                        "VALUES (?, ?, ?, ?, ?, FALSE)", PAGE_SOURCES)
        # the base fixture's two indicators give way to the pages' own (its 'pop' is no indicator a page names)
        con.execute("DELETE FROM observations WHERE indicator_id IN ('immigrant_stock', 'pop')")
        con.execute("DELETE FROM indicators WHERE indicator_id IN ('immigrant_stock', 'pop')")
        con.executemany("INSERT INTO indicators VALUES (?, ?, ?, ?, ?, NULL)",
                        [(i, name, unit, source, name) for i, (name, unit, source, *_)
                         in PAGE_INDICATORS.items()])
        rows = []
        for indicator, (_, unit, source, years, by_sex, (low, high)) in PAGE_INDICATORS.items():
            for iso3 in COUNTRIES:
                for year in years:
                    total = round(rng.uniform(low, high), 2)
                    rows.append((iso3, year, indicator, "total", total, unit, source))
                    if by_sex:
                        female = round(total * rng.uniform(0.4, 0.6), 2)
                        rows += [(iso3, year, indicator, "female", female, unit, source),
                                 (iso3, year, indicator, "male", round(total - female, 2), unit, source)]
        con.executemany("INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        corridors = []
        for origin in COUNTRIES:
            for dest in rng.sample([c for c in COUNTRIES if c != origin], 6):
                for year in DESA_YEARS:
                    total = rng.randrange(1_000, 2_000_000)
                    female = total * rng.randrange(40, 60) // 100
                    corridors += [(origin, dest, year, "total", total), (origin, dest, year, "female", female),
                                  (origin, dest, year, "male", total - female)]
        con.executemany("INSERT INTO bilateral_stock VALUES (?, ?, ?, ?, ?)", corridors)
        con.execute("INSERT INTO aggregates VALUES ('WLD', 'World', 'world', 1, 'WLD')")
        con.execute("INSERT INTO aggregate_observations SELECT 'WLD', year, indicator_id, sex, sum(value), unit, "
                    "source_id FROM observations WHERE indicator_id IN ('immigrant_stock', 'emigrant_stock', "
                    "'population') GROUP BY ALL")
    finally:
        con.close()
    return path


LEDGER_ORDER = ("donors", "projects", "project_countries", "project_goals", "transactions")
ILLUSTRATIVE_FLAGGED = frozenset({"donors", "projects", "transactions", *RESULT_TABLES})   # tables with the flag


def with_proposals(tables: dict[str, pd.DataFrame], n: int, seed: int = 11) -> dict[str, pd.DataFrame]:
    """`tables` (a valid ledger) with `n` more proposals awaiting a decision (submitted or under review, 2010),
    each requesting US$600,000 to 900,000, with its goals and countries: a round for the allocation review."""
    rng = random.Random(seed)
    iso3s = ["PHL", "MEX", "MAR", "IND", "SEN", "GTM", "MDA", "XKX"]
    projects, goals, countries = [], [], []
    for n_ in range(n):
        pid = f"Q{n_ + 1:02d}"
        projects.append({"project_id": pid, "title": f"Proposal {n_ + 1}: migrants' skills and remittances",
                         "partner_id": PARTNERS[n_ % len(PARTNERS)][0], "area_id": "AB"[n_ % 2],
                         "gfmd_item_id": None, "objectives": "Evidence for policy.", "expected_results": "A study.",
                         "status": ("submitted", "under_review")[n_ % 2],
                         "requested_usd": rng.randrange(600, 900) * 1000.0,
                         "submitted_date": dt.date(2010, 1 + n_, 10), "decision_date": None, "start_date": None,
                         "end_date": None})
        gs = [("G1", 1.0, True)] if n_ % 3 == 0 else [("G2", 0.5, True), ("G3", 0.5, False)]
        goals += [{"project_id": pid, "goal_id": g, "weight": w, "is_primary": p} for g, w, p in gs]
        countries.append({"project_id": pid, "iso3": rng.choice(iso3s), "share": 1.0})
    out = copy_tables(tables)
    for name, rows_ in (("projects", projects), ("project_goals", goals), ("project_countries", countries)):
        out[name] = pd.concat([out[name], typed({name: rows_})[name]], ignore_index=True)
    return out


def make_ledger_fixture_db(path: Path, seed: int = 7, n_projects: int = 10, proposals: int = 8,
                           results: bool = False) -> Path:
    """make_page_fixture_db with its one-project ledger replaced by valid_ledger(seed, n_projects) and `proposals`
    more undecided proposals (with_proposals), flagged illustrative as the build's demonstration portfolio is:
    funded, undecided and rejected projects, six government donors, a foundation and the World Bank's DGF. For page
    tests of the fund's screens that need a ledger with some shape, not the committed figures. With `results`, the
    funded projects' results framework too (with_results: results, indicators and periods, reports due, one late,
    documents, gender markers; progress reports due in the first year's December, received late but one never)."""
    make_page_fixture_db(path)
    ledger = with_proposals(valid_ledger(seed, n_projects), proposals)
    order = LEDGER_ORDER
    if results:
        ledger = with_results(ledger)
        # progress reports due in December of the first year, so that one year (2010) has both results and
        # reports due (received late, in January): a page filtered to a year shows each of its sections
        milestones = ledger["report_milestones"]
        progress = milestones["report_type"] == "progress"
        milestones.loc[progress, "due_date"] = [dt.date(d.year - 1, 12, 15) for d in milestones.loc[progress, "due_date"]]
        # and one never received: the late-reports table shows an outstanding report beside the late ones
        milestones.loc[milestones.index[progress][0], "received_date"] = None
        order = LEDGER_ORDER + RESULT_TABLES
    con = duckdb.connect(str(path))
    try:
        for name in reversed(order):
            con.execute(f"DELETE FROM {name}")
        for name in order:
            frame = ledger[name].assign(is_illustrative=True) if name in ILLUSTRATIVE_FLAGGED else ledger[name]
            con.register("frame", frame)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame")
            con.unregister("frame")
        con.execute("UPDATE meta SET value = ? WHERE key = 'content_hash'",
                    [f"fixture-ledger-{seed}-{n_projects}-{proposals}{'-results' if results else ''}"])
    finally:
        con.close()
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ----------------------------------------------------------------------------------------- valid ledger

def _usd(amount: float, currency: str, year: int) -> float:
    return amount if currency == "USD" else round(amount / RATES[currency][year], 2)


def valid_ledger(seed: int = 7, n_projects: int = 10) -> dict[str, pd.DataFrame]:
    """A ledger that keeps every rule: pledges paid in two halves, approvals within deposits,
    disbursements within approvals, expenditure within disbursements, the World Bank under 15%."""
    rng = random.Random(seed)
    d = lambda y, m, day: dt.date(y, m, day)   # noqa: E731
    donors, txns = [], []

    def txn(kind, date, amount, currency="USD", donor=None, project=None):
        txns.append({"txn_id": f"T{len(txns) + 1:04d}", "txn_type": kind, "iati_code": TXN_TYPES[kind],
                     "txn_date": date, "donor_id": donor, "project_id": project,
                     "amount_usd": _usd(amount, currency, date.year), "currency": currency,
                     "amount_original": float(amount)})

    for iso3 in ("FRA", "DEU", "USA", "GBR", "BEL", "ESP"):
        donors.append({"donor_id": f"GOV-{iso3}", "name": f"Government of {COUNTRIES[iso3]}",
                       "donor_type": "government", "iso3": iso3, "is_world_bank_internal": False})
    donors.append({"donor_id": "FDN-1", "name": "A private foundation", "donor_type": "private", "iso3": None,
                   "is_world_bank_internal": False})
    donors.append({"donor_id": "WB-DGF", "name": "World Bank Development Grant Facility",
                   "donor_type": "multilateral", "iso3": None, "is_world_bank_internal": True})
    deposited = 0.0
    for k, donor in enumerate(donors[:-1]):
        currency = "EUR" if donor["iso3"] in EURO_DONORS else "GBP" if donor["iso3"] == "GBR" else "USD"
        pledge = rng.randrange(400, 1600) * 1000.0
        txn("pledge", d(2008, 1 + k, 10), pledge, currency, donor=donor["donor_id"])
        txn("deposit", d(2008, 3 + k, 1), pledge / 2, currency, donor=donor["donor_id"])
        txn("deposit", d(2009, 1 + k, 15), pledge / 2, currency, donor=donor["donor_id"])
        deposited += txns[-1]["amount_usd"] + txns[-2]["amount_usd"]
    wb = round(deposited * 0.08, -3)
    txn("pledge", d(2008, 2, 1), wb, donor="WB-DGF")
    txn("deposit", d(2008, 6, 1), wb, donor="WB-DGF")
    deposited += wb

    projects, countries, goals = [], [], []
    statuses = ["closed", "active", "approved", "active", "closed", "active", "approved",
                "submitted", "under_review", "rejected"]
    available = deposited * 0.85
    iso3s = ["PHL", "MEX", "MAR", "IND", "SEN", "GTM", "MDA", "XKX"]
    for n in range(n_projects):
        pid = f"P{n + 1:02d}"
        status = statuses[n % len(statuses)]
        submitted = d(2009, 1 + n % 6, 5 + n)
        decided = status in ("approved", "active", "closed", "rejected")
        decision = d(2009, 10, 1 + n) if decided else None
        approved = round(min(available / 8, rng.randrange(100, 900) * 1000.0), 2) if decided and status != "rejected" else 0.0
        projects.append({
            "project_id": pid, "title": f"Project {n + 1}: migration and development", "partner_id":
            PARTNERS[n % len(PARTNERS)][0], "area_id": "AB"[n % 2],
            "gfmd_item_id": ["GFMD2007-RT1", "GFMD2008-RT2", None][n % 3],
            "objectives": "Help policy makers with evidence.", "expected_results": "A report; a workshop.",
            "status": status, "requested_usd": approved + 50000.0, "submitted_date": submitted,
            "decision_date": decision, "start_date": d(2010, 1, 1) if approved else None,
            "end_date": d(2011, 12, 31) if approved else None})
        picks = rng.sample(iso3s, 1 + n % 2)
        shares = [1.0] if len(picks) == 1 else [0.75, 0.25]
        countries += [{"project_id": pid, "iso3": c, "share": s} for c, s in zip(picks, shares)]
        gs = [("G1", 1.0, True)] if n % 3 == 0 else [("G2", 0.5, True), ("G3", 0.5, False)]
        goals += [{"project_id": pid, "goal_id": g, "weight": w, "is_primary": p} for g, w, p in gs]
        if approved:
            txn("commitment", decision, approved, project=pid)
            disbursed = round(approved * rng.choice([0.5, 0.8, 1.0]), 2)
            txn("disbursement", d(2010, 2, 1 + n), disbursed, project=pid)
            txn("expenditure", d(2011, 3, 1 + n), round(disbursed * rng.choice([0.4, 0.9]), 2), project=pid)
    return typed({"donors": donors, "projects": projects, "project_countries": countries,
                  "project_goals": goals, "transactions": txns})


def typed(records: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    out = {}
    for sheet in SHEETS:
        out[sheet.name] = pd.DataFrame(records.get(sheet.name, []), columns=sheet.column_names).astype(object)
    return out


def rows(tables: dict[str, pd.DataFrame]) -> dict[str, list[tuple]]:
    """Comparable content: per table, its template columns' values as plain Python, sorted."""
    out = {}
    for sheet in SHEETS:
        if sheet.name not in tables:       # a subset of the tables: compare those given
            continue
        frame = tables[sheet.name][sheet.column_names]
        out[sheet.name] = sorted((tuple(_plain(v) for v in r) for r in frame.itertuples(index=False, name=None)),
                                 key=repr)
    return out


def _plain(value):
    value = plain_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def totals(tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    t = tables["transactions"]
    return {k: round(float(pd.to_numeric(t.loc[t["txn_type"] == k, "amount_usd"]).sum()), 2) for k in TXN_TYPES}


# ---------------------------------------------------------------------------------------------- files

def xlsx_bytes(tables: dict[str, pd.DataFrame], drop: tuple[str, ...] = ()) -> bytes:
    """The filled template; without the sheets named in `drop`."""
    data = workbook_bytes(tables)
    if not drop:
        return data
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for name in drop:
        del wb[name]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_with_formula(tables: dict[str, pd.DataFrame], sheet: str, pos: int, column: str, formula: str) -> bytes:
    """The filled template with one cell holding `formula` and, as Excel saves it, its computed value."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, frame in tables.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, list(frame.columns))
        for r, values in enumerate(frame.itertuples(index=False, name=None), start=1):
            for c, value in enumerate(values):
                value = plain_value(value)
                if r - 1 == pos and name == sheet and frame.columns[c] == column:
                    ws.write_formula(r, c, formula, None, value)
                elif isinstance(value, dt.date):
                    ws.write_string(r, c, value.isoformat())
                elif value is not None:
                    ws.write(r, c, value)
    wb.close()
    return buffer.getvalue()


def csv_zip_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    return zip_bytes(csv_files(tables))


def write_csv_dir(tables: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in csv_files(tables).items():
        (folder / name).write_bytes(data)
    return folder


def copy_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {k: v.copy() for k, v in tables.items()}


def row_of(tables: dict[str, pd.DataFrame], table: str, **match) -> int:
    """The position (0-based) of the first row matching; its sheet row is this + 2."""
    frame = tables[table]
    mask = pd.Series(True, index=frame.index)
    for col, value in match.items():
        mask &= frame[col] == value
    return int(mask.to_numpy().nonzero()[0][0])


# ----------------------------------------------------------------------------------------------- IATI

IATI_ACTIVITIES = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2025-01-01T00:00:00Z">
 <iati-activity default-currency="USD" xml:lang="en">
  <iati-identifier>XI-IPMD-FUND</iati-identifier>
  <reporting-org ref="XI-IPMD" type="40"><narrative>IPMD Trust Fund</narrative></reporting-org>
  <title><narrative>IPMD multi-donor trust fund: contributions</narrative></title>
  <activity-status code="2"/>
  <participating-org role="1" ref="GB-GOV-1" type="10"><narrative>UK Government</narrative></participating-org>
  <transaction ref="IN-1">
   <transaction-type code="11"/><transaction-date iso-date="2008-02-01"/>
   <value currency="GBP" value-date="2008-02-01">1000000</value>
   <provider-org ref="GB-GOV-1" type="10"><narrative>UK Government</narrative></provider-org>
  </transaction>
  <transaction ref="IN-2">
   <transaction-type code="1"/><transaction-date iso-date="2008-05-01"/>
   <value currency="GBP" value-date="2008-05-01">1000000</value>
   <provider-org ref="GB-GOV-1" type="10"><narrative>UK Government</narrative></provider-org>
  </transaction>
  <transaction ref="IN-3">
   <transaction-type code="13"/><transaction-date iso-date="2008-03-01"/>
   <value currency="EUR" value-date="2008-03-01">2000000</value>
   <provider-org ref="FR-6" type="10"><narrative>France</narrative></provider-org>
  </transaction>
  <transaction ref="IN-4">
   <transaction-type code="1"/><transaction-date iso-date="2008-06-01"/>
   <value currency="EUR" value-date="2008-06-01">2000000</value>
   <provider-org ref="FR-6" type="10"><narrative>France</narrative></provider-org>
  </transaction>
  <transaction ref="IN-5">
   <transaction-type code="11"/><transaction-date iso-date="2008-06-01"/>
   <value value-date="2008-06-01">{wb_amount}</value>
   <provider-org ref="44000" type="40"><narrative>World Bank</narrative></provider-org>
  </transaction>
  <transaction ref="IN-6">
   <transaction-type code="1"/><transaction-date iso-date="2008-07-01"/>
   <value value-date="2008-07-01">{wb_amount}</value>
   <provider-org ref="44000" type="40"><narrative>World Bank</narrative></provider-org>
  </transaction>
 </iati-activity>
 <iati-activity default-currency="EUR" xml:lang="en">
  <iati-identifier>XI-IPMD-P1</iati-identifier>
  <title><narrative>Remittance costs in the Philippines and Mexico</narrative></title>
  <description type="1"><narrative>Measure and publish remittance prices.</narrative></description>
  <participating-org role="4" ref="XM-DAC-41302" type="40"><narrative>ILO</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2008-09-01"/>
  <activity-date type="2" iso-date="2008-10-01"/>
  <activity-date type="3" iso-date="2010-12-31"/>
  <recipient-country code="PH" percentage="60"/>
  <recipient-country code="MX" percentage="40"/>
  <sector vocabulary="1" code="24050" percentage="100"/>
  <sector vocabulary="99" code="A"/>
  <sector vocabulary="99" code="G2" percentage="70"/>
  <sector vocabulary="99" code="G3" percentage="30"/>
  <sector vocabulary="99" code="GFMD2008-RT2"/>
  <budget type="1"><period-start iso-date="2008-10-01"/><period-end iso-date="2010-12-31"/>
   <value currency="EUR" value-date="2008-09-01">1000000</value></budget>
  <result type="1"><title><narrative>A public remittance price database</narrative></title></result>
  <transaction ref="OUT-1">
   <transaction-type code="2"/><transaction-date iso-date="2008-09-15"/>
   <value value-date="2008-09-15">900000</value>
  </transaction>
  <transaction ref="OUT-2">
   <transaction-type code="3"/><transaction-date iso-date="2009-01-15"/>
   <value value-date="2009-01-15">600000</value>
  </transaction>
  <transaction ref="OUT-3">
   <transaction-type code="4"/><transaction-date iso-date="2024-03-01"/>
   <value value-date="2024-03-01">{spent}</value>
  </transaction>
  <transaction ref="OUT-4">
   <transaction-type code="12"/><transaction-date iso-date="2009-01-15"/>
   <value value-date="2009-01-15">5</value>
  </transaction>
 </iati-activity>
 <iati-activity default-currency="USD">
  <iati-identifier>XI-IPMD-P2</iati-identifier>
  <title><narrative>Diaspora skills in Morocco</narrative></title>
  <participating-org role="4" ref="{partner_ref}"><narrative>{partner_name}</narrative></participating-org>
  <activity-status code="1"/>
  <activity-date type="1" iso-date="2009-05-01"/>
  <recipient-country code="MA"/>
  <sector vocabulary="1" code="15190"/>
 </iati-activity>
</iati-activities>
"""


def iati_xml(wb_amount: float = 300000, spent: float = 400000, partner_ref: str = "IOM",
             partner_name: str = "International Organization for Migration", doctype: str = "") -> bytes:
    text = IATI_ACTIVITIES.format(wb_amount=wb_amount, spent=spent, partner_ref=partner_ref,
                                  partner_name=partner_name)
    if doctype:
        text = text.replace("<iati-activities", doctype + "\n<iati-activities", 1)
    return text.encode("utf-8")


XXE_DOCTYPE = '<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'



# ------------------------------------------------------------------------------ ledgers of every shape

def shaped_ledger(years: tuple[int, int] = (2009, 2009), n_donors: int = 1, n_projects: int = 1,
                  iso3s: tuple[str, ...] = ("PHL",), countries_per_project: int = 1,
                  kinds: tuple[str, ...] = tuple(TXN_TYPES), pipeline_only: bool = False) -> dict[str, pd.DataFrame]:
    """A valid ledger of a given shape (for the property test that every page opens on it): donors pledge
    and deposit 1 million US$ each in the first year; projects are approved across the years (unless
    `pipeline_only`, or no deposits: then all are submitted / under review); each approval is half
    disbursed and a quarter spent. Transaction types not in `kinds` are left out."""
    first, last = years
    span = last - first + 1
    donors = [{"donor_id": f"D{k + 1}", "name": f"Donor {k + 1}", "donor_type": "government",
               "iso3": None, "is_world_bank_internal": False} for k in range(n_donors)]
    txns: list[dict] = []

    def txn(kind, date, amount, donor=None, project=None):
        if kind in kinds:
            txns.append({"txn_id": f"T{len(txns) + 1:04d}", "txn_type": kind, "iati_code": TXN_TYPES[kind],
                         "txn_date": date, "donor_id": donor, "project_id": project, "amount_usd": float(amount),
                         "currency": "USD", "amount_original": float(amount)})

    for k, donor in enumerate(donors):
        txn("pledge", dt.date(first, 1, 2 + k % 20), 1_000_000, donor=donor["donor_id"])
        txn("deposit", dt.date(first, 1, 2 + k % 20), 1_000_000, donor=donor["donor_id"])
    deposited = n_donors * 1_000_000 if "deposit" in kinds else 0
    approve = not pipeline_only and deposited > 0 and "commitment" in kinds
    projects, countries, goals = [], [], []
    for n in range(n_projects):
        pid = f"P{n + 1:03d}"
        year = first + n % span
        status = ("active", "closed", "approved")[n % 3] if approve else ("submitted", "under_review")[n % 2]
        amount = round(deposited * 0.8 / n_projects, 2)
        projects.append({
            "project_id": pid, "title": f"Project {n + 1}", "partner_id": PARTNERS[n % len(PARTNERS)][0],
            "area_id": "AB"[n % 2], "gfmd_item_id": None, "objectives": "Evidence for policy makers.",
            "expected_results": "A report.", "status": status, "requested_usd": amount + 1000.0,
            "submitted_date": dt.date(year, 2, 1), "decision_date": dt.date(year, 3, 1) if approve else None,
            "start_date": dt.date(year, 4, 1) if approve else None,
            "end_date": dt.date(year, 12, 31) if approve else None})
        picks = [iso3s[(n * countries_per_project + j) % len(iso3s)] for j in range(countries_per_project)]
        picks = list(dict.fromkeys(picks))
        countries += [{"project_id": pid, "iso3": c, "share": 1.0 / len(picks) if j else 1.0 - (len(picks) - 1) / len(picks)}
                      for j, c in enumerate(picks)]
        goals += [{"project_id": pid, "goal_id": f"G{1 + n % 3}", "weight": 1.0, "is_primary": True}]
        if approve:
            txn("commitment", dt.date(year, 3, 1), amount, project=pid)
            if "commitment" in kinds:
                txn("disbursement", dt.date(year, 5, 1), amount / 2, project=pid)
                if "disbursement" in kinds:
                    txn("expenditure", dt.date(year, 9, 1), amount / 4, project=pid)
    return typed({"donors": donors, "projects": projects, "project_countries": countries,
                  "project_goals": goals, "transactions": txns})


# ------------------------------------------------------------------------------- the results framework

def with_results(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """`tables` (a valid ledger) with a valid results framework for its projects that have dates: an output
    counted by sex (female and male rows) and an outcome counted in documents, with yearly periods inside
    the project's dates (the last one not yet reported); a progress report on time and a final report late;
    two documents; every project gets a gender marker."""
    t = copy_tables(tables)
    results, indicators, periods, milestones, documents = [], [], [], [], []
    markers = []
    for n, p in enumerate(t["projects"].to_dict("records")):
        markers.append(n % 4)
        start, end = p["start_date"], p["end_date"]
        if start is None or pd.isna(start):
            continue
        start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
        pid = p["project_id"]
        middle = dt.date(start.year, 12, 31)
        results += [{"result_id": f"{pid}-R1", "project_id": pid, "result_type": "output",
                     "title": "Labour migration officials trained, by sex", "description": None},
                    {"result_id": f"{pid}-R2", "project_id": pid, "result_type": "outcome",
                     "title": "PRSP chapter on migration adopted", "description": "Adopted by the cabinet."}]
        indicators += [{"result_indicator_id": f"{pid}-I1", "result_id": f"{pid}-R1", "title": "Officials trained",
                        "unit": "persons", "by_sex": True, "baseline_year": start.year, "baseline_value": 0.0},
                       {"result_indicator_id": f"{pid}-I2", "result_id": f"{pid}-R2", "title": "Chapters adopted",
                        "unit": "documents", "by_sex": False, "baseline_year": None, "baseline_value": None}]
        second = middle + dt.timedelta(days=1)
        for sex, target, actual, later in (("female", 12.0, 9.0, 15.0), ("male", 8.0, 10.0, 10.0)):
            periods += [{"result_indicator_id": f"{pid}-I1", "period_start": start, "period_end": middle,
                         "sex": sex, "target_value": target, "actual_value": actual},
                        {"result_indicator_id": f"{pid}-I1", "period_start": second, "period_end": end,
                         "sex": sex, "target_value": later, "actual_value": None}]
        periods += [{"result_indicator_id": f"{pid}-I2", "period_start": start, "period_end": middle,
                     "sex": "total", "target_value": 0.0, "actual_value": 0.0},
                    {"result_indicator_id": f"{pid}-I2", "period_start": second, "period_end": end,
                     "sex": "total", "target_value": 1.0, "actual_value": 1.0}]
        milestones += [{"project_id": pid, "report_type": "progress", "due_date": dt.date(start.year + 1, 1, 31),
                        "received_date": dt.date(start.year + 1, 1, 20)},
                       {"project_id": pid, "report_type": "final", "due_date": end + dt.timedelta(days=90),
                        "received_date": end + dt.timedelta(days=120)}]
        documents += [{"document_id": f"{pid}-D1", "project_id": pid, "title": f"Proposal {pid}",
                       "category": "proposal", "url": f"https://example.org/{pid}/proposal.pdf",
                       "document_date": start},
                      {"document_id": f"{pid}-D2", "project_id": pid, "title": f"Final report {pid}",
                       "category": "report", "url": None, "document_date": end + dt.timedelta(days=120)}]
    t["projects"] = t["projects"].assign(gender_marker=markers).astype(object)
    extra = typed({"results": results, "result_indicators": indicators, "indicator_periods": periods,
                   "report_milestones": milestones, "project_documents": documents})
    for name in ("results", "result_indicators", "indicator_periods", "report_milestones", "project_documents"):
        t[name] = extra[name]
    return t
