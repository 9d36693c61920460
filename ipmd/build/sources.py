"""The source files the build reads: what each one is, and readers that check it before use.

Every reader names the file (and the column or sheet) in its error, so a renamed column or a
truncated download stops the build with a message a person can act on.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


class SourceError(Exception):
    """A source file is missing, unreadable, truncated or lacks an expected column."""


@dataclass(frozen=True)
class SourceFile:
    source_id: str
    file_name: str
    title: str
    publisher: str
    edition: str
    licence: str
    url: str
    columns: tuple = ()            # columns that must be present
    not_null: tuple = ()           # columns that must have no empty cell
    min_rows: int = 1              # fewer rows than this: the file is truncated
    notes: str = ""
    extra: dict = field(default_factory=dict)


UN_LICENCE = "CC BY 3.0 IGO"
WB_LICENCE = "CC BY 4.0"
UN_DESA = "UN DESA Population Division"
WB = "World Bank"
WDI_WIDE = ("Country Name", "Country Code", "Indicator Name", "Indicator Code", "1990", "2020")
WDI_LONG = ("Country Name", "Country Code", "Year", "Value")
MPTF_PUBLISHER = "UN MPTF Office / UN Network on Migration (transcribed)"

FILES: dict[str, SourceFile] = {f.source_id: f for f in (
    SourceFile(
        "undesa_ims_2024_destination", "undesa_ims_2024_by_sex_and_destination.xlsx",
        "International Migrant Stock 2024: by sex and destination (Tables 1-4)", UN_DESA,
        "IMS 2024 (POP/DB/MIG/Stock/Rev.2024)", UN_LICENCE,
        "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
        "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx",
        notes="Official totals incl. migrants of unknown origin. Table 2 (total population, thousands) is "
              "also the second source of population (x1000). Table 5: annual rate of change of the stock. "
              "Table 1's 'Data type' and 'Coverage' columns and the 'Migrant notes' sheet: how each country's "
              "stock is counted (table migrant_stock_methods).",
        extra={"sheets": ("Table 1", "Table 2", "Table 3", "Table 4", "Table 5", "Migrant notes")}),
    SourceFile(
        "undesa_ims_2024_origin", "undesa_ims_2024_by_sex_and_origin.xlsx",
        "International Migrant Stock 2024: by sex and origin (Tables 1-2)", UN_DESA,
        "IMS 2024 (POP/DB/MIG/Stock/Rev.2024)", UN_LICENCE,
        "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
        "undesa_pd_2024_ims_stock_by_sex_and_origin.xlsx",
        extra={"sheets": ("Table 1", "Table 2")}),
    SourceFile(
        "undesa_ims_2024_bilateral", "undesa_ims_2024_destination_origin_countries_long.parquet",
        "International Migrant Stock 2024: destination x origin, country-to-country rows", UN_DESA,
        "IMS 2024", UN_LICENCE,
        "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
        "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx",
        columns=("destination_m49", "origin_m49", "migrant_stock", "year", "sex"),
        not_null=("destination_m49", "origin_m49", "migrant_stock", "year", "sex"), min_rows=224_160,
        notes="Third-party extract (github ojasiiitd/Migration-Leaps) of the official Table 1, unpivoted; "
              "no regional rows and no unknown origin ('Others'); UN '..' became 0, so only stock > 0 is kept."),
    SourceFile(
        "undesa_ims_2020_destination", "undesa_ims_2020_destination_totals_long.csv",
        "International Migrant Stock 2020: by sex and destination (tidy Tables 1-3, 6)", UN_DESA,
        "IMS 2020 (POP/DB/MIG/Stock/Rev.2020)", UN_LICENCE,
        "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
        "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx",
        columns=("location", "location_code", "year", "sex", "migrant_stock", "is_country"),
        not_null=("location_code", "year", "sex"), min_rows=5_922,
        notes="Previous edition, kept as a second source of immigrant stock (1990-2020)."),
    SourceFile(
        "undesa_ims_2020_destination_workbook", "undesa_ims_2020_by_sex_and_destination.xlsx",
        "International Migrant Stock 2020: by sex and destination, Table 6 (refugees and asylum-seekers)", UN_DESA,
        "IMS 2020 (POP/DB/MIG/Stock/Rev.2020)", UN_LICENCE,
        "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
        "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx",
        notes="Official workbook, unmodified. Table 6: estimated refugees and asylum-seekers (including, where "
              "relevant, Venezuelans displaced abroad) within the international migrant stock, number and % of "
              "the stock, 1990-2020. '~' (fewer than five, protected) and '..' are missing, never 0.",
        extra={"sheets": ("Table 6",)}),
    SourceFile(
        "wdi_population", "wdi_population.csv", "Population, total (SP.POP.TOTL)", WB,
        "WDI via datasets/population snapshot 2026-03-06", WB_LICENCE,
        "https://api.worldbank.org/v2/en/indicator/SP.POP.TOTL?downloadformat=csv",
        columns=WDI_LONG, not_null=WDI_LONG, min_rows=17_195),
    SourceFile(
        "wdi_gdp", "wdi_gdp_current_usd.csv", "GDP (current US$) (NY.GDP.MKTP.CD)", WB,
        "WDI via datasets/gdp snapshot 2024-10-21", WB_LICENCE,
        "https://api.worldbank.org/v2/en/indicator/NY.GDP.MKTP.CD?downloadformat=csv",
        columns=WDI_LONG, not_null=WDI_LONG, min_rows=13_979),
    SourceFile(
        "wdi_remittances_received_usd", "wdi_remittances_received_usd.csv",
        "Personal remittances, received (current US$) (BX.TRF.PWKR.CD.DT)", WB, "WDI 2025-07-01", WB_LICENCE,
        "https://api.worldbank.org/v2/en/indicator/BX.TRF.PWKR.CD.DT?downloadformat=csv",
        columns=WDI_WIDE, not_null=("Country Code",), min_rows=266,
        extra={"indicator_code": "BX.TRF.PWKR.CD.DT", "api_header": True}),
    SourceFile(
        "wdi_remittances_received_pct_gdp", "wdi_remittances_received_pct_gdp.csv",
        "Personal remittances, received (% of GDP) (BX.TRF.PWKR.DT.GD.ZS)", WB, "WDI 2023-05-10", WB_LICENCE,
        "https://data.worldbank.org/indicator/BX.TRF.PWKR.DT.GD.ZS",
        columns=WDI_WIDE, not_null=("Country Code",), min_rows=266,
        extra={"indicator_code": "BX.TRF.PWKR.DT.GD.ZS"}),
    SourceFile(
        "wdi_remittances_paid_usd", "wdi_remittances_paid_usd.csv",
        "Personal remittances, paid (current US$) (BM.TRF.PWKR.CD.DT)", WB, "WDI 2023-05-10", WB_LICENCE,
        "https://data.worldbank.org/indicator/BM.TRF.PWKR.CD.DT",
        columns=WDI_WIDE, not_null=("Country Code",), min_rows=266,
        extra={"indicator_code": "BM.TRF.PWKR.CD.DT"}),
    SourceFile(
        "wdi_remittance_cost_inbound", "wdi_remittance_cost_inbound_pct.csv",
        "Average transaction cost of sending remittances to a specific country (%) (SI.RMT.COST.IB.ZS)", WB,
        "WDI 2023-05-10", WB_LICENCE, "https://data.worldbank.org/indicator/SI.RMT.COST.IB.ZS",
        columns=WDI_WIDE, not_null=("Country Code",), min_rows=266,
        extra={"indicator_code": "SI.RMT.COST.IB.ZS"}),
    SourceFile(
        "wdi_remittance_cost_outbound", "wdi_remittance_cost_outbound_pct.csv",
        "Average transaction cost of sending remittances from a specific country (%) (SI.RMT.COST.OB.ZS)", WB,
        "WDI 2023-05-10", WB_LICENCE, "https://data.worldbank.org/indicator/SI.RMT.COST.OB.ZS",
        columns=WDI_WIDE, not_null=("Country Code",), min_rows=266,
        extra={"indicator_code": "SI.RMT.COST.OB.ZS"}),
    SourceFile(
        "wdi_refugees_origin", "wdi_refugee_population_by_origin.csv",
        "Refugee population by country or territory of origin (SM.POP.REFG.OR)", "World Bank (from UNHCR)",
        "WDI 2023-10-26", WB_LICENCE, "https://data.worldbank.org/indicator/SM.POP.REFG.OR",
        columns=WDI_WIDE, not_null=("Country Code",), min_rows=266,
        extra={"indicator_code": "SM.POP.REFG.OR"}),
    SourceFile(
        "wdi_exchange_rate", "wdi_exchange_rate_lcu_per_usd.csv",
        "Official exchange rate (LCU per US$, period average) (PA.NUS.FCRF)", "World Bank (from IMF IFS)",
        "WDI 2025-03-24", WB_LICENCE, "https://data.worldbank.org/indicator/PA.NUS.FCRF",
        columns=WDI_WIDE, not_null=("Country Code",), min_rows=266,
        extra={"indicator_code": "PA.NUS.FCRF", "api_header": True}),
    SourceFile(
        "wdi_country_metadata", "wdi_country_metadata.csv",
        "WDI country metadata: region and income group", WB, "WDI 2025-07-01", WB_LICENCE,
        "https://api.worldbank.org/v2/en/indicator/BX.TRF.PWKR.CD.DT?downloadformat=csv",
        columns=("Country Code", "Region", "IncomeGroup", "TableName"), not_null=("Country Code",),
        min_rows=265),
    SourceFile(
        "knomad_inflows", "knomad_remittance_inflows_usd_million_2000_2022.csv",
        "Remittance inflows (US$ million)", "World Bank / KNOMAD", "KNOMAD June 2023", WB_LICENCE,
        "https://www.knomad.org/data/remittances",
        columns=("country_or_group", "2000", "2022"), not_null=("country_or_group",), min_rows=216,
        notes="Names mapped to ISO3 by the build; 0 means no data in KNOMAD and is dropped; 2022 partly estimates."),
    SourceFile(
        "knomad_outflows", "knomad_remittance_outflows_usd_million_2000_2022.csv",
        "Remittance outflows (US$ million)", "World Bank / KNOMAD", "KNOMAD June 2023", WB_LICENCE,
        "https://www.knomad.org/data/remittances",
        columns=("country_or_group", "2000", "2022"), not_null=("country_or_group",), min_rows=214,
        notes="Names mapped to ISO3 by the build; 0 means no data in KNOMAD and is dropped."),
    SourceFile(
        "unhcr_bilateral", "unhcr_refugees_asylum_bilateral_1995_2019.csv",
        "Refugees under UNHCR's mandate and asylum-seekers by origin and country of asylum, end-year", "UNHCR",
        "UNHCR Refugee Data Finder, 1995-2019", "CC BY 4.0", "https://www.unhcr.org/refugee-statistics/download/",
        columns=("year", "origin_iso3", "asylum_iso3", "refugees_unhcr_mandate", "asylum_seekers"),
        not_null=("year",), min_rows=93_936,
        notes="Ends in 2019. Origin codes XXA (stateless), TIB (Tibetan) and blank (unknown) count in totals "
              "by country of asylum but are not countries."),
    SourceFile(
        "ne_50m_admin0", "ne_50m_admin_0_countries.geojson", "Admin 0 - Countries, 1:50m", "Natural Earth",
        "Natural Earth v5.1.1", "Public domain", "https://www.naturalearthdata.com/downloads/50m-cultural-vectors/",
        columns=("ADM0_A3", "ISO_A3_EH", "ISO_A2_EH", "WB_A3", "LABEL_X", "LABEL_Y", "REGION_UN", "SUBREGION"),
        min_rows=240,
        notes="Simplified at build time (shapely, topology preserved), coordinates rounded to 0.001 degree, "
              "exterior rings clockwise."),
    SourceFile(
        "mptf_fund_facts", "mptf_mig00_fund_facts.csv", "Migration MPTF (MIG00): fund facts", MPTF_PUBLISHER,
        "transcribed from stored pages", "UN pages; facts (see source_url per row)", "https://mptf.undp.org/fund/mig00",
        columns=("fact", "value", "value_numeric", "unit_or_date", "note", "source_url"), not_null=("fact",),
        min_rows=14, notes="Real reference, not the partnership's fund."),
    SourceFile(
        "mptf_contributors", "mptf_mig00_contributors.csv", "Migration MPTF (MIG00): named contributors",
        MPTF_PUBLISHER, "transcribed from stored pages", "UN pages; facts (see source_url per row)",
        "https://mptf.undp.org/fund/mig00",
        columns=("contributor", "iso3", "year", "amount_usd", "evidence", "source_url"), not_null=("contributor",),
        min_rows=8, notes="Real reference; amounts and years were not published on the stored pages (empty)."),
    SourceFile(
        "mptf_joint_programmes", "mptf_mig00_joint_programmes.csv", "Migration MPTF (MIG00): joint programmes",
        MPTF_PUBLISHER, "transcribed from stored pages", "UN pages; facts (see source_url per row)",
        "https://mptf.undp.org/fund/mig00",
        columns=("programme", "countries", "iso3", "focus_own_words", "participating_orgs", "budget_usd",
                 "status_or_round", "note", "source_url"), not_null=("programme",), min_rows=8,
        notes="Real reference; programme names are short labels; budgets not published on the stored pages."),
)}

# Files read by other build modules (ipmd/build/framework.py), which write their own source rows:
# checked here too, up front, with the same rules.
CHECKED_ONLY: dict[str, SourceFile] = {f.source_id: f for f in (
    SourceFile(
        "gfmd_2007_2008", "gfmd_2007_2008_roundtables_outcomes.csv", "GFMD 2007-2008", "GFMD", "", "", "",
        columns=("meeting", "year", "item_type", "roundtable_no", "title", "summary_own_words", "source_url"),
        not_null=("meeting", "year", "item_type", "title"), min_rows=20),
)}

# Figures computed by the build: a source row each, so every observation points somewhere honest.
DERIVED: tuple[dict, ...] = (
    {"source_id": "derived_emigrant_pct_pop", "title": "Emigrants as % of the population of the country of origin",
     "publisher": "IPMD build (derived)", "edition": "IMS 2024",
     "licence": UN_LICENCE, "url": None,
     "notes": "Derived: UN DESA IMS 2024 emigrant stock (origin Table 1) / UN DESA total population "
              "(destination Table 2, thousands x 1000) x 100."},
    {"source_id": "derived_gdp_per_capita", "title": "GDP per capita (current US$)",
     "publisher": "IPMD build (derived)", "edition": "WDI GDP 2024-10-21 / population 2026-03-06",
     "licence": WB_LICENCE, "url": None,
     "notes": "Derived: WDI NY.GDP.MKTP.CD / WDI SP.POP.TOTL (not the published NY.GDP.PCAP.CD, which is not bundled)."},
    {"source_id": "derived_remittances_paid_pct_gdp", "title": "Personal remittances, paid (% of GDP)",
     "publisher": "IPMD build (derived)", "edition": "WDI 2023-05-10 / GDP 2024-10-21",
     "licence": WB_LICENCE, "url": None,
     "notes": "Derived: WDI BM.TRF.PWKR.CD.DT / WDI NY.GDP.MKTP.CD x 100."},
    {"source_id": "derived_remittances_received_pct_gdp", "title": "Personal remittances, received (% of GDP), derived",
     "publisher": "IPMD build (derived)", "edition": "WDI 2025-07-01 / GDP 2024-10-21",
     "licence": WB_LICENCE, "url": None,
     "notes": "Derived: WDI BX.TRF.PWKR.CD.DT (vintage 2025-07-01) / WDI NY.GDP.MKTP.CD x 100, same country and "
              "year, only for the years after the published ratio BX.TRF.PWKR.DT.GD.ZS (bundled vintage "
              "2023-05-10) ends. Not the World Bank's published ratio; kept as its own indicator."},
    {"source_id": "derived_sdg_10_7_4_unhcr", "title": "Refugees per 100,000 population, by country of origin "
                                                      "(SDG 10.7.4), derived",
     "publisher": "IPMD build (derived)", "edition": "UNHCR 1995-2019 / WDI population 2026-03-06",
     "licence": "CC BY 4.0", "url": "https://unstats.un.org/sdgs/metadata/files/Metadata-10-07-04.pdf",
     "notes": "Derived with UNHCR's SDG 10.7.4 formula: refugees from the country at end-year (UNHCR bilateral file, "
              "all countries of asylum summed) / (WDI population of the country of origin, same year + those "
              "refugees) x 100,000. Not the published SDG series: UNRWA-mandate Palestine refugees are excluded (as "
              "in SDG 10.7.4) and 'other people in need of international protection' are not in the file."},
    {"source_id": "derived_sdg_10_7_4_wdi", "title": "Refugees per 100,000 population, by country of origin "
                                                    "(SDG 10.7.4), derived from WDI",
     "publisher": "IPMD build (derived)", "edition": "WDI 2023-10-26 / WDI population 2026-03-06",
     "licence": WB_LICENCE, "url": "https://unstats.un.org/sdgs/metadata/files/Metadata-10-07-04.pdf",
     "notes": "Derived with the same formula from WDI SM.POP.REFG.OR (refugees by origin, from UNHCR, to 2022) and "
              "WDI SP.POP.TOTL: refugees / (population + refugees) x 100,000. Second source, reaching 2022."},
    {"source_id": "ipmd_build", "title": "The build of this database (python -m ipmd.build): its own facts",
     "publisher": "IPMD build", "edition": "see meta.built_at", "licence": "Not applicable", "url": None,
     "notes": "Rows the build writes about itself (the meta table: build time, versions, content hash) and the "
              "provenance table table_sources."},
)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _path(sources_dir: Path, spec: SourceFile) -> Path:
    path = Path(sources_dir) / spec.file_name
    if not path.is_file():
        raise SourceError(f"{spec.file_name}: file not found in {sources_dir}")
    if path.stat().st_size == 0:
        raise SourceError(f"{spec.file_name}: file is empty")
    return path


def _check_frame(df: pd.DataFrame, spec: SourceFile, where: str = "") -> pd.DataFrame:
    label = spec.file_name + (f" ({where})" if where else "")
    missing = [c for c in spec.columns if c not in df.columns]
    if missing:
        found = ", ".join(map(str, list(df.columns)[:12]))
        raise SourceError(f"{label}: column '{missing[0]}' is missing (columns found: {found} ...)")
    for col in spec.not_null:
        n = int(df[col].isna().sum())
        if n:
            raise SourceError(f"{label}: column '{col}' has {n} empty cell(s); the file looks truncated or damaged")
    if len(df) < spec.min_rows:
        raise SourceError(f"{label}: {len(df)} data rows, expected at least {spec.min_rows}; "
                          f"the file looks truncated")
    return df


def read_csv(sources_dir: Path, source_id: str) -> pd.DataFrame:
    """Read one CSV source and check its columns and length."""
    spec = FILES.get(source_id) or CHECKED_ONLY[source_id]
    path = _path(sources_dir, spec)
    skip = 4 if spec.extra.get("api_header") else 0
    try:
        df = pd.read_csv(path, skiprows=skip, encoding="utf-8-sig", low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise SourceError(f"{spec.file_name}: cannot be read as CSV ({exc})") from exc
    df.columns = [str(c).strip() for c in df.columns]
    _check_frame(df, spec)
    code = spec.extra.get("indicator_code")
    if code:
        codes = set(df["Indicator Code"].dropna().unique())
        if codes != {code}:
            raise SourceError(f"{spec.file_name}: column 'Indicator Code' holds {sorted(codes)}, expected {code}")
    return df


def wdi_last_updated(sources_dir: Path, source_id: str) -> str | None:
    """The 'Last Updated Date' line of a World Bank API CSV, when the file has that header."""
    spec = FILES[source_id]
    if not spec.extra.get("api_header"):
        return None
    with open(_path(sources_dir, spec), encoding="utf-8-sig") as f:
        for line in [f.readline() for _ in range(4)]:
            if line.startswith('"Last Updated Date"'):
                return line.split(",")[1].strip().strip('"')
    raise SourceError(f"{spec.file_name}: header line 'Last Updated Date' is missing")


def read_parquet(sources_dir: Path, source_id: str) -> pd.DataFrame:
    spec = FILES[source_id]
    path = _path(sources_dir, spec)
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise SourceError(f"{spec.file_name}: cannot be read as Parquet ({exc})") from exc
    return _check_frame(df, spec)


def read_workbook(sources_dir: Path, source_id: str) -> dict[str, pd.DataFrame]:
    """The listed sheets of an Excel workbook, raw (header=None); parsed by ipmd.build.undesa."""
    spec = FILES[source_id]
    path = _path(sources_dir, spec)
    sheets = list(spec.extra["sheets"])
    try:
        return pd.read_excel(path, sheet_name=sheets, header=None)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError) as exc:
        raise SourceError(f"{spec.file_name}: cannot be read as an Excel workbook ({exc})") from exc
    except ValueError as exc:  # e.g. "Worksheet named 'Table 4' not found"
        raise SourceError(f"{spec.file_name}: {exc}") from exc


def source_row(sources_dir: Path, source_id: str, edition: str | None = None) -> dict:
    """The `sources` table row of a file that was read, with the sha256 of its bytes."""
    spec = FILES[source_id]
    return {
        "source_id": spec.source_id, "title": spec.title, "publisher": spec.publisher,
        "edition": edition or spec.edition, "licence": spec.licence, "url": spec.url,
        "file_name": spec.file_name, "sha256": sha256_of(_path(sources_dir, spec)),
        "is_illustrative": False, "notes": spec.notes or None,
    }


def derived_rows() -> list[dict]:
    return [{**row, "file_name": None, "sha256": None, "is_illustrative": False} for row in DERIVED]


def package_rows() -> list[dict]:
    """Code lists that come from installed packages rather than files: names and currencies."""
    import babel
    from importlib.metadata import version
    return [
        {"source_id": "pycountry_iso3166", "title": "ISO 3166-1 country names and their translations (iso-codes)",
         "publisher": "Debian iso-codes via pycountry", "edition": f"pycountry {version('pycountry')}",
         "licence": "LGPL-2.1", "url": "https://salsa.debian.org/iso-codes-team/iso-codes",
         "file_name": None, "sha256": None, "is_illustrative": False,
         "notes": "countries.name_en/fr/es (common name where ISO has one); M49 -> ISO3 codes."},
        {"source_id": "babel_cldr", "title": "Unicode CLDR territory names and territory currencies",
         "publisher": "Unicode CLDR via Babel", "edition": f"Babel {babel.__version__}",
         "licence": "Unicode License v3", "url": "https://cldr.unicode.org/",
         "file_name": None, "sha256": None, "is_illustrative": False,
         "notes": "Names for codes outside ISO 3166 (XKX Kosovo) and where the iso-codes translation is wrong "
                  "(Spanish Côte d'Ivoire); ISO 4217 currency of each economy (exchange_rates.currency)."},
    ]
