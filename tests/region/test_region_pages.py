"""`/region/9901/` for a city supervisor: every county, the city's own value, targets broken down, Excel; no one
else reads it. Values worked out by hand in conftest.py (大班额: 甲县 6/18, 乙县 6/6, 示例市 12/24)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from eduplan.cli import main
from tests.conftest import ALICE, BOB, CAROL, ERIN, make_user
from tests.region.conftest import CITY, JIA, YI, two_counties

pytestmark = pytest.mark.db
URL = f"/region/{CITY}/"
ASK = {"year": "2024", "code": "large_class_share"}


@pytest.fixture
def region_db(db: None) -> None:
    from eduplan.region.boundaries import synthetic
    from eduplan.store import save_facts
    from eduplan.web.plans.plan_io import save_plan
    from eduplan.web.region.maps import save
    from eduplan.web.region.models import Commitment

    facts = two_counties()
    save_facts(facts)
    save(synthetic(facts), "测试边界")
    plan = {"plan": {"name": "示例市行动方案", "period": [2023, 2027], "status": "adopted"},
            "targets": [{"indicator": "大班额比例", "comparator": "le", "value": 50, "target_year": 2027,
                         "quote": "大班额比例不高于50%"}]}  # fmt: skip
    save_plan(plan, CITY, "示例市")
    Commitment.objects.create(unit=CITY, text="乙县创建优质均衡发展县", kind="balanced", counties=YI,
                              target_year=2027)  # fmt: skip


def _client(persona: object) -> Client:
    client = Client()
    client.force_login(make_user(persona))  # type: ignore[arg-type]
    return client


def test_the_city_supervisor_sees_every_county_and_the_city_value(region_db: None) -> None:
    html = _client(CAROL).get(URL, ASK).content.decode()
    assert "示例市 · 各县比较（2024-2025 学年）" in html
    assert "覆盖 2 县，均数据完整" in html
    assert '<a href="/region/">区域比较</a>' in html  # the site navigation offers it to a city reader
    assert '<strong id="region-value">50.00</strong>' in html  # 12 ÷ 24
    ranking = html[
        html.index('<table id="ranking"') : html.index("</table>", html.index('<table id="ranking"'))
    ]
    assert ranking.index("示例县") < ranking.index("乙县")  # 33.33% before 100%: lower is better
    assert "33.33" in ranking and "100.00" in ranking
    chart = json.loads(html.split('id="ranking-data" type="application/json">')[1].split("</script>")[0])
    assert chart["names"] == ["示例县", "乙县"] and chart["region"]["value"] == 50.0
    places = html[
        html.index('<table id="places">') : html.index("</table>", html.index('<table id="places">'))
    ]
    assert "2029 年缺口" in places and "示例县" in places and "乙县" in places
    shapes = json.loads(html.split('id="map-data" type="application/json">')[1].split("</script>")[0])
    assert [f["properties"]["code"] for f in shapes["features"]] == [JIA, YI]


def test_targets_broken_down_to_counties(region_db: None) -> None:
    html = _client(CAROL).get(URL, ASK).content.decode()
    targets = html[html.index('<div id="targets">') :]
    # 示例市 50% ≤ 50% 达标; 示例县 33.33% 达标; 乙县 100% 未达标.
    assert '示例市：50.00 · <span class="verdict pass">达标</span>' in targets
    assert "各县：达标 1 县，尚未达到 1 县，无法评估 0 县" in targets
    assert '<td class="verdict fail">尚未达到</td>' in targets  # 乙县 100%, due in 2027
    assert "乙县创建优质均衡发展县" in targets


def test_an_incomplete_county_is_labelled_and_its_verdict_is_无法评估(db: None) -> None:
    from eduplan.store import save_facts
    from eduplan.web.plans.plan_io import save_plan

    save_facts(two_counties(drop_yi_school_year=2024))
    plan = {"plan": {"name": "方案", "period": [2023, 2027], "status": "adopted"},
            "targets": [{"indicator": "大班额比例", "comparator": "le", "value": 50, "target_year": 2027}]}  # fmt: skip
    save_plan(plan, CITY, "示例市")
    html = _client(CAROL).get(URL, ASK).content.decode()
    assert "覆盖 2 县：1 县数据完整，乙县数据不完整（已报 0/1 所）" in html
    assert "各县：达标 1 县，尚未达到 0 县，无法评估 1 县" in html
    assert '示例市：50.00 · <span class="verdict incomplete">无法评估</span>' in html
    assert "2024-2025 学年有县数据不完整，不作学位预测" in html


def test_excel_export_of_the_comparison(region_db: None) -> None:
    from eduplan.web.accounts.models import AuditEvent

    response = _client(CAROL).get(URL, {**ASK, "format": "xlsx"})
    assert response["Content-Disposition"] == f'attachment; filename="region-{CITY}-2024.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["各县比较", "排名", "目标分解", "分解到县", "预计达标年份", "缺编与经费缺口"]
    rows = {r[0]: r for r in book["各县比较"].iter_rows(values_only=True)}
    assert rows["指标"][2:] == ("示例市", "示例县", "乙县")
    assert rows["义务教育大班额比例"][1:] == ("%", "50.00", "33.33", "100.00")
    ranked = list(book["排名"].iter_rows(min_row=3, max_row=4, values_only=True))
    assert [(r[0], r[1], r[4], r[5]) for r in ranked] == [(1, JIA, 6, 18), (2, YI, 6, 6)]
    parts = list(book["目标分解"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert parts == [  # 示例市 12/24 = 50% ≤ 50%; 乙县's 100% is not met yet, due in 2027
        ("大班额比例不高于50%", 2027, "达标", "示例县", "33.33", "达标", None),
        ("大班额比例不高于50%", 2027, "达标", "乙县", "100.00", "尚未达到", None),
    ]
    assert AuditEvent.objects.filter(event="export", unit=CITY, username="carol").exists()


@pytest.mark.parametrize("persona", [ALICE, BOB], ids=["alice", "bob"])
def test_a_county_user_gets_404_for_the_city(region_db: None, persona: object) -> None:
    assert _client(persona).get(URL).status_code == 404
    assert _client(persona).get(URL, {"format": "xlsx"}).status_code == 404
    page = _client(persona).get("/region/")
    assert page.status_code == 200 and "您的账号没有市或省的查看权限" in page.content.decode()
    assert '<a href="/region/">' not in page.content.decode()  # not in the navigation


def test_region_index_and_a_county_code(region_db: None) -> None:
    assert _client(CAROL).get("/region/").url == URL
    assert _client(ERIN).get("/region/").url == "/region/99/"
    assert _client(CAROL).get(f"/region/{JIA}/").status_code == 404  # a county: its page is /indicators/
    assert "乙县" in _client(ERIN).get("/region/99/", ASK).content.decode()
    assert Client().get(URL).status_code == 302  # to the login form


def test_boundaries_command(region_db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eduplan.web.region.models import Boundary

    square = [[114.0, 25.0], [114.1, 25.0], [114.1, 25.1], [114.0, 25.1], [114.0, 25.0]]
    good = tmp_path / "县界.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"区划代码": JIA, "名称": "甲县"},
         "geometry": {"type": "Polygon", "coordinates": [square]}}]}), encoding="utf-8")  # fmt: skip
    assert main(["region", "boundaries", str(good)]) == 0
    assert "已导入边界 1 个（新增 0，更新 1，未变 0）" in capsys.readouterr().out
    assert Boundary.objects.get(unit=JIA).geometry["coordinates"] == [square]
    assert main(["region", "boundaries", str(good)]) == 0
    assert "（新增 0，更新 0，未变 1）" in capsys.readouterr().out
    bad = tmp_path / "坏.geojson"
    bad.write_text(good.read_text(encoding="utf-8").replace(JIA, "990199"), encoding="utf-8")
    before = list(Boundary.objects.order_by("unit").values_list("unit", "geometry"))
    assert main(["region", "boundaries", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：边界文件 坏.geojson：第 1 个要素的区划代码：应为已导入的县或乡镇代码")
    assert list(Boundary.objects.order_by("unit").values_list("unit", "geometry")) == before
    bad.write_bytes('{"type": "区"}'.encode("gbk"))
    assert main(["region", "boundaries", str(bad)]) == 1
    assert "不是 UTF-8 编码" in capsys.readouterr().err


def test_eduplan_import_takes_a_geojson(
    region_db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from eduplan.web.region.models import Boundary

    square = [[114.0, 25.0], [114.2, 25.0], [114.2, 25.2], [114.0, 25.2], [114.0, 25.0]]
    path = tmp_path / "乡镇界.json"
    path.write_text(json.dumps({"type": "Feature", "properties": {"区划代码": "990101001"},
                                "geometry": {"type": "Polygon", "coordinates": [square]}}), encoding="utf-8")  # fmt: skip
    assert main(["import", str(path)]) == 0
    assert "行政区划边界（GeoJSON）：1 个文件" in capsys.readouterr().out
    assert Boundary.objects.get(unit="990101001").geometry["coordinates"] == [square]


def test_beyond_the_evaluation_limit_the_page_links_instead(
    region_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eduplan.web.region import pages

    monkeypatch.setattr(pages, "EVALUATED_MAX", 1)  # two counties: one too many
    html = _client(CAROL).get(URL, ASK).content.decode()
    assert "示例市有 2 个县，超过 1 个：本页不逐县评估" in html and 'id="evaluations"' not in html
    commitment = html[html.index('data-commitment="balanced"') :]
    assert "无法评估" in commitment[: commitment.index("</section>")]


def test_the_province_lists_its_cities_with_their_own_value_and_drills_down(region_db: None) -> None:
    html = _client(ERIN).get("/region/99/", ASK).content.decode()
    cities = html[html.index('<table id="cities"') : html.index("</table>", html.index('<table id="cities"'))]
    # 示例市 = 12/24 = 50% (ratio of sums); both counties evaluated in 2024, each verdict counted once per kind
    assert f'<a href="/region/{CITY}/?year=2024&amp;code=large_class_share">示例市</a>' in cities
    assert "50.00" in cities and "覆盖 2 县，均数据完整" in cities
    counts = "<td>达标 0 · 未达标 2 · 无法评估 0</td><td>达标 0 · 未达标 0 · 无法评估 2</td><td>达标 0 · 未达标 1 · 无法评估 1</td>"
    assert counts in cities  # the same verdicts as the city page's table of evaluations, counted
    city = _client(ERIN).get(f"/region/{CITY}/", ASK).content.decode()
    evaluations = city[city.index('<table id="evaluations">') :].split("</table>")[0]
    assert evaluations.count('class="verdict fail"') == 2 + 0 + 1
    assert _client(ERIN).get(f"/region/{CITY}/", ASK).status_code == 200  # the drill-down
    book = load_workbook(io.BytesIO(_client(ERIN).get("/region/99/", {**ASK, "format": "xlsx"}).content))
    rows = list(book["各市"].values)
    assert rows[1][:4] == (CITY, "示例市", 2, 50.0) and rows[1][5:] == ("0/2/0", "0/0/2", "0/1/1")
    assert (
        _client(CAROL).get("/region/99/", ASK).status_code == 404
    )  # a city reader does not read the province


def test_projected_year_of_passing_per_county(region_db: None) -> None:
    html = _client(CAROL).get(URL, ASK).content.decode()
    table = html[
        html.index('<table id="projections"') : html.index("</table>", html.index('<table id="projections"'))
    ]
    # The tiny counties have two complete years (2023, 2024): no failing part can be projected from them, so
    # 乙县's 优质均衡 (its one failing part: 班额, 1 school) is 无法预计, later than the city's commitment (2027).
    yi = table[table.index("<td>乙县</td>") :].split("</tr>")[0]
    assert "无法预计：1 项按趋势达不到或数据不足" in yi and "示例市承诺 2027 年，按趋势赶不上" in yi
    assert "无法评估：没有未达标项，12 项待录入或缺数据" in yi  # 基本均衡: nothing fails, 12 items missing
    part = html[html.index('data-county="990102" data-kind="balanced"') :].split("</details>")[0]
    assert (
        '<td>小学、初中所有班级学生数分别不超过45人、50人（未达标学校数）</td><td class="num">1</td>' in part
    )
    assert "完整且有值的学年只有 2 个，至少需 3 个才能看出趋势" in part
