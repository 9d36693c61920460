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

import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.polygon import orient

NE_ALIASES = {"KOS": "XKX"}        # Natural Earth code -> WDI code
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


def match_features(features: list[dict], known: set[str]) -> dict[str, NeCountry]:
    """Group Natural Earth features by the country code they belong to (features of no country dropped)."""
    groups: dict[str, list[tuple[dict, object, float]]] = {}
    for feat in features:
        props = feat["properties"]
        key = ne_key(props, known)
        if key is None:
            continue
        geom = shapely.make_valid(shape(feat["geometry"]))
        groups.setdefault(key, []).append((props, geom, geodesic_km2(geom)))
    out = {}
    for iso3, parts in sorted(groups.items()):
        parts.sort(key=lambda p: (-p[2], p[0]["ADM0_A3"]))
        main = parts[0][0]
        geom = parts[0][1] if len(parts) == 1 else shapely.union_all([p[1] for p in parts])
        region = main["REGION_UN"] if main["REGION_UN"] not in (None, "", "-99") else None
        sub = main["SUBREGION"] if main["SUBREGION"] not in (None, "", "-99") else None
        own = main["ISO_A3_EH"] == iso3 or NE_ALIASES.get(main["ADM0_A3"]) == iso3
        a2 = main["ISO_A2_EH"] if own and main["ISO_A2_EH"] not in (None, "", "-99") else None
        out[iso3] = NeCountry(iso3, geom, float(main["LABEL_X"]), float(main["LABEL_Y"]),
                              sum(p[2] for p in parts), region, sub, a2,
                              tuple(sorted(p[0]["ADM0_A3"] for p in parts)))
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
