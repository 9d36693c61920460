"""The fund's rules, defined once: the World Bank ceiling and its tolerance, how a yes/no cell is read,
project statuses, goals and areas of work.

Used by ipmd/fund/flows.py (the funds screen), ipmd/whatif.py (the allocation review) and
ipmd/ledger/invariants.py and validate.py (the import checks), so the three can never disagree.
Pure Python and pandas: no database, no Streamlit.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

# The proposal: World Bank internal resources (donors flagged is_world_bank_internal) at most 15% of
# all deposits. Exactly 15% is allowed.
WORLD_BANK_CEILING = 0.15
# Amounts are compared to the cent: float noise or a rounding below one cent never breaks a rule.
AMOUNT_TOLERANCE_USD = 0.01
# Shares and weights of one project summing to 1.
SHARE_TOLERANCE = 1e-6

GOALS: tuple[str, ...] = ("G1", "G2", "G3")
AREAS: tuple[str, ...] = ("A", "B")

FUNDED_STATUSES: tuple[str, ...] = ("approved", "active", "closed")
PIPELINE_STATUSES: tuple[str, ...] = ("submitted", "under_review")      # undecided: confidential
DECIDED_STATUSES: tuple[str, ...] = FUNDED_STATUSES + ("rejected",)
PROJECT_STATUSES: tuple[str, ...] = PIPELINE_STATUSES + DECIDED_STATUSES

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "1.0"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "0.0"})


def parse_bool(value) -> bool | None:
    """A yes/no cell as True or False; None when it is neither (blank, or another word)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (float, np.floating)) and math.isnan(value):
            return None
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def as_bool(values: pd.Series) -> pd.Series:
    """A yes/no column as booleans: anything `parse_bool` does not read as True is False."""
    if values.dtype == bool:
        return values
    return values.map(lambda v: parse_bool(v) is True).astype(bool)


def world_bank_internal_ids(donors: pd.DataFrame) -> set:
    """The donor_ids whose money is the World Bank's own resources."""
    return set(donors.loc[as_bool(donors["is_world_bank_internal"]), "donor_id"])


def over_world_bank_ceiling(wb_deposits: float, total_deposits: float,
                            ceiling: float = WORLD_BANK_CEILING) -> bool:
    """Whether World Bank internal deposits break the ceiling: more than `ceiling` of all deposits,
    by more than a cent (amounts are compared, not the rounded ratio: 15 of 100 is allowed)."""
    return total_deposits > 0 and wb_deposits > ceiling * total_deposits + AMOUNT_TOLERANCE_USD
