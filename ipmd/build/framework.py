"""The partnership's framework: goals, areas of work, GFMD items followed up, and partner agencies.

Goals and areas paraphrase the 2007 Global Migration Group proposal for an International Partnership
on Migration and Development (no copy of the proposal is bundled; see `framework_sources`). The GFMD
items come from gfmd_2007_2008_roundtables_outcomes.csv, one row per line.

GFMD item ids: 'GFMD<year>-<code><n>'.
- roundtables use their roundtable number from the file: GFMD2007-RT1, GFMD2008-RT3;
- every other item type has a code (outcome OUT, recommendation REC, cross_cutting CC, format FMT,
  participation PART; any other type its upper-cased name) and n counts the items of that type
  within the year, 1, 2, ... in the order of the file: GFMD2008-OUT1 is the first 2008 outcome.
The ids are stable as long as the file keeps its rows in order (new rows belong at the end of a
year's rows of their type).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

GFMD_FILE = "gfmd_2007_2008_roundtables_outcomes.csv"
GFMD_COLUMNS = ["meeting", "year", "item_type", "roundtable_no", "title", "summary_own_words", "source_url"]
TYPE_CODES = {"outcome": "OUT", "recommendation": "REC", "cross_cutting": "CC", "format": "FMT",
              "participation": "PART"}

GOALS = [
    ("G1", "GFMD follow-up",
     "Follow up the recommendations and action outcomes of the Global Forum on Migration and "
     "Development between its annual meetings, so that what governments agree at the Forum is "
     "carried into practice."),
    ("G2", "Policy coherence",
     "Promote policy coherence by mainstreaming migration into countries' development agendas and "
     "planning instruments, such as Poverty Reduction Strategies."),
    ("G3", "Capacity building",
     "Build the capacity of developing countries on migration data, research and policy analysis, and "
     "on managing labour migration: circular migration, mobility partnerships, the rights of migrants "
     "and female migration."),
]

AREAS = [
    ("A", "Information, research and analysis",
     "Strengthen information sources, research and analysis: migration data disaggregated by sex, "
     "age, education and occupation; remittance data; and knowledge of the regulatory frameworks "
     "that govern migration."),
    ("B", "Impact evaluation and programme management",
     "Strengthen the capacity to evaluate the impacts of migration and to design and manage "
     "migration and development programmes: technical assistance, pilot projects, and labour "
     "mobility agreements."),
]

# The Global Migration Group as the brief lists it for 2007-2008. The schema's kinds have no value
# for an intergovernmental organisation outside the UN: IOM (which joined the UN system in 2016)
# and UNDESA (a Secretariat department) are filed under 'UN agency'.
PARTNERS = [
    ("ILO", "International Labour Organization", "UN agency"),
    ("IOM", "International Organization for Migration", "UN agency"),
    ("OHCHR", "Office of the United Nations High Commissioner for Human Rights", "UN agency"),
    ("UNCTAD", "United Nations Conference on Trade and Development", "UN agency"),
    ("UNDESA", "United Nations Department of Economic and Social Affairs", "UN agency"),
    ("UNDP", "United Nations Development Programme", "UN agency"),
    ("UNESCO", "United Nations Educational, Scientific and Cultural Organization", "UN agency"),
    ("UNFPA", "United Nations Population Fund", "UN agency"),
    ("UNHCR", "Office of the United Nations High Commissioner for Refugees", "UN agency"),
    ("UNICEF", "United Nations Children's Fund", "UN agency"),
    ("UNITAR", "United Nations Institute for Training and Research", "UN agency"),
    ("UNODC", "United Nations Office on Drugs and Crime", "UN agency"),
    ("ECA", "United Nations Economic Commission for Africa", "regional commission"),
    ("ECE", "United Nations Economic Commission for Europe", "regional commission"),
    ("ECLAC", "United Nations Economic Commission for Latin America and the Caribbean",
     "regional commission"),
    ("ESCAP", "United Nations Economic and Social Commission for Asia and the Pacific",
     "regional commission"),
    ("ESCWA", "United Nations Economic and Social Commission for Western Asia", "regional commission"),
    ("WB", "World Bank", "World Bank"),
]
PARTNER_IDS = [p[0] for p in PARTNERS]
PARTNER_KINDS = ("UN agency", "regional commission", "World Bank", "NGO", "private")

PROPOSAL_SOURCE = {
    "source_id": "gmg_ipmd_proposal_2007",
    "title": "International Partnership on Migration and Development: proposal for a multi-donor "
             "trust fund (goals, areas of work, governance)",
    "publisher": "Global Migration Group",
    "edition": "2007 proposal",
    "licence": "Paraphrased in our own words; no text reproduced",
    "url": None,
    "file_name": None,
    "sha256": None,
    "is_illustrative": False,
    "notes": "The goals (G1-G3), areas of work (A, B), the partner list (GMG members 2007-2008) and the "
             "15% ceiling on World Bank internal resources paraphrase the 2007 proposal. No copy of the "
             "proposal is bundled; the wording is ours, not a quotation.",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_gfmd(sources_dir: Path) -> pd.DataFrame:
    path = Path(sources_dir) / GFMD_FILE
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in GFMD_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{GFMD_FILE}: missing column(s) {', '.join(missing)}")
    if df.empty:
        raise ValueError(f"{GFMD_FILE}: no rows")
    return df


def gfmd_item_ids(df: pd.DataFrame) -> list[str]:
    """Stable ids for the GFMD file's rows, in file order (the rule is in the module docstring)."""
    ids, counts = [], {}
    for year, item_type, rt_no in zip(df["year"], df["item_type"], df["roundtable_no"]):
        year = str(int(float(year)))
        item_type = str(item_type).strip()
        rt_no = str(rt_no).strip()
        if item_type == "roundtable" and rt_no:
            code = rt_no.upper()
        else:
            prefix = TYPE_CODES.get(item_type, item_type.upper().replace(" ", "_"))
            counts[(year, prefix)] = counts.get((year, prefix), 0) + 1
            code = f"{prefix}{counts[(year, prefix)]}"
        ids.append(f"GFMD{year}-{code}")
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"{GFMD_FILE}: duplicate item ids {dupes} (two roundtables with one number?)")
    return ids


