"""Exchange rates (local currency units per US$) by ISO 4217 currency and year, from WDI PA.NUS.FCRF.

WDI gives one rate per economy; the ledger needs one per currency. Rules:
- An economy's currency in a year is the legal tender Babel (CLDR) lists for it on 1 July of that year;
  where several are listed, the one the economy issues (ISO 4217 code starting with its alpha-2 code),
  the most recent if two, else the first listed.
- A year is kept only if that currency is still the economy's currency in the file's last year: WDI
  restates the past of redenominated currencies in today's unit (e.g. Ghana before the 2007 cedi),
  so an earlier currency would carry a rate in the wrong unit.
- EUR comes from the euro area (WDI 'EMU'), never from a member; USD is 1.0 for every year.
- Several economies sharing a currency (CFA francs, East Caribbean dollar, ...): the issuer if there is
  one, else the first by ISO3 code; rates of the others that differ by more than 1% are reported.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from babel.numbers import get_territory_currencies

EURO_AREA = "EMU"


def currency_at(alpha2: str, when: date) -> str | None:
    cur = get_territory_currencies(alpha2, when, include_details=True)
    if not cur:
        return None
    own = [c for c in cur if c["currency"][:2] == alpha2]
    if own:
        return max(own, key=lambda c: c["from"] or date.min)["currency"]
    return cur[0]["currency"]


def build(wdi_fx: pd.DataFrame, economies: set[str], alpha2: dict[str, str],
          report: list[str]) -> pd.DataFrame:
    """wdi_fx: code, year, value (ipmd.build.wdi.read_series)."""
    last_year = int(wdi_fx["year"].max())
    rows = []
    for code, grp in wdi_fx[wdi_fx["code"].isin(economies)].groupby("code", sort=True):
        a2 = alpha2.get(code)
        if a2 is None:
            continue
        current = currency_at(a2, date(last_year, 7, 1))
        for year, value in zip(grp["year"], grp["value"]):
            cur = currency_at(a2, date(int(year), 7, 1))
            if cur and cur == current and cur not in ("EUR", "USD") and value > 0:
                rows.append((cur, int(year), float(value), code, a2))
    df = pd.DataFrame(rows, columns=["currency", "year", "lcu_per_usd", "from_iso3", "alpha2"])
    df["is_issuer"] = df["currency"].str[:2] == df["alpha2"]
    df = df.sort_values(["currency", "year", "is_issuer", "from_iso3"], ascending=[True, True, False, True])
    spread = df.groupby(["currency", "year"])["lcu_per_usd"].agg(["min", "max"])
    wide = spread[spread["max"] > spread["min"] * 1.01]
    if len(wide):
        report.append("exchange rates: economies sharing a currency disagree by more than 1% in "
                      + ", ".join(f"{c} {y}" for c, y in wide.index[:20]) + (" ..." if len(wide) > 20 else ""))
    df = df.drop_duplicates(["currency", "year"], keep="first")

    emu = wdi_fx[(wdi_fx["code"] == EURO_AREA) & (wdi_fx["value"] > 0)]
    eur = pd.DataFrame({"currency": "EUR", "year": emu["year"].astype(int), "lcu_per_usd": emu["value"],
                        "from_iso3": EURO_AREA})
    years = range(int(wdi_fx["year"].min()), last_year + 1)
    usd = pd.DataFrame({"currency": "USD", "year": list(years), "lcu_per_usd": 1.0, "from_iso3": "USA"})
    out = pd.concat([df[["currency", "year", "lcu_per_usd", "from_iso3"]], eur, usd], ignore_index=True)
    return out.sort_values(["currency", "year"]).reset_index(drop=True)
