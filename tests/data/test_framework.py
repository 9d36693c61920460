"""The framework tables: goals, areas, GFMD items (with their id rule) and partners."""
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ipmd import DEFAULT_SOURCES
from ipmd.build.framework import GFMD_FILE, framework_sources, framework_tables, gfmd_item_ids

needs_sources = pytest.mark.skipif(not (DEFAULT_SOURCES / GFMD_FILE).exists(), reason="no source folder")

SCHEMA_COLUMNS = {
    "goals": ["goal_id", "short_name", "wording"],
    "areas_of_work": ["area_id", "short_name", "wording"],
    "gfmd_items": ["gfmd_item_id", "meeting", "year", "item_type", "roundtable_no", "title", "summary",
                   "source_url"],
    "partners": ["partner_id", "name", "kind", "is_gmg_member"],
}


@needs_sources
def test_tables_have_the_schema_columns_and_unique_keys():
    t = framework_tables(DEFAULT_SOURCES)
    for name, cols in SCHEMA_COLUMNS.items():
        assert list(t[name].columns) == cols
        assert t[name][cols[0]].is_unique
    assert list(t["goals"]["goal_id"]) == ["G1", "G2", "G3"]
    assert list(t["areas_of_work"]["area_id"]) == ["A", "B"]
    assert "Poverty Reduction Strategies" in t["goals"].loc[1, "wording"]


@needs_sources
def test_one_gfmd_item_per_line_with_stable_ids():
    t = framework_tables(DEFAULT_SOURCES)["gfmd_items"]
    raw = pd.read_csv(DEFAULT_SOURCES / GFMD_FILE)
    assert len(t) == len(raw) == 20
    ids = set(t["gfmd_item_id"])
    assert {"GFMD2007-RT1", "GFMD2007-RT3", "GFMD2008-RT2", "GFMD2008-OUT1", "GFMD2008-REC1"} <= ids
    assert t.set_index("gfmd_item_id").loc["GFMD2007-OUT1", "title"] == "GFMD Operating Modalities"
    assert t.set_index("gfmd_item_id").loc["GFMD2008-OUT4", "title"] == "Support Unit"
    assert set(t["year"]) == {2007, 2008}


def test_id_rule_counts_types_within_a_year():
    df = pd.DataFrame({"year": ["2007", "2007", "2008", "2008", "2008"],
                       "item_type": ["roundtable", "outcome", "outcome", "outcome", "roundtable"],
                       "roundtable_no": ["RT2", "", "", "", "rt1"]})
    assert gfmd_item_ids(df) == ["GFMD2007-RT2", "GFMD2007-OUT1", "GFMD2008-OUT1", "GFMD2008-OUT2",
                                 "GFMD2008-RT1"]
    with pytest.raises(ValueError, match="duplicate"):
        gfmd_item_ids(df.assign(roundtable_no=["RT1", "", "", "", "RT1"], year="2008"))


@needs_sources
def test_partners_are_the_gmg_members():
    p = framework_tables(DEFAULT_SOURCES)["partners"].set_index("partner_id")
    for pid in ["ILO", "IOM", "OHCHR", "UNCTAD", "UNDESA", "UNDP", "UNESCO", "UNFPA", "UNHCR", "UNICEF",
                "UNITAR", "UNODC", "WB"]:
        assert pid in p.index
    assert (p.loc[["ECA", "ECE", "ECLAC", "ESCAP", "ESCWA"], "kind"] == "regional commission").all()
    assert p.loc["WB", "kind"] == "World Bank"
    assert p["is_gmg_member"].all()


@needs_sources
def test_sources_name_the_file_and_its_hash():
    gfmd, proposal = framework_sources(DEFAULT_SOURCES)
    digest = hashlib.sha256((DEFAULT_SOURCES / GFMD_FILE).read_bytes()).hexdigest()
    assert gfmd["file_name"] == GFMD_FILE and gfmd["sha256"] == digest and not gfmd["is_illustrative"]
    assert proposal["file_name"] is None and proposal["sha256"] is None
    assert "Global Migration Group" in proposal["publisher"]
    keys = ["source_id", "title", "publisher", "edition", "licence", "url", "file_name", "sha256",
            "is_illustrative", "notes"]
    assert list(gfmd) == keys and list(proposal) == keys


@needs_sources
def test_a_renamed_column_names_the_file_and_column(tmp_path: Path):
    raw = pd.read_csv(DEFAULT_SOURCES / GFMD_FILE).rename(columns={"item_type": "kind"})
    raw.to_csv(tmp_path / GFMD_FILE, index=False)
    with pytest.raises(ValueError, match=f"{GFMD_FILE}.*item_type"):
        framework_tables(tmp_path)


@needs_sources
def test_same_output_twice(tmp_path: Path):
    shutil.copy(DEFAULT_SOURCES / GFMD_FILE, tmp_path / GFMD_FILE)
    a, b = framework_tables(DEFAULT_SOURCES), framework_tables(tmp_path)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
