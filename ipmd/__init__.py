"""IPMD policy-coherence dashboard: the UI-free core (data build, queries, computations).

Nothing in this package imports Streamlit.
"""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "data" / "ipmd.duckdb"
DEFAULT_SOURCES = REPO_ROOT.parent / "shared" / "sources"
