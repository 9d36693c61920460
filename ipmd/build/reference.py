"""Real reference tables: the UN Migration Multi-Partner Trust Fund (MIG00), as transcribed in the sources."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ipmd.build.sources import read_csv

MPTF_SOURCES = ("mptf_fund_facts", "mptf_contributors", "mptf_joint_programmes")


def _text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), None)


def mptf_tables(sources_dir: Path) -> dict[str, pd.DataFrame]:
    facts = read_csv(sources_dir, "mptf_fund_facts")
    contrib = read_csv(sources_dir, "mptf_contributors")
    jps = read_csv(sources_dir, "mptf_joint_programmes").rename(columns={"focus_own_words": "focus"})
    for df, numeric in ((facts, ["value_numeric"]), (contrib, ["amount_usd"]), (jps, ["budget_usd"])):
        for col in df.columns:
            df[col] = pd.to_numeric(df[col], errors="coerce") if col in numeric else _text(df[col])
    contrib["year"] = pd.to_numeric(contrib["year"], errors="coerce").astype("Int64")
    return {"mptf_fund_facts": facts, "mptf_contributors": contrib, "mptf_joint_programmes": jps}
