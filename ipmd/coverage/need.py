"""Need score per country and the gap finder (high need, low coverage).

Pure functions: pandas frames in, frames out. No Streamlit, no database.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

SDG_REMITTANCE_COST_TARGET = 3.0  # SDG 10.c: remittance costs below 3% of the amount sent

INDICATORS: tuple[str, ...] = (
    "emigrant_pct_pop",       # emigrant stock, % of the country's population
    "immigrant_pct_pop",      # immigrant stock, % of population
    "remittances_pct_gdp",    # personal remittances received, % of GDP
    "refugees_per_1000",      # refugees hosted per 1,000 inhabitants
    "remittance_cost_gap",    # average cost of sending remittances to the country above 3%, in points
)
GENDER_INDICATOR = "female_share"  # female share of migrants: used only with the gender lens
ALL_INDICATORS: tuple[str, ...] = INDICATORS + (GENDER_INDICATOR,)

LABELS: dict[str, str] = {
    "emigrant_pct_pop": "Emigrants, % of population",
    "immigrant_pct_pop": "Immigrants, % of population",
    "remittances_pct_gdp": "Remittances received, % of GDP",
    "refugees_per_1000": "Refugees hosted per 1,000 inhabitants",
    "remittance_cost_gap": "Remittance cost above the 3% SDG target (points)",
    "female_share": "Female share of migrants (gender lens)",
}

# Equal weight for the four broad indicators. The remittance cost gap gets half: it is a narrow
# issue and is published for only about 100 countries, so a full weight would let one sparse
# series move the scores of the countries that have it. The gender lens, when switched on, adds
# the female share of migrants at half weight: it shifts the ranking without dominating it.
DEFAULT_WEIGHTS: dict[str, float] = {
    "emigrant_pct_pop": 1.0,
    "immigrant_pct_pop": 1.0,
    "remittances_pct_gdp": 1.0,
    "refugees_per_1000": 1.0,
    "remittance_cost_gap": 0.5,
    "female_share": 0.5,
}
DEFAULT_MIN_INDICATORS = 3

_METHOD = """\
**How the need score is built.**
1. Each indicator is turned into a percentile rank among the countries that have it: the country
   with the lowest value gets 0, the highest gets 1, the others fall in between by their position.
   Ranks, not raw values, so no unit (per cent, per 1,000, points) and no extreme country dominates.
   Equal values get the same (lowest) rank.
2. The remittance-cost indicator counts only the cost above the 3% SDG target: a country where
   sending money costs 3% or less scores 0 on it.
3. The need score is the weighted average of the ranks a country has, using the weights you set
   (a weight of 0 leaves an indicator out). When a country lacks an indicator, the average is taken
   over the ones it has, with the weights rescaled, and the table says how many it had.
4. A country with fewer than {min_ind} indicators gets no score: it is shown as "missing", never as
   zero need.
5. Countries are ranked by score, highest need first; equal scores share a rank and are listed
   by ISO code.
6. The gender lens adds the female share of migrants as one more indicator (a higher share
   counts as more need for gender-responsive work).