def framework_tables(sources_dir: Path) -> dict[str, pd.DataFrame]:
    """goals, areas_of_work, gfmd_items and partners, with the columns of schema.sql."""
    goals = pd.DataFrame(GOALS, columns=["goal_id", "short_name", "wording"])
    areas = pd.DataFrame(AREAS, columns=["area_id", "short_name", "wording"])

    raw = read_gfmd(sources_dir)
    none_if_blank = lambda s: s.str.strip().replace("", None)  # noqa: E731
    gfmd = pd.DataFrame({
        "gfmd_item_id": gfmd_item_ids(raw),
        "meeting": raw["meeting"].str.strip(),
        "year": raw["year"].astype(float).astype(int),
        "item_type": raw["item_type"].str.strip(),
        "roundtable_no": none_if_blank(raw["roundtable_no"]),
        "title": raw["title"].str.strip(),
        "summary": none_if_blank(raw["summary_own_words"]),
        "source_url": none_if_blank(raw["source_url"]),
    })

    partners = pd.DataFrame(PARTNERS, columns=["partner_id", "name", "kind"])
    partners["is_gmg_member"] = True
    return {"goals": goals, "areas_of_work": areas, "gfmd_items": gfmd, "partners": partners}


def framework_sources(sources_dir: Path) -> list[dict]:
    """Source rows for what the framework rests on: the GFMD file read, and the 2007 proposal."""
    path = Path(sources_dir) / GFMD_FILE
    gfmd = {
        "source_id": "gfmd_2007_2008",
        "title": "Global Forum on Migration and Development, Brussels 2007 and Manila 2008: "
                 "roundtables, outcomes and recommendations",
        "publisher": "Global Forum on Migration and Development (via gfmd.org, IISD SDG Knowledge Hub "
                     "and other public pages)",
        "edition": "GFMD 2007 and 2008 meetings",
        "licence": "Summaries in our own words of public web pages; a source URL on every row",
        "url": "https://www.gfmd.org",
        "file_name": GFMD_FILE,
        "sha256": _sha256(path),
        "is_illustrative": False,
        "notes": "Roundtable-level only: session titles (RT 1.1, 1.2 ...) were not available. "
                 "Item ids follow the rule in ipmd/build/framework.py.",
    }
    return [gfmd, dict(PROPOSAL_SOURCE)]
