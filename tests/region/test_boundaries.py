"""GeoJSON boundaries: a bad file is one Chinese error naming file, feature, property and value; the demo's
made-up boundaries tile the schools' extent."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from eduplan.errors import DataError
from eduplan.facts import Facts
from eduplan.region.boundaries import read_geojson, synthetic
from tests.region.conftest import JIA, YI

KNOWN = {JIA: "甲县", YI: "乙县"}
SQUARE = [[114.0, 25.0], [114.1, 25.0], [114.1, 25.1], [114.0, 25.1], [114.0, 25.0]]


def _file(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _feature(
    props: dict[str, Any], ring: list[list[float]] = SQUARE, kind: str = "Polygon"
) -> dict[str, Any]:
    coords: Any = [ring] if kind == "Polygon" else [[ring]]
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": coords}}


def test_a_good_file_with_区划代码_or_adcode() -> None:
    text = _file(
        _feature({"区划代码": JIA}), _feature({"adcode": int(YI), "name": "乙"}, kind="MultiPolygon")
    )
    found = read_geojson(text, "边界.geojson", KNOWN)
    assert [(f.code, f.name, f.geometry["type"]) for f in found] == [
        (JIA, "甲县", "Polygon"),
        (YI, "乙", "MultiPolygon"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "边界文件 b.geojson：第 1 行第 2 列：应为合法的 JSON（GeoJSON 文本）"),
        ('{"type": "Polygon"}', "边界文件 b.geojson：顶层：应为 FeatureCollection 或 Feature，实际为 'Polygon'"),
        (_file(_feature({"名字": "甲"})), "第 1 个要素的属性：应为含“区划代码”（或 code、adcode），实际为 \"['名字']\""),
        (_file(_feature({"区划代码": "990199"})), "第 1 个要素的区划代码：应为已导入的县或乡镇代码（请先导入行政区划），实际为 '990199'"),
        (_file(_feature({"code": JIA}, [[500000.0, 2700000.0]] * 4)), "第 1 个要素（990101）的 geometry：应为中国范围内的经纬度"),
        (_file(_feature({"code": JIA}, [*SQUARE[:-1], [114.0, 25.05]])), "应为首尾相同的闭合环"),
        (_file(_feature({"code": JIA}), _feature({"code": JIA})), "第 2 个要素的区划代码：应为在文件中只出现一次，实际为 '990101'"),
        (_file({"type": "Feature", "properties": {"code": JIA}, "geometry": {"type": "Point", "coordinates": [1, 2]}}),
         "geometry：应为 Polygon 或 MultiPolygon，实际为 'Point'"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(DataError) as caught:
        read_geojson(text, "b.geojson", KNOWN)
    assert message in caught.value.message
    assert caught.value.message.startswith("边界文件 b.geojson：")


def _area(ring: list[list[float]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))) / 2


def _inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    x, y = point
    crossings = 0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            crossings += 1
    return crossings % 2 == 1


def test_made_up_boundaries_tile_the_extent(two: Facts) -> None:
    """Schools span 114.0–114.6 E, 24.95–25.2 N; padded by 0.1°: a 0.8° × 0.45° frame of area 0.36. The county
    cells split it along the bisector of 甲县's school centroid (114.04, 24.9867) and 乙县's (114.6, 25.2)."""
    found = {f.code: f.geometry["coordinates"][0] for f in synthetic(two)}
    assert set(found) == {JIA, YI, "990101001", "990101002", "990102001"}
    assert _area(found[JIA]) + _area(found[YI]) == pytest.approx(0.8 * 0.45)
    assert _inside((114.04, 24.9867), found[JIA]) and not _inside((114.04, 24.9867), found[YI])
    assert _inside((114.6, 25.2), found[YI])
    towns = _area(found["990101001"]) + _area(found["990101002"])
    assert towns == pytest.approx(_area(found[JIA]), abs=1e-5)  # corners rounded to 5 decimals
    assert _area(found["990102001"]) == pytest.approx(_area(found[YI]), abs=1e-5)