The score is relative: 1 means "highest of all countries on every indicator used", not a
measured level of need.
"""



def method_text(min_indicators: int = DEFAULT_MIN_INDICATORS) -> str:
    """METHOD for a given minimum number of indicators (markdown, for the page)."""
    return _METHOD.format(min_ind=int(min_indicators))


METHOD = method_text()

# gap finder
QUADRANT_GAP = "high need, low coverage"
QUADRANT_HIGH_COVERED = "high need, covered"
QUADRANT_LOW_COVERED = "lower need, covered"
QUADRANT_LOW_UNCOVERED = "lower need, low coverage"
QUADRANT_MISSING = "need not scored"
QUADRANTS: tuple[str, ...] = (QUADRANT_GAP, QUADRANT_HIGH_COVERED, QUADRANT_LOW_COVERED,
                              QUADRANT_LOW_UNCOVERED)

COVERAGE_NOTE = """\
**Coverage** is the money approved (US$, Oversight Committee commitments) for projects working in
the country, each project's money split over its countries by their shares. A country is *covered*
when that amount is above the threshold (by default: any approved money at all, i.e. at least one
funded project). Not per inhabitant: the partnership funds policy and capacity work for
institutions, whose cost does not grow with a country's population, and a per-capita measure would
make every large country look uncovered and every small state look covered.
A country is *high need* when its need score is in the top quarter of the scored countries.
"""


def remittance_cost_gap(cost_pct, target: float = SDG_REMITTANCE_COST_TARGET):
    """max(cost - target, 0) in percentage points; missing stays missing. Scalar or Series in, same out."""
    if isinstance(cost_pct, pd.Series):
        c = pd.to_numeric(cost_pct, errors="coerce").astype(float)
        return (c - target).clip(lower=0.0)
    if cost_pct is None or pd.isna(cost_pct):
        return np.nan
    return max(float(cost_pct) - target, 0.0)


def with_remittance_cost_gap(indicators: pd.DataFrame) -> pd.DataFrame:
    """indicators + remittance_cost_gap computed from remittance_cost_inbound_pct (if that column is
    there and remittance_cost_gap is not)."""
    if "remittance_cost_gap" in indicators.columns or "remittance_cost_inbound_pct" not in indicators.columns:
        return indicators
    return indicators.assign(
        remittance_cost_gap=remittance_cost_gap(indicators["remittance_cost_inbound_pct"]))


def percentile_rank(values: pd.Series) -> pd.Series:
    """(rank - 1) / (n - 1) with rank method 'min' over the non-missing values: lowest 0, highest 1,
    ties share the lower rank; missing stays missing; a single value gets 0.5 (nothing to compare)."""
    v = pd.to_numeric(values, errors="coerce").astype(float).replace([np.inf, -np.inf], np.nan)
    n = int(v.notna().sum())
    if n == 0:
        return v
    if n == 1:
        return v.where(v.isna(), 0.5)
    return (v.rank(method="min") - 1.0) / (n - 1)


def _used_weights(weights: Mapping[str, float] | None, gender_lens: bool) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(w) - set(ALL_INDICATORS)
    if unknown:
        raise ValueError(f"unknown indicator(s) in weights: {sorted(unknown)}; known: {list(ALL_INDICATORS)}")
    for k, v in w.items():
        if v is None or not np.isfinite(v) or v < 0:
            raise ValueError(f"weight of {k} must be a number >= 0, not {v!r}")
    if not gender_lens:
        w.pop(GENDER_INDICATOR, None)
    elif GENDER_INDICATOR not in w:
        w[GENDER_INDICATOR] = DEFAULT_WEIGHTS[GENDER_INDICATOR]
    used = {k: float(v) for k, v in w.items() if v > 0}
    if not used:
        raise ValueError("at least one indicator needs a weight above 0")
    return {k: used[k] for k in ALL_INDICATORS if k in used}  # stable order


def need_scores(indicators: pd.DataFrame, weights: Mapping[str, float] | None = None,
                gender_lens: bool = False,
                min_indicators: int = DEFAULT_MIN_INDICATORS) -> pd.DataFrame:
    """Need score per country.

    indicators: one row per country, column iso3 and the indicator columns of INDICATORS
    (remittance_cost_gap may be replaced by remittance_cost_inbound_pct, from which it is computed),
    plus female_share when gender_lens is on. Other columns (names, regions) are passed through.
    weights: {indicator: weight >= 0}; None = DEFAULT_WEIGHTS; an indicator absent from the dict or
    with weight 0 is not used. female_share is used only when gender_lens is True (at its default
    weight if the dict does not give one).
    min_indicators: a country needs at least min(min_indicators, number of indicators used)
    indicators to be scored.

    Ranks are relative to the countries in `indicators`: pass all countries and filter the result
    (by region, income group...) afterwards, so a filter does not change a country's score.

    Returns the input columns plus: score (0-1, weighted mean of the percentile ranks available,
    weights renormalised; NaN when missing), rank (1 = highest need, method 'min', <NA> when
    missing), n_available, n_used, missing (bool), and norm_<indicator> (the 0-1 rank) for each
    indicator used. Sorted by score (desc) then iso3, missing countries last (by iso3).
    """
    w = _used_weights(weights, gender_lens)
    df = with_remittance_cost_gap(indicators)
    absent = [k for k in w if k not in df.columns]
    if absent:
        raise ValueError(f"indicators frame lacks column(s) {absent}")
    if df["iso3"].isna().any():
        raise ValueError("indicators has rows without iso3")
    dup = df["iso3"][df["iso3"].duplicated()]
    if len(dup):
        raise ValueError(f"indicators has several rows for {sorted(set(dup))}")

    out = df.reset_index(drop=True).copy()
    norm = pd.DataFrame({k: percentile_rank(out[k]) for k in w}, index=out.index)
    wvec = pd.Series(w)
    avail = norm.notna()
    weight_sum = avail.mul(wvec, axis=1).sum(axis=1)
    weighted = norm.fillna(0.0).mul(wvec, axis=1).sum(axis=1)
    n_available = avail.sum(axis=1).astype(int)
    need_n = min(int(min_indicators), len(w))
    missing = n_available < need_n
    score = (weighted / weight_sum.where(weight_sum > 0)).round(12)  # round: equal inputs -> equal scores
    score = score.where(~missing)

    out["score"] = score.astype(float)
    out["rank"] = out["score"].rank(method="min", ascending=False).astype("Int64")
    out["n_available"] = n_available
    out["n_used"] = len(w)
    out["missing"] = missing.astype(bool)
    for k in w:
        out[f"norm_{k}"] = norm[k]
    first = ["iso3", "score", "rank", "n_available", "n_used", "missing"]
    out = out[first + [c for c in out.columns if c not in first]]
    return out.sort_values(["missing", "score", "iso3"], ascending=[True, False, True],
                           na_position="last", ignore_index=True)


def need_threshold(scores: pd.DataFrame, need_quantile: float = 0.75) -> float:
    """The score at or above which a country counts as high need: the need_quantile of the scored
    countries (linear interpolation). NaN when no country is scored."""
    if not 0.0 <= need_quantile <= 1.0:
        raise ValueError("need_quantile must be between 0 and 1")
    s = scores["score"].dropna()
    return float(s.quantile(need_quantile)) if len(s) else float("nan")


def gaps(scores: pd.DataFrame, country_funding: pd.DataFrame, need_quantile: float = 0.75,
         coverage_threshold: float = 0.0, coverage_column: str = "approved") -> pd.DataFrame:
    """Need against coverage, per country (the union of the two frames).

    scores: need_scores output. country_funding: ipmd.coverage.matrix.country_funding output (iso3,
    n_projects, approved, disbursed, ...); a country absent from it has no project: 0.
    high_need: score >= need_threshold(scores, need_quantile). covered: <coverage_column> >
    coverage_threshold (default: any approved US$). quadrant: one of QUADRANTS, or
    QUADRANT_MISSING when the need score is missing (never counted as low need).
    gap_rank: 1, 2, ... for the 'high need, low coverage' countries by score (desc) then iso3
    (<NA> for the others).

    Columns: the scores columns, then n_projects, approved, disbursed, spent (those present), high_need,
    covered, quadrant, gap_rank. Rows: the gap countries in gap_rank order first, then the others by
    score (desc) and iso3, unscored countries last.
    """
    cf = country_funding.drop(columns=[c for c in ("score", "rank", "missing") if c in country_funding.columns])
    if coverage_column not in cf.columns:
        raise ValueError(f"country_funding has no column {coverage_column!r}")
    fund_cols = [c for c in cf.columns if c != "iso3" and c not in scores.columns]
    out = scores.merge(cf[["iso3", *fund_cols]], on="iso3", how="outer")
    for c in fund_cols:
        if pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].fillna(0)
    if "n_projects" in out.columns:
        out["n_projects"] = out["n_projects"].astype(int)
    out["missing"] = out["missing"].astype(object).where(out["missing"].notna(), True).astype(bool)
    if "n_available" in out.columns:
        out["n_available"] = out["n_available"].fillna(0).astype(int)

    cutoff = need_threshold(scores, need_quantile)
    scored = out["score"].notna()
    out["high_need"] = scored & (out["score"] >= cutoff)
    out["covered"] = out[coverage_column].astype(float) > coverage_threshold
    out["quadrant"] = np.select(
        [~scored, out["high_need"] & ~out["covered"], out["high_need"] & out["covered"], out["covered"]],
        [QUADRANT_MISSING, QUADRANT_GAP, QUADRANT_HIGH_COVERED, QUADRANT_LOW_COVERED],
        default=QUADRANT_LOW_UNCOVERED)

    out = out.sort_values(["score", "iso3"], ascending=[False, True], na_position="last", ignore_index=True)
    out["_gap_first"] = ~(out["quadrant"] == QUADRANT_GAP)
    out = out.sort_values(["_gap_first", "missing"], kind="stable", ignore_index=True).drop(columns="_gap_first")
    is_gap = out["quadrant"] == QUADRANT_GAP
    gap_rank = pd.Series(pd.NA, index=out.index, dtype="Int64")
    gap_rank[is_gap] = np.arange(1, int(is_gap.sum()) + 1)
    out["gap_rank"] = gap_rank
    return out


def high_need_uncovered(gaps_frame: pd.DataFrame) -> list[str]:
    """iso3 of the 'high need, low coverage' countries of a gaps() frame, in gap_rank order."""
    g = gaps_frame.loc[gaps_frame["quadrant"] == QUADRANT_GAP]
    if "gap_rank" in g.columns:
        g = g.sort_values("gap_rank")
    return list(g["iso3"])

