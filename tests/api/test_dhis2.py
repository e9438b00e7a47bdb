"""DHIS2 dataValueSets, both ways, on hand-made values."""

from __future__ import annotations

import polars as pl

from eduplan.interop import dhis2


def test_export_leaves_out_empty_values_and_writes_numbers_as_dhis2_text() -> None:
    values = pl.DataFrame({"code": ["a", "b", "c"], "unit": ["990101"] * 3, "year": [2024] * 3,
                           "value": [33.5, None, 6.0], "numerator": [67.0, None, None],
                           "denominator": [200.0, None, None]})  # fmt: skip
    assert dhis2.export(values) == {"dataValues": [
        {"dataElement": "a", "period": "2024Sep", "orgUnit": "990101", "value": "33.5", "comment": "分子 67，分母 200"},
        {"dataElement": "c", "period": "2024Sep", "orgUnit": "990101", "value": "6"},
    ]}  # fmt: skip


def test_parse_takes_good_values_and_names_every_conflict() -> None:
    body = {"dataValues": [
        {"dataElement": "x", "period": "2024Sep", "orgUnit": "990101", "value": "0.95"},
        {"dataElement": "y", "period": "2024", "orgUnit": "990102", "value": "NaN"},
        "not an object",
    ]}  # fmt: skip
    rows, conflicts = dhis2.parse(body, {"990101"}.__contains__, codes={"x"})
    assert rows.select("unit", "year", "indicator", "value").rows() == [("990101", 2024, "x", 0.95)]
    assert [(c.index, c.field, c.value) for c in conflicts] == [
        (1, "dataElement", "y"), (1, "orgUnit", "990102"), (1, "period", "2024"), (1, "value", "NaN"),
        (2, "dataValue", "not an object"),
    ]  # fmt: skip
    assert (
        conflicts[2].message()
        == "第 2 个数据值的 period：值为“2024”，要求：学年，DHIS2 九月财年格式，如 2024Sep"
    )
    assert dhis2.parse([], set().__contains__, set())[1][0].field == "dataValues"
    assert dhis2.year_of("2024Sep") == 2024 and dhis2.year_of("2024") is None
