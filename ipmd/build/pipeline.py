"""The build, step by step: read and check every source, assemble the tables, write a temporary database,
check it, then move it into place. A failure at any step leaves the previous database untouched."""
from __future__ import annotations

import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd
import pycountry

from ipmd.build import (boundaries, checks, countries, database, exchange_rates, flows, indicators,
                        provenance, reference, undesa, wdi)
from ipmd.build.sources import (FILES, SourceError, derived_rows, package_rows, read_csv,
                                read_parquet, source_row, wdi_last_updated)

SEED = 2008


class BuildCheckError(Exception):
    """The assembled database failed a check; nothing was replaced."""


class Step:
    """Prints one line per step with its duration."""

    def __init__(self, log: Callable[[str], None]):
        self.log, self.t0, self.n = log, time.perf_counter(), 0

    def __call__(self, text: str):
        self.n += 1
        self.log(f"[{time.perf_counter() - self.t0:5.1f}s] {self.n:2d}. {text}")


def _latest(obs: pd.DataFrame, indicator_id: str, source_id: str) -> pd.Series:
    df = obs[(obs["indicator_id"] == indicator_id) & (obs["source_id"] == source_id) & (obs["sex"] == "total")]
    return df.sort_values("year").groupby("key")["value"].last()


def portfolio_countries(countries_df: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """Latest available intensity figures per country, the input of the demonstration portfolio."""
    refugees = obs[(obs["indicator_id"] == "refugees_hosted") & (obs["source_id"] == "unhcr_bilateral")]
    pop = obs[(obs["indicator_id"] == "population") & (obs["source_id"] == "wdi_population")]
    per = refugees.merge(pop, on=["key", "year"], suffixes=("_r", "_p"))
    per = per[per["value_p"] > 0].assign(v=lambda d: d["value_r"] / d["value_p"] * 1000)
    iso = countries_df["iso3"]
    return pd.DataFrame({
        "iso3": iso, "name_en": countries_df["name_en"],
        "un_region": countries_df["un_region"], "wb_region": countries_df["wb_region"],
        "income_group": countries_df["income_group"],
        "emigrant_pct_pop": iso.map(_latest(obs, "emigrant_pct_pop", "derived_emigrant_pct_pop")),
        "immigrant_pct_pop": iso.map(_latest(obs, "immigrant_pct_pop", indicators.DESA24)),
        "remittances_pct_gdp": iso.map(_latest(obs, "remittances_received_pct_gdp",
                                               "wdi_remittances_received_pct_gdp")),
        "refugees_per_1000": iso.map(per.sort_values("year").groupby("key")["v"].last()),
    }).reset_index(drop=True)


def stock_methods(methods: pd.DataFrame, codes, country_set: set[str], report: list[str]) -> pd.DataFrame:
    """The migrant_stock_methods rows: the workbook's rows with a data type, for the countries of the database."""
    iso3 = methods["m49"].map(codes.m49_country)
    unmatched = sorted(methods.loc[iso3.isna() | ~iso3.isin(country_set), "m49"].tolist())
    if unmatched:
        report.append(f"UN DESA data types for codes that are not countries here, left out: {unmatched}")
    out = methods.assign(iso3=iso3, edition="IMS 2024", source_id=indicators.DESA24)
    out = out[out["iso3"].isin(country_set)].drop(columns="m49")
    if out["iso3"].duplicated().any():
        raise BuildCheckError(f"two data types for {sorted(out.loc[out['iso3'].duplicated(), 'iso3'])}")
    return out.reset_index(drop=True)


def read_all(src: Path, step: Step) -> dict:
    """Read and check every source file up front, so a bad file fails the build before any work."""
    step("reading WDI, KNOMAD, UNHCR and MPTF files (CSV)")
    wdi_series = {sid: wdi.read_series(src, sid) for sid in indicators.WDI_SERIES}
    fx, fx_raw = wdi.read_series(src, "wdi_exchange_rate")
    meta = read_csv(src, "wdi_country_metadata")
    for sid in ("knomad_inflows", "knomad_outflows"):
        read_csv(src, sid)  # columns and length checked here; matched to codes once countries are known
    unhcr = flows.read_unhcr(read_csv(src, "unhcr_bilateral"))
    mptf = reference.mptf_tables(src)
    read_csv(src, "gfmd_2007_2008")   # read again by ipmd.build.framework; checked here, up front
    desa2020 = undesa.read_2020_totals(src)
    desa2020_refugees = undesa.read_2020_refugees(src)   # issue 19: the official 2020 workbook, Table 6
    step("reading Natural Earth boundaries and the UN DESA bilateral table")
    features = boundaries.read_features(src)
    bilateral_raw = read_parquet(src, "undesa_ims_2024_bilateral")
    step("reading UN DESA workbooks (destination, origin)")
    dest = undesa.read_destination(src)
    origin = undesa.read_origin(src)
    return {"dest": dest, "origin": origin, "desa2020": desa2020, "desa2020_refugees": desa2020_refugees,
            "bilateral_raw": bilateral_raw,
            "wdi": {k: v[0] for k, v in wdi_series.items()},
            "wdi_raw": [v[1] for v in wdi_series.values()] + [fx_raw], "fx": fx, "meta": meta,
            "unhcr": unhcr, "features": features, "mptf": mptf}


def assemble(src: Path, step: Step, report: list[str]) -> tuple[dict[str, pd.DataFrame], dict]:
    """All tables as frames, keyed by table name, plus the ledger tables for the invariant check."""
    raw = read_all(src, step)

    step("countries and aggregates (UN DESA order, WDI metadata, UNHCR codes, Natural Earth)")
    dest_rows = undesa.classify_rows(raw["dest"].rows)
    origin_rows = undesa.classify_rows(raw["origin"].rows)
    unhcr = raw["unhcr"]
    unhcr_codes = set(unhcr["origin"].dropna()) | set(unhcr["asylum"].dropna())
    known = ({countries.m49_to_iso3(c) for c in dest_rows.loc[dest_rows["kind"] == "country", "m49"]}
             | set(raw["meta"].loc[raw["meta"]["Region"].notna(), "Country Code"]) | unhcr_codes) - {None}
    ne = boundaries.match_features(raw["features"], known)
    countries_df, aggregates_df, codes = countries.build(dest_rows, origin_rows, raw["desa2020"], raw["meta"],
                                                         unhcr_codes, ne, report)
    country_set = set(countries_df["iso3"])

    step("boundaries (simplify, round, wind clockwise)")
    boundaries_df = pd.DataFrame(boundaries.boundary_rows(ne, country_set))
    no_feature = sorted(country_set - set(ne))
    report.append(f"countries without a Natural Earth 1:50m feature (no boundaries row): {no_feature}")

    step("indicators: UN DESA, WDI, KNOMAD, UNHCR, derived figures")
    names = wdi.name_index(raw["wdi_raw"], raw["meta"])
    valid = codes.wdi_country | set(codes.wdi_agg)
    knomad = {}
    for sid in ("knomad_inflows", "knomad_outflows"):
        knomad[sid], unmatched = wdi.knomad(src, sid, names, valid)
        if unmatched:
            report.append(f"{FILES[sid].file_name}: names matched to no code, left out: {unmatched}")
    totals = flows.unhcr_totals(unhcr, country_set)
    obs = indicators.combine(
        indicators.undesa_observations(raw["dest"], raw["origin"], raw["desa2020"], codes)
        + indicators.wdi_observations(raw["wdi"], knomad, codes, report)
        + indicators.unhcr_observations(totals)
        + indicators.issue19_observations(undesa.rate_of_change(raw["dest"]), raw["desa2020_refugees"], raw["wdi"],
                                          totals["refugees_origin"], codes))
    is_country = obs["key"].isin(country_set)
    is_agg = obs["key"].isin(set(aggregates_df["agg_code"]))
    if (~is_country & ~is_agg).any():
        raise BuildCheckError(f"observations for unknown codes: {sorted(set(obs.loc[~is_country & ~is_agg, 'key']))}")
    observations = obs[is_country].rename(columns={"key": "iso3"})
    aggregate_obs = obs[is_agg].rename(columns={"key": "agg_code"})

    step("how each country's migrant stock is counted (UN DESA data type and notes)")
    methods = stock_methods(undesa.counting_methods(raw["dest"]), codes, country_set, report)

    step("bilateral migrant stock and refugees by origin and asylum")
    bilateral = flows.bilateral_stock(raw["bilateral_raw"], codes)
    refugees = flows.refugees_bilateral(unhcr, country_set, report)

    step("exchange rates by currency")
    alpha2 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    alpha2.update({k: v.iso_a2 for k, v in ne.items() if v.iso_a2 and k not in alpha2})
    fx = exchange_rates.build(raw["fx"], codes.wdi_country, alpha2, report)

    step("framework (goals, areas of work, GFMD items, partners) and demonstration portfolio")
    from ipmd.build.framework import framework_sources, framework_tables
    from ipmd.build.portfolio import PORTFOLIO_SOURCE, RESULT_TABLES, generate_portfolio
    try:
        framework = framework_tables(src)
    except (ValueError, OSError) as exc:   # the framework module reports a bad GFMD file this way
        raise SourceError(str(exc)) from exc
    portfolio = generate_portfolio(portfolio_countries(countries_df, obs[is_country]), framework["gfmd_items"],
                                   seed=SEED, exchange_rates=fx)

    step("sources")
    rx_vintage = wdi_last_updated(src, "wdi_remittances_received_usd")
    fx_vintage = wdi_last_updated(src, "wdi_exchange_rate")
    rows = [source_row(src, sid, edition=({"wdi_remittances_received_usd": f"WDI {rx_vintage}",
                                           "wdi_exchange_rate": f"WDI {fx_vintage}"}.get(sid)))
            for sid in FILES]
    rows += derived_rows() + package_rows() + list(framework_sources(src)) + [dict(PORTFOLIO_SOURCE)]
    sources_df = pd.DataFrame(rows)
    dup = sources_df["source_id"][sources_df["source_id"].duplicated()]
    if len(dup):
        raise BuildCheckError(f"source ids listed twice: {sorted(set(dup))}")

    tables = {
        "sources": sources_df, "countries": countries_df, "aggregates": aggregates_df,
        "boundaries": boundaries_df, "indicators": indicators.indicator_rows(),
        "observations": observations, "aggregate_observations": aggregate_obs,
        "bilateral_stock": bilateral, "refugees_bilateral": refugees, "exchange_rates": fx,
        **{k: framework[k] for k in ("goals", "areas_of_work", "gfmd_items", "partners")},
        **{k: portfolio[k] for k in ("donors", "projects", "project_countries", "project_goals", "transactions")},
        **{k: portfolio[k] for k in RESULT_TABLES},           # the results framework (issue 20)
        **raw["mptf"],
        "migrant_stock_methods": methods,
    }
    tables["table_sources"] = provenance.table_sources(tables, {k for k in tables if k in portfolio})
    editions = (f"UN DESA IMS 2024 (2020 edition as second source); WDI {rx_vintage} "
                f"(remittances received; other WDI series older, see sources); UNHCR 2019; KNOMAD June 2023; "
                f"Natural Earth v5.1.1")
    return tables, {"portfolio": portfolio, "data_edition": editions}


def _print(text: str) -> None:
    print(text, flush=True)


def build(sources_dir: Path, out: Path, log: Callable[[str], None] = _print) -> dict[str, int]:
    """Build the database at `out` from `sources_dir`. Returns the row counts."""
    src, out = Path(sources_dir), Path(out)
    if not src.is_dir():
        raise SourceError(f"source folder {src} does not exist")
    step = Step(log)
    report: list[str] = []
    tables, extra = assemble(src, step, report)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")   # matches .gitignore's *.duckdb.tmp*
    _remove(tmp)
    con = None
    try:
        step(f"writing {tmp.name}")
        con = database.create(tmp)
        for name, df in tables.items():
            database.insert(con, name, df)
        step("checks")
        problems = checks.run_all(con, extra["portfolio"])
        failed = {k: v for k, v in problems.items() if v}
        if failed:
            raise BuildCheckError("checks failed:\n" + "\n".join(
                f"  {k}: {p}" for k, v in failed.items() for p in v))
        meta = {
            "built_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "content_hash": database.content_hash(con),
            "duckdb_version": duckdb.__version__, "pandas_version": pd.__version__,
            "python_version": platform.python_version(), "ledger_kind": "illustrative",
            "data_edition": extra["data_edition"],
        }
        database.insert(con, "meta", pd.DataFrame({"key": list(meta), "value": list(meta.values())}))
        counts = database.row_counts(con)
        con.execute("CHECKPOINT")
        con.close()
        con = None
        too_big = checks.size(tmp)
        if too_big:
            raise BuildCheckError(too_big[0])
        os.replace(tmp, out)
    finally:
        if con is not None:
            con.close()
        _remove(tmp)
    for line in report:
        log(f"  note: {line}")
    log(f"built {out} ({out.stat().st_size / 1e6:.1f} MB), content hash {meta['content_hash'][:16]}")
    width = max(map(len, counts))
    for name, n in counts.items():
        log(f"  {name:<{width}} {n:>9,}")
    return counts


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()
