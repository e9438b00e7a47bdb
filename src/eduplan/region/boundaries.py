"""Boundaries of counties and townships for maps: read from a bureau's GeoJSON, or made up for the demo.

A GeoJSON file is checked whole before anything is kept: every feature names a known 区划代码 and carries a
Polygon or MultiPolygon of longitude/latitude pairs inside China's extent. A bad file is one Chinese error that
names the file, the feature, the property and the value. The demo's boundaries are Voronoi cells of the
counties' school centroids (clipped to the schools' extent), and of the townships' within each county cell.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from eduplan.errors import DataError
from eduplan.facts import SCHOOLS, Facts

CODE_KEYS = ("区划代码", "code", "adcode")  # 区划代码 first; adcode is what the common Chinese map files use
NAME_KEYS = ("名称", "name")
LONGITUDE = (SCHOOLS.by_name["longitude"].min, SCHOOLS.by_name["longitude"].max)
LATITUDE = (SCHOOLS.by_name["latitude"].min, SCHOOLS.by_name["latitude"].max)
MAX_FEATURES = 20_000
MAX_POINTS = 5_000_000
PAD = 0.1  # degrees around the schools' extent for the demo's outer boundary

Point = tuple[float, float]


@dataclass(frozen=True)
class Feature:
    code: str
    name: str
    geometry: dict[str, Any]  # a GeoJSON Polygon or MultiPolygon


def _fail(file: str, where: str, expected: str, value: object = None) -> DataError:
    shown = "" if value is None else f"，实际为 {str(value)[:60]!r}"
    return DataError(f"边界文件 {file}：{where}：应为{expected}{shown}", english=f"{file}: {where}")


def read_geojson(text: str, file: str, known: Mapping[str, str]) -> list[Feature]:
    """The features of a GeoJSON text whose codes are among `known` (code → name); DataError on any fault."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(file, f"第 {exc.lineno} 行第 {exc.colno} 列", "合法的 JSON（GeoJSON 文本）") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise _fail(file, "顶层", " FeatureCollection 或 Feature", kind)
    items = data.get("features")
    if not isinstance(items, list) or not items:
        raise _fail(file, "features", "非空的要素列表", items)
    if len(items) > MAX_FEATURES:
        raise _fail(file, "features", f"不超过 {MAX_FEATURES} 个要素", len(items))
    out, seen, points = [], set(), 0
    for i, item in enumerate(items, 1):
        feature = _feature(item, f"第 {i} 个要素", file, known)
        if feature.code in seen:
            raise _fail(file, f"第 {i} 个要素的区划代码", "在文件中只出现一次", feature.code)
        seen.add(feature.code)
        points += sum(len(ring) for polygon in _polygons(feature.geometry) for ring in polygon)
        if points > MAX_POINTS:
            raise _fail(file, f"第 {i} 个要素", f"全文件坐标点不超过 {MAX_POINTS:,} 个（请先简化边界）")
        out.append(feature)
    return out


def _feature(item: object, where: str, file: str, known: Mapping[str, str]) -> Feature:
    if not isinstance(item, dict) or item.get("type") != "Feature":
        raise _fail(
            file, where, " GeoJSON Feature 对象", item if not isinstance(item, dict) else item.get("type")
        )
    found = item.get("properties")
    props: dict[str, Any] = found if isinstance(found, dict) else {}
    raw = next((props[k] for k in CODE_KEYS if props.get(k) not in (None, "")), None)
    if raw is None:
        raise _fail(file, f"{where}的属性", "含“区划代码”（或 code、adcode）", sorted(props)[:6])
    code = str(raw).strip()
    if code not in known:
        raise _fail(file, f"{where}的区划代码", "已导入的县或乡镇代码（请先导入行政区划）", code)
    geometry = item.get("geometry")
    _check_geometry(geometry, f"{where}（{code}）的 geometry", file)
    name = next((str(props[k]) for k in NAME_KEYS if props.get(k)), known[code])
    assert isinstance(geometry, dict)
    return Feature(code, name, {"type": geometry["type"], "coordinates": geometry["coordinates"]})


def _polygons(geometry: dict[str, Any]) -> list[Any]:
    coords = geometry["coordinates"]
    return [coords] if geometry["type"] == "Polygon" else list(coords)


