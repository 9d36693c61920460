"""Natural Earth 1:50m admin-0 polygons: matched to our ISO3 codes, simplified, wound for plotly.

Matching: ISO_A3_EH first (it is -99 far less often than ISO_A3; it also folds Australia's Indian Ocean and
Ashmore territories into AUS), then ADM0_A3, then WB_A3 (Natural Earth gives Jersey and Guernsey the World
Bank code CHI, the Channel Islands). Kosovo is KOS in Natural Earth and XKX in WDI.

Winding: plotly draws GeoJSON with d3-geo, which takes the exterior ring of a polygon smaller than a
hemisphere to be clockwise in lon/lat (holes counter-clockwise); the opposite winding fills the rest of the
globe. Natural Earth shapefiles already use that order; we enforce it with shapely's orient(sign=-1).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from ipmd.build.sources import FILES, SourceError
from ipmd.build.sources import _path as source_path

SOURCE_ID = "ne_50m_admin0"
NE_ALIASES = {"KOS": "XKX"}        # Natural Earth code -> WDI code
NE_CODE_FIELDS = ("ADM0_A3", "ISO_A3_EH", "WB_A3")
SMALL_STATE_KM2 = 2_500            # below this (or with no polygon) a country is drawn with a marker
SIMPLIFY_DEG = 0.05                # Douglas-Peucker tolerance for countries of SMALL_FEATURE_KM2 or more
SIMPLIFY_SMALL_DEG = 0.005         # ... and for smaller ones, so islands keep their shape
SMALL_FEATURE_KM2 = 10_000
GRID_DEG = 0.001                   # coordinates rounded to 3 decimals (about 100 m)
_GEOD = Geod(ellps="WGS84")


@dataclass
class NeCountry:
    iso3: str
    geometry: object               # shapely geometry, unsimplified
    label_lon: float
    label_lat: float
    area_km2: float
    region_un: str | None
    subregion: str | None
    iso_a2: str | None
    ne_codes: tuple[str, ...]


def read_features(sources_dir: Path):
    """The Natural Earth file as a GeoDataFrame (geopandas, through pyogrio), with the checks every source gets:
    the file is there and readable, every feature has the properties the build uses and a geometry, and none
    is missing at the end."""
    import geopandas as gpd
    from pyogrio.errors import DataSourceError

    spec = FILES[SOURCE_ID]
    path = source_path(sources_dir, spec)
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (DataSourceError, ValueError, OSError) as exc:
        raise SourceError(f"{spec.file_name}: cannot be read as GeoJSON ({exc})") from exc
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{spec.file_name}: column (property) '{missing[0]}' is missing")
    # a property one feature lacks is read as empty: Natural Earth leaves none empty (it writes -99)
    for column in spec.columns:
        if frame[column].isna().any():
            i = int(frame[column].isna().to_numpy().argmax())
            raise SourceError(f"{spec.file_name}: feature {i} ({frame['ADM0_A3'].iloc[i]}): property '{column}' "
                              f"is missing or empty")
    empty = frame.geometry.isna() | frame.geometry.is_empty
    if empty.any():
        i = int(empty.to_numpy().argmax())
        raise SourceError(f"{spec.file_name}: feature {i} ({frame['ADM0_A3'].iloc[i]}) has no geometry")
    if len(frame) < spec.min_rows:
        raise SourceError(f"{spec.file_name}: {len(frame)} features, expected at least {spec.min_rows}; "
                          f"the file looks truncated")
    return frame


def ne_key(props: dict, known: set[str]) -> str | None:
    alias = NE_ALIASES.get(props["ADM0_A3"])
    if alias in known:
        return alias
    for field in ("ISO_A3_EH", "ADM0_A3", "WB_A3"):
        if props[field] in known:
            return props[field]
    return None


def geodesic_km2(geom) -> float:
    return abs(_GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def _given(value) -> str | None:
    return None if value is None or pd.isna(value) or value in ("", "-99") else value


def match_features(features, known: set[str]) -> dict[str, NeCountry]:
    """Group Natural Earth features (a GeoDataFrame) by the country code they belong to (features of no country
    dropped): a country's geometry is the union of its parts, its attributes those of its largest part."""
    frame = features.assign(iso3=[ne_key(p, known) for p in features[list(NE_CODE_FIELDS)].to_dict("records")])
    frame = frame[frame["iso3"].notna()]
    frame = frame.set_geometry(frame.make_valid())
    frame["area_km2"] = [geodesic_km2(g) for g in frame.geometry]
    frame = frame.sort_values(["iso3", "area_km2", "ADM0_A3"], ascending=[True, False, True])
    out = {}
    for iso3, parts in frame.groupby("iso3", sort=True):
        main = parts.iloc[0]
        geom = main.geometry if len(parts) == 1 else shapely.union_all(parts.geometry.to_numpy())
        own = main["ISO_A3_EH"] == iso3 or NE_ALIASES.get(main["ADM0_A3"]) == iso3
        out[iso3] = NeCountry(iso3, geom, float(main["LABEL_X"]), float(main["LABEL_Y"]), float(parts["area_km2"].sum()),
                              _given(main["REGION_UN"]), _given(main["SUBREGION"]),
                              _given(main["ISO_A2_EH"]) if own else None, tuple(sorted(parts["ADM0_A3"])))
    return out


def _polygons(geom) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if isinstance(geom, MultiPolygon):
        return [g for g in geom.geoms if not g.is_empty]
    if hasattr(geom, "geoms"):  # a collection from make_valid: keep its polygonal parts
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def simplify(geom, area_km2: float):
    """Simplified, snapped to a 0.001 degree grid, exterior rings clockwise. Never returns an empty shape."""
    tol = SIMPLIFY_DEG if area_km2 >= SMALL_FEATURE_KM2 else SIMPLIFY_SMALL_DEG
    out = shapely.set_precision(geom.simplify(tol, preserve_topology=True), GRID_DEG)
    if not _polygons(out):                       # too small for the tolerance: keep the full outline
        out = shapely.set_precision(geom, GRID_DEG)
    polys = [orient(p, sign=-1.0) for p in _polygons(out)]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def _ring(coords) -> list[list[float]]:
    return [[round(x, 3), round(y, 3)] for x, y in coords]


def to_geojson(geom) -> str:
    """Compact GeoJSON text with coordinates rounded to 3 decimals."""
    polys = [[_ring(p.exterior.coords)] + [_ring(r.coords) for r in p.interiors] for p in _polygons(geom)]
    obj = ({"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1
           else {"type": "MultiPolygon", "coordinates": polys})
    return json.dumps(obj, separators=(",", ":"))


def boundary_rows(ne: dict[str, NeCountry], countries: set[str]) -> list[dict]:
    rows = []
    for iso3 in sorted(countries & ne.keys()):
        c = ne[iso3]
        rows.append({"iso3": iso3, "geometry": to_geojson(simplify(c.geometry, c.area_km2)),
                     "label_lon": round(c.label_lon, 3), "label_lat": round(c.label_lat, 3),
                     "area_km2": round(c.area_km2, 1)})
    return rows


def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in lon/lat: negative for a clockwise ring (used by the checks)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2
