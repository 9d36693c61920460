"""The indicator list, and the long table of observations assembled from every source.

An observation is (key, year, indicator_id, sex, value, unit, source_id); key is a country ISO3 or an
aggregate code, split into `observations` and `aggregate_observations` by the pipeline. Where two sources
give the same figure both are kept; `indicators.default_source_id` says which one the app shows.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from ipmd.build.countries import Codes
from ipmd.build.undesa import Workbook

OBS_COLUMNS = ["key", "year", "indicator_id", "sex", "value", "unit", "source_id"]
DESA24 = "undesa_ims_2024_destination"
DESA24_ORIGIN = "undesa_ims_2024_origin"
DESA20 = "undesa_ims_2020_destination"
DESA20_WORKBOOK = "undesa_ims_2020_destination_workbook"
UNHCR = "unhcr_bilateral"


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    name_en: str
    unit: str
    default_source_id: str
    description: str
    caveats: str | None = None


INDICATORS: tuple[Indicator, ...] = (
    Indicator("immigrant_stock", "International migrant stock (immigrants)", "persons", DESA24,
              "Persons living in a country other than their country of birth (or citizenship where birth "
              "data are lacking), mid-year, by sex. Second source: IMS 2020 edition.",
              "UN DESA estimates. How the stock is counted differs by country (table migrant_stock_methods): "
              "foreign-born for most, foreign citizens for some, imputed where no data exist; refugees and "
              "asylum-seekers are added only where the workbook's data type has 'R'. The 2020 edition differs "
              "from the 2024 revision for the same years."),
    Indicator("immigrant_pct_pop", "International migrants as % of population", "%", DESA24,
              "Migrant stock as a percentage of the total population, by sex (IMS 2024 Table 3).",
              "The denominator is UN DESA's population, which differs slightly from WDI's."),
    Indicator("immigrant_female_share", "Female share of international migrants", "%", DESA24,
              "Female migrants as a percentage of the migrant stock (IMS 2024 Table 4).",
              "A share of the migrants, not of the population."),
    Indicator("emigrant_stock", "Emigrants (migrant stock by country of origin)", "persons", DESA24_ORIGIN,
              "Persons born in (or citizens of) a country living abroad, mid-year, by sex (IMS 2024 origin "
              "Table 1).", "Counts only migrants whose destination reports their origin."),
    Indicator("emigrant_female_share", "Female share of emigrants", "%", DESA24_ORIGIN,
              "Female emigrants as a percentage of all emigrants (IMS 2024 origin Table 2).",
              "Counts only emigrants whose destination reports their origin."),
    Indicator("emigrant_pct_pop", "Emigrants as % of population", "%", "derived_emigrant_pct_pop",
              "Emigrant stock divided by the resident population of the country of origin (UN DESA), x 100.",
              "Derived by the build; the denominator excludes the emigrants themselves."),
    Indicator("population", "Population, total", "persons", "wdi_population",
              "Mid-year resident population. Default WDI SP.POP.TOTL; second source UN DESA (IMS 2024 Table 2, "
              "thousands x 1000, also by sex).",
              "The two sources differ slightly (different revisions of UN population estimates)."),
    Indicator("gdp_usd", "GDP (current US$)", "US$", "wdi_gdp", "WDI NY.GDP.MKTP.CD.", "Ends in 2023."),
    Indicator("gdp_per_capita_usd", "GDP per capita (current US$)", "US$", "derived_gdp_per_capita",
              "WDI GDP divided by WDI population.", "Derived by the build; may differ slightly from the "
              "published NY.GDP.PCAP.CD."),
    Indicator("remittances_received_usd", "Personal remittances received (current US$)", "US$",
              "wdi_remittances_received_usd",
              "WDI BX.TRF.PWKR.CD.DT (vintage 2025-07-01). Second source: KNOMAD inflows (June 2023, US$ "
              "million x 1e6).", "KNOMAD zeros (no data) are dropped; KNOMAD 2022 figures are partly estimates."),
    Indicator("remittances_received_pct_gdp", "Personal remittances received (% of GDP)", "%",
              "wdi_remittances_received_pct_gdp", "WDI BX.TRF.PWKR.DT.GD.ZS (vintage 2023-05-10).",
              "Older vintage than the US$ series; ends in 2021."),
    Indicator("remittances_paid_usd", "Personal remittances paid (current US$)", "US$", "wdi_remittances_paid_usd",
              "WDI BM.TRF.PWKR.CD.DT (vintage 2023-05-10). Second source: KNOMAD outflows (June 2023).",
              "KNOMAD zeros (no data) are dropped."),
    Indicator("remittances_paid_pct_gdp", "Personal remittances paid (% of GDP)", "%",
              "derived_remittances_paid_pct_gdp", "WDI remittances paid divided by WDI GDP, x 100.",
              "Derived by the build from series of different vintages."),
    Indicator("remittance_cost_inbound_pct", "Average cost of sending remittances to the country (%)", "%",
              "wdi_remittance_cost_inbound", "WDI SI.RMT.COST.IB.ZS: average total cost of sending US$ 200 to "
              "the country (SDG 10.c.1).", "Sparse; the WDI series stops in 2020."),
    Indicator("remittance_cost_outbound_pct", "Average cost of sending remittances from the country (%)", "%",
              "wdi_remittance_cost_outbound", "WDI SI.RMT.COST.OB.ZS: average total cost of sending US$ 200 "
              "from the country (SDG 10.c.1).", "Sparse; the WDI series stops in 2020."),
    Indicator("refugees_hosted", "Refugees hosted (under UNHCR mandate)", "persons", UNHCR,
              "Refugees under UNHCR's mandate in the country of asylum at end-year, all origins summed "
              "(including stateless and unknown origin).",
              "Ends in 2019. A zero total is stored as missing (the file lists pairs with no refugees)."),
    Indicator("asylum_seekers_hosted", "Asylum-seekers hosted", "persons", UNHCR,
              "Asylum-seekers in the country of asylum at end-year, all origins summed.",
              "Ends in 2019. A zero total is stored as missing."),
    Indicator("refugees_origin", "Refugees by country of origin", "persons", UNHCR,
              "Refugees under UNHCR's mandate originating from the country, all asylum countries summed. "
              "Second source: WDI SM.POP.REFG.OR (vintage 2023-10-26, to 2022).",
              "UNHCR file ends in 2019. A zero total is stored as missing."),
    # issue 19: added from the bundled sources
    Indicator("refugees_in_migrant_stock", "Refugees and asylum-seekers within the international migrant stock",
              "persons", DESA20_WORKBOOK,
              "Estimated refugees and asylum-seekers (and, where relevant, Venezuelans displaced abroad) counted in "
              "the country's international migrant stock at mid-year, both sexes (IMS 2020 Table 6), 1990-2020.",
              "2020 edition: no 2024 figure. UN DESA's estimate, not UNHCR's end-year count. '~' (fewer than five, "
              "protected) and '..' are missing, not 0."),
    Indicator("refugees_pct_migrant_stock", "Refugees and asylum-seekers as % of the international migrant stock",
              "%", DESA20_WORKBOOK,
              "Refugees and asylum-seekers as a percentage of the international migrant stock, both sexes "
              "(IMS 2020 Table 6), 1990-2020.",
              "2020 edition: its denominator is the 2020 edition's migrant stock, not the 2024 revision's."),
    Indicator("immigrant_stock_change_rate", "Annual rate of change of the international migrant stock", "%",
              DESA24,
              "Average annual rate of change of the migrant stock over each period (1990-1995 ... 2020-2024), in "
              "% per year, by sex (IMS 2024 Table 5). Stored under the period's last year (2024 = 2020-2024).",
              "A rate over a period, not a one-year change; the last period is four years long."),
    Indicator("remittances_received_pct_gdp_derived", "Personal remittances received (% of GDP), derived", "%",
              "derived_remittances_received_pct_gdp",
              "Derived by the build: WDI BX.TRF.PWKR.CD.DT (remittances received, current US$, vintage 2025-07-01) / "
              "WDI NY.GDP.MKTP.CD (GDP, current US$) x 100, same country and year, for the years after the "
              "bundled WDI ratio BX.TRF.PWKR.DT.GD.ZS ends (2021).",
              "Not the World Bank's published ratio, and not mixed with it (that is remittances_received_pct_gdp): "
              "the two series come from different vintages. Ends when WDI GDP ends (2023)."),
    Indicator("sdg_10_7_4_refugees_per_100k", "Refugees per 100,000 population, by country of origin (SDG 10.7.4)",
              "per 100,000", "derived_sdg_10_7_4_unhcr",
              "Derived by the build with UNHCR's SDG 10.7.4 formula: refugees from the country at end-year / "
              "(population of the country + those refugees) x 100,000. Default: UNHCR bilateral file (1995-2019) "
              "with WDI population; second source: WDI SM.POP.REFG.OR (to 2022) with WDI population.",
              "Not the published SDG series: refugees under UNHCR's mandate as the files report them; "
              "UNRWA-mandate Palestine refugees are excluded (as in SDG 10.7.4) and 'other people in need of "
              "international protection' are not in the bundled files. End-year refugees over mid-year population."),
)
UNIT = {i.indicator_id: i.unit for i in INDICATORS}


def indicator_rows() -> pd.DataFrame:
    return pd.DataFrame([asdict(i) for i in INDICATORS])


def obs(key, year, value, indicator_id: str, source_id: str, sex="total") -> pd.DataFrame:
    return pd.DataFrame({"key": key, "year": year, "indicator_id": indicator_id, "sex": sex,
                         "value": value, "unit": UNIT[indicator_id], "source_id": source_id})


def _desa(table: pd.DataFrame, codes: Codes, indicator_id: str, source_id: str, scale: float = 1.0):
    value = table["value"] * scale
    if UNIT[indicator_id] == "persons":   # population is given in thousands with 3 decimals: whole persons
        value = value.round()
    return obs(table["m49"].map(codes.m49), table["year"], value, indicator_id, source_id, sex=table["sex"])


def undesa_observations(dest: Workbook, origin: Workbook, desa2020: pd.DataFrame, codes: Codes) -> list:
    t = dest.tables
    o = origin.tables
    pop = t["Table 2"]
    emig = o["Table 1"]
    both = emig[emig["sex"] == "total"].merge(pop[pop["sex"] == "total"], on=["m49", "year"],
                                               suffixes=("_emig", "_pop"))
    both = both[both["value_pop"] > 0]
    return [
        _desa(t["Table 1"], codes, "immigrant_stock", DESA24),
        _desa(t["Table 3"], codes, "immigrant_pct_pop", DESA24),
        _desa(t["Table 4"], codes, "immigrant_female_share", DESA24),
        _desa(pop, codes, "population", DESA24, scale=1000.0),
        _desa(emig, codes, "emigrant_stock", DESA24_ORIGIN),
        _desa(o["Table 2"], codes, "emigrant_female_share", DESA24_ORIGIN),
        obs(both["m49"].map(codes.m49), both["year"], both["value_emig"] / (both["value_pop"] * 1000.0) * 100.0,
            "emigrant_pct_pop", "derived_emigrant_pct_pop"),
        _desa(desa2020, codes, "immigrant_stock", DESA20),
    ]


def issue19_observations(change: pd.DataFrame, refugees2020: pd.DataFrame, series: dict[str, pd.DataFrame],
                         origin_refugees: pd.DataFrame, codes: Codes) -> list:
    """Issue 19's indicators: the annual rate of change (IMS 2024 Table 5), refugees within the stock (IMS 2020
    Table 6), remittances received as % of GDP derived for the years after WDI's ratio ends, and SDG 10.7.4.

    origin_refugees: UNHCR refugees by origin, frame(iso3, year, value) (ipmd.build.flows.unhcr_totals)."""
    number = refugees2020[refugees2020["measure"] == "number"]
    pct = refugees2020[refugees2020["measure"] == "pct_of_stock"]
    published_until = int(series["wdi_remittances_received_pct_gdp"]["year"].max())
    ratio = _ratio(series["wdi_remittances_received_usd"], series["wdi_gdp"], 100.0)
    ratio = ratio[ratio["year"] > published_until]
    population = series["wdi_population"].assign(key=lambda d: d["code"].map(codes.wdi)).dropna(subset=["key"])
    wdi_refugees = series["wdi_refugees_origin"].assign(key=lambda d: d["code"].map(codes.wdi))
    out = [
        _desa(change, codes, "immigrant_stock_change_rate", DESA24),
        _desa(number.assign(sex="total"), codes, "refugees_in_migrant_stock", DESA20_WORKBOOK),
        _desa(pct.assign(sex="total"), codes, "refugees_pct_migrant_stock", DESA20_WORKBOOK),
        obs(ratio["code"].map(codes.wdi), ratio["year"], ratio["value"], "remittances_received_pct_gdp_derived",
            "derived_remittances_received_pct_gdp"),
    ]
    for source_id, refugees in (("derived_sdg_10_7_4_unhcr", origin_refugees.rename(columns={"iso3": "key"})),
                                ("derived_sdg_10_7_4_wdi", wdi_refugees.dropna(subset=["key"]))):
        m = refugees[["key", "year", "value"]].merge(population[["key", "year", "value"]], on=["key", "year"],
                                                     suffixes=("_r", "_p"))
        m = m[(m["value_p"] > 0) & (m["value_r"] > 0)]
        out.append(obs(m["key"], m["year"], m["value_r"] / (m["value_p"] + m["value_r"]) * 100_000,
                       "sdg_10_7_4_refugees_per_100k", source_id))
    return out


# WDI source_id -> indicator_id
WDI_SERIES = {
    "wdi_population": "population",
    "wdi_gdp": "gdp_usd",
    "wdi_remittances_received_usd": "remittances_received_usd",
    "wdi_remittances_received_pct_gdp": "remittances_received_pct_gdp",
    "wdi_remittances_paid_usd": "remittances_paid_usd",
    "wdi_remittance_cost_inbound": "remittance_cost_inbound_pct",
    "wdi_remittance_cost_outbound": "remittance_cost_outbound_pct",
    "wdi_refugees_origin": "refugees_origin",
}
KNOMAD_SERIES = {"knomad_inflows": "remittances_received_usd", "knomad_outflows": "remittances_paid_usd"}


def _ratio(num: pd.DataFrame, den: pd.DataFrame, scale: float) -> pd.DataFrame:
    m = num.merge(den, on=["code", "year"], suffixes=("_n", "_d"))
    m = m[m["value_d"] > 0]
    return m.assign(value=m["value_n"] / m["value_d"] * scale)[["code", "year", "value"]]


def wdi_observations(series: dict[str, pd.DataFrame], knomad: dict[str, pd.DataFrame], codes: Codes,
                     report: list[str]) -> list:
    out = []
    unknown: set[str] = set()
    derived = {
        "derived_gdp_per_capita": ("gdp_per_capita_usd", _ratio(series["wdi_gdp"], series["wdi_population"], 1.0)),
        "derived_remittances_paid_pct_gdp": ("remittances_paid_pct_gdp",
                                             _ratio(series["wdi_remittances_paid_usd"], series["wdi_gdp"], 100.0)),
    }
    items = [(sid, WDI_SERIES[sid], df) for sid, df in series.items()]
    items += [(sid, KNOMAD_SERIES[sid], df) for sid, df in knomad.items()]
    items += [(sid, ind, df) for sid, (ind, df) in derived.items()]
    for source_id, indicator_id, df in items:
        keys = df["code"].map(codes.wdi)
        unknown |= set(df.loc[keys.isna(), "code"])
        out.append(obs(keys, df["year"], df["value"], indicator_id, source_id))
    if unknown:
        report.append(f"WDI codes that are neither economies nor aggregates in the metadata, left out: "
                      f"{sorted(unknown)}")
    return out


def unhcr_observations(sums: dict[str, pd.DataFrame]) -> list:
    """sums: indicator_id -> frame(iso3, year, value), from ipmd.build.flows.unhcr_totals."""
    return [obs(df["iso3"], df["year"], df["value"], ind, UNHCR) for ind, df in sums.items()]


def combine(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    df = pd.concat(pieces, ignore_index=True)
    df = df[df["key"].notna() & df["value"].notna()]
    df = df.assign(year=df["year"].astype(int), value=df["value"].astype(float))
    return df[OBS_COLUMNS].reset_index(drop=True)
