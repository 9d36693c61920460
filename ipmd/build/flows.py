"""Country-to-country tables: UN DESA bilateral migrant stock and UNHCR refugees by origin and asylum."""
from __future__ import annotations

import pandas as pd

from ipmd.build.countries import Codes
from ipmd.build.sources import FILES, SourceError

SEX = {"both": "total", "male": "male", "female": "female"}


def bilateral_stock(raw: pd.DataFrame, codes: Codes) -> pd.DataFrame:
    """UN DESA 2024 origin x destination x sex x year; stock > 0 only ('..' became 0 upstream)."""
    file_name = FILES["undesa_ims_2024_bilateral"].file_name
    df = pd.DataFrame({
        "origin_iso3": raw["origin_m49"].astype(int).map(codes.m49_country),
        "dest_iso3": raw["destination_m49"].astype(int).map(codes.m49_country),
        "year": raw["year"].astype(int), "sex": raw["sex"].map(SEX),
        "stock": pd.to_numeric(raw["migrant_stock"], errors="coerce"),
    })
    for col, src in (("origin_iso3", "origin_m49"), ("dest_iso3", "destination_m49")):
        if df[col].isna().any():
            bad = sorted(set(raw.loc[df[col].isna(), src]))
            raise SourceError(f"{file_name}: column '{src}' holds codes that are not countries: {bad[:10]}")
    if df["sex"].isna().any():
        raise SourceError(f"{file_name}: column 'sex' holds values other than both/male/female")
    df = df[df["stock"] > 0]
    return df.assign(stock=df["stock"].astype("int64")).reset_index(drop=True)


def read_unhcr(raw: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "year": raw["year"].astype(int),
        "origin": raw["origin_iso3"].astype("string").str.strip(),
        "asylum": raw["asylum_iso3"].astype("string").str.strip(),
        "refugees": pd.to_numeric(raw["refugees_unhcr_mandate"], errors="coerce"),
        "asylum_seekers": pd.to_numeric(raw["asylum_seekers"], errors="coerce"),
    })


def refugees_bilateral(unhcr: pd.DataFrame, countries: set[str], report: list[str]) -> pd.DataFrame:
    """Pairs of countries with refugees or asylum-seekers; a missing count next to a given one is 0."""
    both_missing = unhcr["refugees"].isna() & unhcr["asylum_seekers"].isna()
    df = unhcr[~both_missing].fillna({"refugees": 0.0, "asylum_seekers": 0.0})
    df = df[(df["refugees"] != 0) | (df["asylum_seekers"] != 0)]
    inside = df["origin"].isin(countries) & df["asylum"].isin(countries)
    left = df[~inside]
    if len(left):
        by = left["origin"].fillna("(blank)").value_counts().sort_index()
        report.append("UNHCR rows whose origin or asylum is not a country, kept in totals by asylum only: "
                      + ", ".join(f"{k} {v}" for k, v in by.items()))
    if both_missing.any():
        report.append(f"UNHCR rows with no figures at all, skipped: {int(both_missing.sum())}")
    df = df[inside]
    return pd.DataFrame({"origin_iso3": df["origin"].astype(str), "asylum_iso3": df["asylum"].astype(str),
                         "year": df["year"], "refugees": df["refugees"], "asylum_seekers": df["asylum_seekers"]}
                        ).reset_index(drop=True)


def unhcr_totals(unhcr: pd.DataFrame, countries: set[str]) -> dict[str, pd.DataFrame]:
    """Totals by country of asylum (all origins, incl. stateless and unknown) and by country of origin.

    The file repeats every pair for every year, mostly with zeros; a zero total is treated as no record.
    """
    def total(by: str, col: str) -> pd.DataFrame:
        df = unhcr[unhcr[by].isin(countries)]
        s = df.groupby([by, "year"])[col].sum(min_count=1).reset_index()
        s = s[s[col].notna() & (s[col] != 0)]
        return pd.DataFrame({"iso3": s[by].astype(str), "year": s["year"], "value": s[col].astype(float)})
    return {"refugees_hosted": total("asylum", "refugees"),
            "asylum_seekers_hosted": total("asylum", "asylum_seekers"),
            "refugees_origin": total("origin", "refugees")}