def _check_geometry(geometry: object, where: str, file: str) -> None:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else geometry
        raise _fail(file, where, " Polygon 或 MultiPolygon", kind)
    coords = geometry.get("coordinates")
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        raise _fail(file, where, "非空的坐标数组", coords)
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise _fail(file, where, "由环组成的多边形", polygon)
        for ring in polygon:
            _check_ring(ring, where, file)


def _check_ring(ring: object, where: str, file: str) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise _fail(file, where, "至少 4 个点的闭合环", ring)
    for point in ring:
        ok = (
            isinstance(point, list)
            and len(point) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in point[:2])
        )
        if not ok:
            raise _fail(file, where, "[经度, 纬度] 数对", point)
        lon, lat = point[0], point[1]
        if not (LONGITUDE[0] <= lon <= LONGITUDE[1] and LATITUDE[0] <= lat <= LATITUDE[1]):
            raise _fail(file, where, f"中国范围内的经纬度（经度 {LONGITUDE[0]}–{LONGITUDE[1]}，"
                        f"纬度 {LATITUDE[0]}–{LATITUDE[1]}；坐标须为 WGS84/GCJ-02 经纬度而非投影坐标）", point)  # fmt: skip
    if ring[0][:2] != ring[-1][:2]:
        raise _fail(file, where, "首尾相同的闭合环", [ring[0], ring[-1]])


# ─── the demo's made-up boundaries ─────────────────────────────────────────────────────────────────────────


def _clip(polygon: list[Point], site: Point, other: Point) -> list[Point]:
    """The part of convex `polygon` nearer to `site` than to `other` (Sutherland–Hodgman, one half-plane)."""
    mx, my = (site[0] + other[0]) / 2, (site[1] + other[1]) / 2
    dx, dy = other[0] - site[0], other[1] - site[1]

    def side(p: Point) -> float:
        return (p[0] - mx) * dx + (p[1] - my) * dy  # ≤ 0: on site's side

    out: list[Point] = []
    for a, b in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        sa, sb = side(a), side(b)
        if sa <= 0:
            out.append(a)
        if (sa < 0 < sb) or (sb < 0 < sa):
            t = sa / (sa - sb)
            out.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
    return out


def voronoi(sites: Mapping[str, Point], frame: list[Point]) -> dict[str, list[Point]]:
    """Each site's cell within the convex polygon `frame` (points nearer to it than to any other site)."""
    cells = {}
    for code, site in sites.items():
        cell = list(frame)
        for other_code, other in sites.items():
            if other_code != code and other != site and cell:
                cell = _clip(cell, site, other)
        cells[code] = cell
    return cells


def _polygon(cell: Iterable[Point]) -> dict[str, Any]:
    ring = [[round(x, 5), round(y, 5)] for x, y in cell]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def synthetic(facts: Facts) -> list[Feature]:
    """Made-up boundaries of the counties and townships that have schools with coordinates (the demo's)."""
    units = facts.org_units.select("code", "name", "level", "parent")
    schools = facts.schools.filter(pl.col("longitude").is_not_null() & pl.col("latitude").is_not_null())
    towns = units.filter(pl.col("level") == "township").select(
        pl.col("code").alias("township"), pl.col("parent").alias("county")
    )
    located = schools.join(towns, on="township", how="inner")
    if located.is_empty():
        return []
    lo = (float(located["longitude"].min()) - PAD, float(located["latitude"].min()) - PAD)  # type: ignore[arg-type]
    hi = (float(located["longitude"].max()) + PAD, float(located["latitude"].max()) + PAD)  # type: ignore[arg-type]
    frame = [lo, (hi[0], lo[1]), hi, (lo[0], hi[1])]
    names = dict(zip(units["code"], units["name"], strict=True))
    out = []
    county_cells = voronoi(_centroids(located, "county"), frame)
    for county, cell in county_cells.items():
        out.append(Feature(county, names.get(county, county), _polygon(cell)))
        inside = located.filter(pl.col("county") == county)
        for town, town_cell in voronoi(_centroids(inside, "township"), cell).items():
            if len(town_cell) >= 3:
                out.append(Feature(town, names.get(town, town), _polygon(town_cell)))
    return out


def _centroids(located: pl.DataFrame, key: str) -> dict[str, Point]:
    mean = located.group_by(key).agg(pl.col("longitude").mean(), pl.col("latitude").mean()).sort(key)
    return {str(k): (float(x), float(y)) for k, x, y in mean.iter_rows()}
