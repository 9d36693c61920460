"""Small statistics shared by the benchmark's modules (NaN, from a failed measurement, is left out)."""
from __future__ import annotations

import statistics


def median(xs) -> float:
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")


def maximum(xs) -> float:
    xs = [x for x in xs if x == x]
    return max(xs) if xs else float("nan")
