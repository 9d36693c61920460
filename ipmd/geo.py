"""Country shapes for maps.

The app draws countries from plotly's own 1:110m topojson (served from static/, so maps work offline)
by ISO3 code: a figure then carries no geometry and stays small and quick to send. Countries that
topojson lacks, and small states, are drawn as markers at their label point from the boundaries
table. The boundaries table also keeps simplified Natural Earth polygons: ipmd.gis hands them to analysts
(GeoPackage, GeoJSON).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ipmd import REPO_ROOT
from ipmd.db import query

PLOTLY_TOPOJSON = REPO_ROOT / "static" / "world_110m.json"


@lru_cache(maxsize=None)
def topojson_ids(path: Path = PLOTLY_TOPOJSON) -> frozenset[str]:
    """The ISO3 codes plotly can draw as shapes at 1:110m (the 1:50m file is 8 times larger and slower to draw)."""
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    return frozenset(g["id"] for g in topology["objects"]["countries"]["geometries"] if g.get("id"))


def feature_collection(con) -> dict:
    """A GeoJSON FeatureCollection of the stored polygons; feature id = ISO3 (for analysts and geopandas)."""
    rows = query(con, "SELECT iso3, geometry FROM boundaries WHERE geometry IS NOT NULL ORDER BY iso3")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": iso3, "properties": {}, "geometry": json.loads(geometry)}
            for iso3, geometry in rows.itertuples(index=False, name=None)
        ],
    }
