"""The data build: its parsing rules, its failure modes, and that it reproduces the committed database.

Source files are read from ../shared/sources (or $IPMD_SOURCES); tests that need them are skipped when
the folder is absent (a fresh clone without the sources can still test the committed database).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ipmd import DEFAULT_DB, DEFAULT_SOURCES, REPO_ROOT
from ipmd.build import boundaries, countries, exchange_rates, undesa
from ipmd.build.pipeline import BuildCheckError, build
from ipmd.build.sources import FILES, SourceError

SOURCES = Path(os.environ.get("IPMD_SOURCES", DEFAULT_SOURCES))
needs_sources = pytest.mark.skipif(not SOURCES.is_dir(), reason=f"no source folder at {SOURCES}")
PREVIOUS = b"the previous database: must survive a failed build byte for byte\n" * 100


def quiet(_: str) -> None:
    pass


# ------------------------------------------------------------------------------------ small rules

def test_region_names_are_title_cased_like_the_un():
    assert undesa.title_region("LATIN AMERICA AND THE CARIBBEAN") == "Latin America and the Caribbean"
    assert undesa.title_region("NORTHERN AMERICA") == "Northern America"
    assert undesa.clean_name("Polynesia*") == "Polynesia"


def test_m49_codes_map_to_iso3_including_the_channel_islands():
    assert countries.m49_to_iso3(608) == "PHL"
    assert countries.m49_to_iso3(830) == "CHI"      # no ISO code; WDI's
    assert countries.m49_to_iso3(900) is None
    assert countries.un_agg_code(900) == "WLD" and countries.un_agg_code(1834) == "UN:1834"


def test_names_come_from_iso_or_cldr_or_fall_back_to_english():
    tr = countries._translators()
    assert countries.names_for("DEU", "Germany", None, tr) == {
        "name_en": "Germany", "name_fr": "Allemagne", "name_es": "Alemania"}
    kosovo = countries.names_for("XKX", "Kosovo", "XK", tr)
    assert kosovo["name_en"] == "Kosovo" and kosovo["name_fr"] == "Kosovo"
    assert countries.names_for("CHI", "Channel Islands", None, tr) == {
        "name_en": "Channel Islands", "name_fr": "Channel Islands", "name_es": "Channel Islands"}
    # iso-codes misspells the Spanish name ('Costa de Marfíl'): CLDR's, with the ISO names' apostrophe
    assert countries.names_for("CIV", "Côte d'Ivoire", "CI", tr) == {
        "name_en": "Côte d'Ivoire", "name_fr": "Côte d'Ivoire", "name_es": "Côte d'Ivoire"}


def test_polygons_are_wound_clockwise_for_plotly():
    from shapely.geometry import Polygon
    ccw = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], holes=[[(0.2, 0.2), (0.2, 0.4), (0.4, 0.4), (0.4, 0.2)]])
    assert boundaries.signed_area(list(ccw.exterior.coords)) > 0
    import json
    geom = json.loads(boundaries.to_geojson(boundaries.simplify(ccw, 50_000)))
    exterior, hole = geom["coordinates"]
    assert boundaries.signed_area(exterior) < 0 < boundaries.signed_area(hole)


def test_simplification_never_loses_a_tiny_country():
    from shapely.geometry import Polygon
    tiny = Polygon([(12.446, 41.900), (12.458, 41.900), (12.458, 41.907), (12.446, 41.907)])  # 0.001 deg grid
    out = boundaries.simplify(tiny, 0.5)
    assert not out.is_empty and out.area > 0


def test_currency_of_an_economy_in_a_year():
    assert exchange_rates.currency_at("GH", date(2010, 7, 1)) == "GHS"
    assert exchange_rates.currency_at("GH", date(2000, 7, 1)) == "GHC"   # dropped: WDI restates it in GHS
    assert exchange_rates.currency_at("LS", date(2010, 7, 1)) == "LSL"   # the issuer's own, not the ZAR
    assert exchange_rates.currency_at("SL", date(2023, 7, 1)) == "SLE"   # the newer of two own currencies


# ------------------------------------------------------------------------------------ failure modes

def _copy_sources(tmp_path: Path) -> Path:
    """A source folder of symlinks to the real files; a test replaces the one it breaks by a copy."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for f in SOURCES.iterdir():
        if f.is_file():
            (folder / f.name).symlink_to(f)
    return folder


def _replace(folder: Path, name: str, data: bytes) -> None:
    (folder / name).unlink()
    (folder / name).write_bytes(data)


def _previous_db(tmp_path: Path) -> Path:
    out = tmp_path / "out" / "ipmd.duckdb"
    out.parent.mkdir()
    out.write_bytes(PREVIOUS)
    return out


def _assert_untouched(out: Path) -> None:
    assert out.read_bytes() == PREVIOUS
    assert [p.name for p in out.parent.iterdir()] == [out.name], "temporary files left behind"


def _refused(tmp_path: Path, sources: Path, error: type[Exception] = SourceError) -> str:
    """Build from `sources` over a previous database: the build raises `error`, the previous database is left as it
    was and nothing else is left behind. Returns the error's message."""
    out = _previous_db(tmp_path)
    with pytest.raises(error) as err:
        build(sources, out, log=quiet)
    _assert_untouched(out)
    return str(err.value)


