"""World Bank WDI and KNOMAD files turned into tidy (code, year, value) frames."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pycountry

from ipmd.build.sources import FILES, SourceError, read_csv

# KNOMAD spells a few names unlike any WDI file or ISO 3166; mapped by hand, each checked against WDI.
KNOMAD_ALIASES = {
    "Faeroe Islands": "FRO",
    "Türkiye, Rep. of": "TUR",
    "Korea, Dem. Rep.": "PRK",
    "Low-and Middle-Income Countries": "LMY",
}


def wide_to_long(df: pd.DataFrame) -> pd.DataFrame:
    """A WDI wide file (one column per year) -> code, year, value; empty cells dropped."""
    years = [c for c in df.columns if c.isdigit()]
    long = df.melt(id_vars=["Country Code"], value_vars=years, var_name="year", value_name="value")
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    long = long.dropna(subset=["value"])
    return pd.DataFrame({"code": long["Country Code"].astype(str).to_numpy(),
                         "year": long["year"].astype(int).to_numpy(),
                         "value": long["value"].astype(float).to_numpy()})


def long_file(df: pd.DataFrame) -> pd.DataFrame:
    """A WDI long file (Country Name, Country Code, Year, Value) -> code, year, value."""
    return pd.DataFrame({"code": df["Country Code"].astype(str), "year": df["Year"].astype(int),
                         "value": pd.to_numeric(df["Value"], errors="coerce")}).dropna(subset=["value"])


def read_series(sources_dir: Path, source_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tidy frame, raw frame) of one WDI file."""
    raw = read_csv(sources_dir, source_id)
    tidy = long_file(raw) if "Year" in raw.columns else wide_to_long(raw)
    return tidy.reset_index(drop=True), raw


def name_index(raw_frames: list[pd.DataFrame], metadata: pd.DataFrame) -> dict[str, str]:
    """Every country or group name used by the WDI files -> its WDI code."""
    names: dict[str, str] = {}
    for df in raw_frames:
        if "Country Name" in df.columns:
            for name, code in zip(df["Country Name"], df["Country Code"]):
                names.setdefault(str(name).strip().lower(), str(code))
    for name, code in zip(metadata["TableName"], metadata["Country Code"]):
        names.setdefault(str(name).strip().lower(), str(code))
    return names


def knomad(sources_dir: Path, source_id: str, names: dict[str, str],
           valid_codes: set[str]) -> tuple[pd.DataFrame, list[str]]:
    """KNOMAD US$ million -> (code, year, value in US$), and the names that matched nothing.

    A name is matched to a WDI name, then to ISO 3166 (pycountry), then to KNOMAD_ALIASES.
    KNOMAD writes 0 where it has no figure: zeros are dropped.
    """
    raw = read_csv(sources_dir, source_id)
    codes, unmatched = [], []
    for name in raw["country_or_group"].astype(str).str.strip():
        code = names.get(name.lower()) or KNOMAD_ALIASES.get(name)
        if code is None:
            try:
                code = pycountry.countries.lookup(name).alpha_3
            except LookupError:
                code = None
        if code is None or code not in valid_codes:
            unmatched.append(name)
            code = None
        codes.append(code)
    raw = raw.assign(code=codes).dropna(subset=["code"])
    years = [c for c in raw.columns if c.isdigit()]
    long = raw.melt(id_vars=["code"], value_vars=years, var_name="year", value_name="value")
    long["value"] = pd.to_numeric(long["value"], errors="coerce") * 1e6
    long = long[long["value"].notna() & (long["value"] != 0)]
    if long.duplicated(["code", "year"]).any():
        dup = long[long.duplicated(["code", "year"])].iloc[0]
        raise SourceError(f"{FILES[source_id].file_name}: two rows of column 'country_or_group' map to {dup.code}")
    return (pd.DataFrame({"code": long["code"].to_numpy(), "year": long["year"].astype(int).to_numpy(),
                          "value": long["value"].astype(float).to_numpy()}), unmatched)
