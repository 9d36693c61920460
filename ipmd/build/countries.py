"""Countries and aggregates: one code list that every other table points to.

A country or area is anything UN DESA, WDI or UNHCR reports on by itself. Regions, income groups and
the World go to `aggregates` and never into `countries`.
"""
from __future__ import annotations

import gettext
from dataclasses import dataclass, field

import pandas as pd
import pycountry
from babel import Locale

from ipmd.build.boundaries import SMALL_STATE_KM2, NeCountry
from ipmd.build.undesa import title_region

# UN M49 areas without an ISO 3166 code: the code WDI uses for them.
M49_WITHOUT_ISO = {830: "CHI"}     # Channel Islands (Jersey + Guernsey)
# Codes in the UNHCR file that are not countries or areas: kept in totals by asylum country only.
UNHCR_NON_COUNTRIES = {"XXA": "stateless", "TIB": "Tibetan"}
WDI_INCOME = {"HIC", "UMC", "LMC", "LIC", "MIC", "LMY"}
LANGS = ("fr", "es")
# Names the iso-codes translations (pycountry 26.2.16) get wrong: CLDR's name (Babel) is taken instead.
# Spanish 'Costa de Marfíl' is misspelt; CLDR, like the UN, writes Côte d'Ivoire.
ISO_TRANSLATION_ERRORS = {("CIV", "es")}


@dataclass
class Codes:
    """How each source's codes map onto countries.iso3 and aggregates.agg_code."""
    m49_country: dict[int, str] = field(default_factory=dict)
    m49_agg: dict[int, str] = field(default_factory=dict)
    wdi_country: set[str] = field(default_factory=set)
    wdi_agg: dict[str, str] = field(default_factory=dict)

    def m49(self, code: int) -> str | None:
        return self.m49_country.get(code) or self.m49_agg.get(code)

    def wdi(self, code: str) -> str | None:
        return code if code in self.wdi_country else self.wdi_agg.get(code)


def m49_to_iso3(code: int) -> str | None:
    if code in M49_WITHOUT_ISO:
        return M49_WITHOUT_ISO[code]
    c = pycountry.countries.get(numeric=f"{int(code):03d}")
    return c.alpha_3 if c else None


def un_agg_code(m49: int) -> str:
    return "WLD" if m49 == 900 else f"UN:{m49}"


def wb_agg_code(code: str) -> str:
    return "WLD" if code == "WLD" else f"WB:{code}"


def _translators():
    return {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
            for lang in LANGS}


def cldr_name(iso_a2: str, lang: str) -> str | None:
    """CLDR's territory name, with the ASCII apostrophe of the ISO names (Côte d’Ivoire -> Côte d'Ivoire)."""
    name = Locale(lang).territories.get(iso_a2)
    return name.replace("\u2019", "'") if name else None


def names_for(iso3: str, fallback_en: str, iso_a2: str | None, tr) -> dict[str, str]:
    """English, French, Spanish names: ISO 3166 (common name where it has one) with the iso-codes
    translations (CLDR's where they are wrong: ISO_TRANSLATION_ERRORS); codes outside ISO 3166 take
    CLDR (Babel) territory names; else English everywhere."""
    c = pycountry.countries.get(alpha_3=iso3)
    if c is not None:
        en = getattr(c, "common_name", None) or c.name
        names = {"name_en": en}
        for lang in LANGS:
            wrong = (iso3, lang) in ISO_TRANSLATION_ERRORS
            names[f"name_{lang}"] = cldr_name(c.alpha_2, lang) if wrong else tr[lang].gettext(en)
        return names
    if iso_a2:
        names = {lang: cldr_name(iso_a2, lang) for lang in ("en",) + LANGS}
        if all(names.values()):
            return {f"name_{lang}": n for lang, n in names.items()}
    return {f"name_{lang}": fallback_en for lang in ("en",) + LANGS}


