"""What a map shows, as a file analysts open in QGIS or ArcGIS: a GeoPackage or GeoJSON in EPSG:4326.

Countries are the simplified Natural Earth polygons of the boundaries table (a point at the label point for a
country that has none); corridors are great-circle lines from origin to destination. Attributes are named
plainly: iso3, name (in the page's language), value, unit, year, source, licence, illustrative.

    python -m ipmd.gis INDICATOR YEAR OUT.gpkg|OUT.geojson [--lang fr]

geopandas is imported inside the functions: the pages import this module, and only a click builds a file.
"""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ipmd import queries
from ipmd.profiles import overview
from ipmd.db import connect, query
from ipmd.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

CRS = "EPSG:4326"
FORMATS = {"gpkg": ("GPKG", "application/geopackage+sqlite3"), "geojson": ("GeoJSON", "application/geo+json")}
COUNTRY_COLUMNS = ["iso3", "name", "value", "unit", "year", "source", "licence", "illustrative"]
CORRIDOR_COLUMNS = ["origin", "origin_name", "destination", "destination_name", "migrants", "year", "source",
                    "licence"]
BILATERAL_SOURCE = "undesa_ims_2024_bilateral"
_LINE_POINTS = 48          # points along each great-circle corridor


class GisError(ValueError):
    """A request that names nothing (unknown indicator, a year without values): said plainly, nothing written."""


def shapes(con):
    """A GeoDataFrame (iso3, geometry) of every country a map can place: its polygon, exterior rings
    counter-clockwise as GIS software expects (the database keeps them clockwise for plotly), or its label point
    when it has none."""
    import geopandas as gpd
    import shapely

    rows = query(con, "map_shapes")
    missing = rows["geometry"].isna().to_numpy()
    text = np.where(missing, None, rows["geometry"].to_numpy(dtype=object))
    polygons = shapely.orient_polygons(shapely.from_geojson(text), exterior_cw=False)
    points = shapely.points(rows["label_lon"].to_numpy(), rows["label_lat"].to_numpy())
    geometry = np.where(missing, points, polygons)
    frame = gpd.GeoDataFrame({"iso3": rows["iso3"]}, geometry=list(geometry), crs=CRS)
    return frame[~frame.geometry.isna() & ~frame.geometry.is_empty]


def source_facts(con) -> pd.DataFrame:
    """source_id -> source ('publisher, title (edition)', as the pages cite it), licence, illustrative."""
    frame = queries.sources(con)
    return pd.DataFrame({"source_id": frame["source_id"],
                         "source": frame["publisher"] + ", " + frame["title"] + " (" + frame["edition"] + ")",
                         "licence": frame["licence"], "illustrative": frame["is_illustrative"].astype(bool)})


def _with_sources(con, frame: pd.DataFrame) -> pd.DataFrame:
    """Adds source, licence and illustrative from each row's source_id (an id the table lacks is kept as is)."""
    out = frame.merge(source_facts(con), on="source_id", how="left")
    out["source"] = out["source"].fillna(out["source_id"])
    out["illustrative"] = out["illustrative"].fillna(False).astype(bool)
    return out


def country_layer(con, frame: pd.DataFrame, lang: str, *, unit: str | None = None, extra: tuple[str, ...] = ()):
    """One feature per country of `frame` (iso3, value, year, source_id, and unit unless given) that a map can
    place, with its name in `lang`; `extra` columns of `frame` follow the standard ones."""
    import geopandas as gpd

    columns = COUNTRY_COLUMNS + list(extra)
    data = frame.drop(columns=["name"], errors="ignore")
    if unit:
        data = data.assign(unit=unit)
    names = queries.named_countries(con, lang)[["iso3", "name"]]
    data = _with_sources(con, data.merge(names, on="iso3", how="left"))
    data = shapes(con).merge(data[columns], on="iso3").sort_values("iso3", ignore_index=True)
    return gpd.GeoDataFrame(data[columns], geometry=data.geometry, crs=CRS)


def ledger_layer(con, frame: pd.DataFrame, lang: str, *, value: str, measure: str, period: str,
                 illustrative: bool, extra: tuple[str, ...] = ()):
    """A fund map (coverage or money map): frame[value] per country, in US$, over `period` (e.g. '2009-2015'),
    `measure` saying which money it is ('approved', 'disbursed', ...), from the ledger's own source row."""
    from ipmd.fund.summary import ILLUSTRATIVE_SOURCE, REAL_LEDGER_SOURCE

    data = frame.assign(value=frame[value], measure=measure, year=period,
                        source_id=ILLUSTRATIVE_SOURCE if illustrative else REAL_LEDGER_SOURCE)
    layer = country_layer(con, data, lang, unit="US$", extra=("measure", *extra))
    layer["illustrative"] = bool(illustrative)
    return layer


def indicator_frame(con, indicator: str, year: int) -> pd.DataFrame:
    """What the overview map shows: each country's latest value at or before `year` (iso3, value, unit, year,
    source_id). Raises GisError for an indicator or a year that names nothing."""
    known = set(queries.indicators(con)["indicator_id"]) | {overview.LEDGER_INDICATOR}
    if indicator not in known:
        raise GisError(f"unknown indicator {indicator!r}; one of: {', '.join(sorted(known))}")
    values = overview.map_values(con, indicator, int(year))
    if values.empty:
        years = [] if indicator == overview.LEDGER_INDICATOR else queries.indicator_years(con, indicator)
        span = f"{years[0]}-{years[-1]}" if years else "none"
        raise GisError(f"no values of {indicator} in or before {year} (years with data: {span})")
    if "unit" not in values:
        values = values.assign(unit="US$")
    return values


