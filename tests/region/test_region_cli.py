"""`eduplan indicators --unit 9901`: the city's own row (a ratio of sums) and a row for each county."""

from __future__ import annotations

import json

import pytest

from eduplan.cli import main
from tests.region.conftest import CITY, JIA, YI, two_counties

pytestmark = pytest.mark.db


@pytest.fixture
def two_db(db: None) -> None:
    from eduplan.store import save_facts

    save_facts(two_counties(drop_yi_school_year=2023))


def test_city_json_fixed_point(two_db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["indicators", "--unit", CITY, "--year", "2024", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["unit"] for r in rows} == {CITY, JIA, YI}
    large = {r["unit"]: r for r in rows if r["code"] == "large_class_share"}
    city = large[CITY]
    # (6 + 6) / (18 + 6) classes of 56 or more: see conftest.py.
    assert (city["level"], city["numerator"], city["denominator"], city["value"]) == ("city", 12, 24, 50.0)
    assert (city["unit_name"], city["counties"], city["complete_counties"]) == ("示例市", 2, 2)
    assert (large[JIA]["rank"], large[YI]["rank"], large[YI]["unit_name"]) == (1, 2, "乙县")


def test_city_csv_and_table_label_an_incomplete_county(
    two_db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["indicators", "--unit", CITY, "--year", "2023", "--code", "大班额比例", "--format", "csv"]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("单位名称,数据完整,完整性,县数,数据完整县数,县排名") and len(lines) == 4
    assert "覆盖 2 县，1 县数据完整" in lines[1] and "数据不完整（已报 0/1 所）" in lines[3]
    assert main(["indicators", "--unit", "99", "--code", "大班额比例"]) == 0
    out = capsys.readouterr().out
    assert "示例省" in out and out.count("乙县") == 2  # 2023 and 2024