def build(dest_rows: pd.DataFrame, origin_rows: pd.DataFrame, desa2020: pd.DataFrame,
          wdi_meta: pd.DataFrame, unhcr_codes: set[str], ne: dict[str, NeCountry],
          report: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, Codes]:
    """dest_rows/origin_rows: classified UN DESA rows (ipmd.build.undesa.classify_rows)."""
    codes = Codes()
    country_info: dict[str, dict] = {}

    # UN DESA: countries with region and subregion, and the UN aggregates
    agg_rows: dict[str, dict] = {}
    for r in pd.concat([dest_rows, origin_rows]).itertuples(index=False):
        if r.kind == "country":
            iso3 = m49_to_iso3(r.m49)
            if iso3 is None:
                report.append(f"UN DESA M49 {r.m49} ({r.name}) has no ISO3 code: left out")
                continue
            codes.m49_country[r.m49] = iso3
            country_info.setdefault(iso3, {"m49": r.m49, "name": r.name, "un_region": r.un_region,
                                           "un_subregion": r.un_subregion})
        else:
            agg = un_agg_code(r.m49)
            codes.m49_agg[r.m49] = agg
            name = title_region(r.name) if r.name.isupper() else r.name     # 'AFRICA' -> 'Africa'
            agg_rows.setdefault(agg, {"agg_code": agg, "name_en": name, "kind": r.kind, "m49": r.m49,
                                      "wb_code": "WLD" if agg == "WLD" else None})
    # 2020 edition: a few SDG region codes changed since; same names, own codes
    names_2024 = {row["name_en"].lower(): row["kind"] for row in agg_rows.values()}
    for m49, name in desa2020[["m49", "name"]].drop_duplicates("m49").itertuples(index=False):
        if m49 < 900 and m49 not in codes.m49_country:
            report.append(f"UN DESA 2020 country code {m49} ({name}) is not in the 2024 edition: left out")
        elif m49 >= 900 and m49 not in codes.m49_agg:
            agg = un_agg_code(m49)
            codes.m49_agg[m49] = agg
            agg_rows[agg] = {"agg_code": agg, "name_en": name, "kind": names_2024.get(name.lower(), "un_other"),
                             "m49": m49, "wb_code": None}

    # WDI: economies have a region; aggregates have none
    meta = wdi_meta.assign(code=wdi_meta["Country Code"].astype(str).str.strip())
    region_names = set(meta["Region"].dropna())
    for r in meta.itertuples(index=False):
        if pd.notna(r.Region) and str(r.Region).strip():
            codes.wdi_country.add(r.code)
            country_info.setdefault(r.code, {"m49": None, "name": r.TableName})
            country_info[r.code].update(wb_region=r.Region,
                                        income_group=r.IncomeGroup if pd.notna(r.IncomeGroup) else None)
        else:
            agg = wb_agg_code(r.code)
            codes.wdi_agg[r.code] = agg
            kind = ("world" if r.code == "WLD" else "wb_income_group" if r.code in WDI_INCOME
                    else "wb_region" if r.TableName in region_names else "wb_other")
            if agg in agg_rows:
                agg_rows[agg]["wb_code"] = r.code
            else:
                agg_rows[agg] = {"agg_code": agg, "name_en": r.TableName, "kind": kind, "m49": None,
                                 "wb_code": r.code}

    # UNHCR: ISO3 codes; anything not already known must at least be ISO 3166
    for code in sorted(unhcr_codes - set(country_info) - set(UNHCR_NON_COUNTRIES)):
        c = pycountry.countries.get(alpha_3=code)
        if c is None:
            report.append(f"UNHCR code {code} is not ISO 3166: left out of countries")
            continue
        country_info[code] = {"m49": int(c.numeric), "name": c.name}

    tr = _translators()
    rows = []
    for iso3, info in sorted(country_info.items()):
        geo = ne.get(iso3)
        region, sub = info.get("un_region"), info.get("un_subregion")
        if region is None and geo is not None:       # e.g. Kosovo: not listed by UN DESA
            region, sub = geo.region_un, geo.subregion
            report.append(f"{iso3}: UN region from Natural Earth ({region} / {sub})")
        rows.append({
            "iso3": iso3, "m49": info.get("m49"),
            **names_for(iso3, info["name"], geo.iso_a2 if geo else None, tr),
            "un_region": region, "un_subregion": sub,
            "wb_region": info.get("wb_region"), "income_group": info.get("income_group"),
            "is_small_state": geo is None or geo.area_km2 < SMALL_STATE_KM2,
        })
    countries = pd.DataFrame(rows)
    countries["m49"] = countries["m49"].astype("Int64")
    aggregates = pd.DataFrame(sorted(agg_rows.values(), key=lambda r: r["agg_code"]))
    aggregates["m49"] = aggregates["m49"].astype("Int64")
    clash = set(countries["iso3"]) & (set(aggregates["agg_code"]) | set(aggregates["wb_code"].dropna()))
    if clash:
        raise ValueError(f"codes both country and aggregate: {sorted(clash)}")
    return countries, aggregates, codes