def indicator_layer(con, indicator: str, year: int, lang: str = DEFAULT_LANGUAGE):
    """The overview's map of `indicator` in `year` as a GeoDataFrame (one feature per country with a value)."""
    layer = country_layer(con, indicator_frame(con, indicator, year), lang)
    layer.insert(2, "indicator", t(f"indicator.{indicator}", lang))
    return layer


def _great_circle(start: tuple[float, float], end: tuple[float, float]) -> list[list[tuple[float, float]]]:
    """The great circle from start to end as lon/lat parts, cut where it crosses the antimeridian."""
    from pyproj import Geod

    points = [start, *Geod(ellps="WGS84").npts(*start, *end, _LINE_POINTS), end]
    parts, part = [], [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if abs(x1 - x0) > 180:                      # crossing: end at +-180 and go on from the other side
            edge = 180.0 if x0 > 0 else -180.0
            x1_shifted = x1 + (360 if x0 > 0 else -360)
            y = y0 + (y1 - y0) * (edge - x0) / (x1_shifted - x0)
            part.append((edge, y))
            parts.append(part)
            part = [(-edge, y)]
        part.append((x1, y1))
    parts.append(part)
    return [p for p in parts if len(p) > 1]


def corridor_layer(con, iso3: str, partners: pd.DataFrame, kind: str, year: int, lang: str = DEFAULT_LANGUAGE):
    """The profile's corridors map: a line per partner (partners: partner_iso3, stock), from origin to destination.
    kind 'destinations': `iso3`'s emigrants abroad; 'origins': the immigrants `iso3` hosts."""
    import geopandas as gpd
    from shapely.geometry import MultiLineString

    if kind not in ("destinations", "origins"):
        raise GisError(f"unknown corridor kind {kind!r}")
    places = queries.named_countries(con, lang).set_index("iso3")
    rows = partners[partners["partner_iso3"].map(places["label_lon"]).notna()]
    if pd.isna(places.at[iso3, "label_lon"]):
        rows = rows.iloc[0:0]
    here = [iso3] * len(rows)
    origin, destination = (here, rows["partner_iso3"].tolist()) if kind == "destinations" else \
        (rows["partner_iso3"].tolist(), here)

    def point(code: str) -> tuple[float, float]:
        return float(places.at[code, "label_lon"]), float(places.at[code, "label_lat"])

    data = _with_sources(con, pd.DataFrame({
        "origin": origin, "origin_name": [places.at[c, "name"] for c in origin],
        "destination": destination, "destination_name": [places.at[c, "name"] for c in destination],
        "migrants": rows["stock"].astype(float).to_numpy(), "year": int(year), "source_id": BILATERAL_SOURCE}))
    lines = [MultiLineString(_great_circle(point(o), point(d))) for o, d in zip(origin, destination)]
    return gpd.GeoDataFrame(data[CORRIDOR_COLUMNS], geometry=lines, crs=CRS)


def to_bytes(layer, fmt: str, layer_name: str = "ipmd") -> bytes:
    """The layer as a GeoPackage ('gpkg') or GeoJSON ('geojson', RFC 7946) file, written through pyogrio."""
    driver = FORMATS[fmt][0]
    out = io.BytesIO()
    options = {"RFC7946": "YES", "WRITE_NAME": "NO"} if fmt == "geojson" else {}
    layer.to_file(out, driver=driver, layer=layer_name, engine="pyogrio", promote_to_multi=_all_polygonal(layer),
                  layer_options=options)
    return out.getvalue()


def _all_polygonal(layer) -> bool:
    """Polygons are written as MultiPolygons (one geometry type per layer) unless points or lines are mixed in."""
    return bool(len(layer)) and bool(layer.geom_type.isin(["Polygon", "MultiPolygon"]).all())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipmd.gis", description=(
        "Write the overview map of one indicator and year as a GeoPackage (.gpkg) or GeoJSON (.geojson): one "
        "feature per country with a value, EPSG:4326, see data/README.md."))
    parser.add_argument("indicator", help="an indicator_id of the indicators table, or project_funding_approved")
    parser.add_argument("year", type=int, help="each country's latest value at or before this year")
    parser.add_argument("out", type=Path, help="the file to write: .gpkg or .geojson")
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of country names")
    parser.add_argument("--db", type=Path, default=None, help="database file (default data/ipmd.duckdb or IPMD_DB)")
    args = parser.parse_args(argv)
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        print(f"error: {args.out.name}: the file name must end in .gpkg or .geojson", file=sys.stderr)
        return 1
    con = connect(args.db)
    try:
        layer = indicator_layer(con, args.indicator, args.year, args.lang)
    except GisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    try:
        args.out.write_bytes(to_bytes(layer, fmt, layer_name=args.indicator))
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: {len(layer)} countries, {args.indicator}, {args.year} ({args.lang})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