@needs_sources
def test_truncated_csv_fails_naming_the_file_and_leaves_the_previous_db(tmp_path):
    src = _copy_sources(tmp_path)
    name = FILES["unhcr_bilateral"].file_name
    data = (SOURCES / name).read_bytes()
    _replace(src, name, data[: len(data) // 3])
    msg = _refused(tmp_path, src)
    assert name in msg and "truncated" in msg


@needs_sources
def test_renamed_column_fails_naming_the_file_and_the_column(tmp_path):
    src = _copy_sources(tmp_path)
    name = FILES["wdi_population"].file_name
    text = (SOURCES / name).read_text(encoding="utf-8")
    _replace(src, name, text.replace("Country Code", "Country ISO", 1).encode())
    msg = _refused(tmp_path, src)
    assert name in msg and "'Country Code'" in msg


@needs_sources
def test_renamed_column_in_a_workbook_names_file_sheet_and_column(tmp_path):
    src = _copy_sources(tmp_path)
    name = FILES["undesa_ims_2024_origin"].file_name
    wb = openpyxl.load_workbook(SOURCES / name)
    ws = wb["Table 2"]
    cell = next(c for row in ws.iter_rows(min_row=10, max_row=12) for c in row if c.value == 2024)
    cell.value = "2024 (est.)"
    (src / name).unlink()
    wb.save(src / name)
    msg = _refused(tmp_path, src)
    assert name in msg and "Table 2" in msg and "'2024'" in msg


@needs_sources
@pytest.mark.parametrize("source_id", ["undesa_ims_2024_destination", "undesa_ims_2024_bilateral", "ne_50m_admin0"])
def test_truncated_binary_or_json_file_fails_naming_the_file(tmp_path, source_id):
    src = _copy_sources(tmp_path)
    name = FILES[source_id].file_name
    data = (SOURCES / name).read_bytes()
    _replace(src, name, data[: len(data) // 2])
    assert name in _refused(tmp_path, src)


@needs_sources
def test_missing_file_fails_naming_it(tmp_path):
    src = _copy_sources(tmp_path)
    name = FILES["knomad_outflows"].file_name
    (src / name).unlink()
    assert name in _refused(tmp_path, src)


@needs_sources
def test_command_line_reports_failure_with_exit_status_1(tmp_path):
    src = _copy_sources(tmp_path)
    name = FILES["unhcr_bilateral"].file_name
    text = (SOURCES / name).read_text(encoding="utf-8")
    _replace(src, name, text.replace("asylum_iso3", "asylum_country", 1).encode())
    out = _previous_db(tmp_path)
    env = {**os.environ, "IPMD_SOURCES": str(src)}
    res = subprocess.run([sys.executable, "-m", "ipmd.build", "--out", str(out)], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert name in res.stderr and "'asylum_iso3'" in res.stderr
    _assert_untouched(out)


# ------------------------------------------------------------------------------------ the full build

@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory):
    if not SOURCES.is_dir():
        pytest.skip("no sources")
    out = tmp_path_factory.mktemp("build") / "ipmd.duckdb"
    lines: list[str] = []
    counts = build(SOURCES, out, log=lines.append)
    return out, counts, lines


def test_build_prints_steps_and_row_counts(fresh_build):
    _, counts, lines = fresh_build
    assert any(" 1. reading" in line for line in lines)
    assert any(line.strip().startswith("observations") for line in lines)
    assert counts["observations"] > 100_000 and counts["bilateral_stock"] > 200_000


def test_failed_check_keeps_the_previous_db(tmp_path, monkeypatch):
    """A check fails after the temporary database is written: nothing replaced, nothing left behind."""
    import pandas as pd
    from ipmd.build import checks, pipeline
    from ipmd.build.sources import derived_rows
    tables = {"sources": pd.DataFrame(derived_rows())}   # enough to write a database
    monkeypatch.setattr(pipeline, "assemble", lambda *a: (tables, {"portfolio": {}, "data_edition": "x"}))
    monkeypatch.setattr(checks, "run_all", lambda con, ledger: {"world totals": ["world immigrant stock 2024 is 1"]})
    assert "world immigrant stock 2024" in _refused(tmp_path, SOURCES, BuildCheckError)


def test_build_reproduces_the_committed_database(fresh_build):
    """Same sources + same code = same content hash as data/ipmd.duckdb (rebuild and commit it if this fails)."""
    if not DEFAULT_DB.is_file():
        pytest.skip("data/ipmd.duckdb is not built yet")
    out, _, _ = fresh_build
    with duckdb.connect(str(out), read_only=True) as a, duckdb.connect(str(DEFAULT_DB), read_only=True) as b:
        sql = "SELECT value FROM meta WHERE key = 'content_hash'"
        assert a.execute(sql).fetchone() == b.execute(sql).fetchone()


def test_content_hash_is_over_the_rows_not_the_bytes(fresh_build, tmp_path):
    from ipmd.build.database import content_hash
    out, _, _ = fresh_build
    copy = tmp_path / "copy.duckdb"
    shutil.copy(out, copy)
    with duckdb.connect(str(copy)) as con:
        stored = con.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()[0]
        con.execute("UPDATE meta SET value = 'another time' WHERE key = 'built_at'")
        assert content_hash(con) == stored
        con.execute("UPDATE observations SET value = value + 1 WHERE iso3 = 'PHL' AND year = 2024")
        assert content_hash(con) != stored
