"""目标分解 edited by the city's planning office: the form (errors in Chinese), the file import (page and
command), the audit trail, the parts against the whole on the region page; nobody else changes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from eduplan.cli import main
from tests.conftest import ALICE, BOB, CAROL, Persona, make_user
from tests.region.conftest import CITY, JIA, YI, two_counties

pytestmark = pytest.mark.db
PLANNER = Persona("grace", "grace-plans-2026", "city_planner", CITY, "示例市教育局规划科")
NEW = f"/region/{CITY}/targets/new/"
FORM = {"text": "新增公办学位10个", "measure": "新增公办学位", "measure_unit": "个", "kind": "count", "total": "10",
        "indicator_code": "", "target_year": "2025", "source": "示例市行动方案",
        f"target_{JIA}": "6", f"done_{JIA}": "4", f"target_{YI}": "3", f"done_{YI}": "3"}  # fmt: skip
HEADER = "市区划代码,目标原文,事项,计量单位,分解方式,全市目标值,指标代码,目标年,县区划代码,分解目标,已完成,本县承诺,来源文件"
CSV = f"""{HEADER}
{CITY},乙县至少新创建5个基础教育集团,新创建基础教育集团,个,数量,5,,2025,{YI},5,2,是,示例市行动方案
{CITY},各县教师交流轮岗比例不低于5%,教师交流轮岗比例,%,比率,5,teacher_exchange_rate,2027,{JIA},5,,,示例市行动方案
{CITY},各县教师交流轮岗比例不低于5%,教师交流轮岗比例,%,比率,5,teacher_exchange_rate,2027,{YI},5,,,示例市行动方案
"""


@pytest.fixture
def city_db(db: None) -> None:
    from eduplan.store import save_facts

    save_facts(two_counties())


def _client(persona: Persona) -> Client:
    client = Client()
    client.force_login(make_user(persona))
    return client


def test_the_city_planner_saves_a_count_split_and_the_region_page_flags_the_gap(city_db: None) -> None:
    from eduplan.web.accounts.models import AuditEvent
    from eduplan.web.region.models import Assignment

    client = _client(PLANNER)
    assert client.get(NEW).status_code == 200
    before = client.get(f"/region/{CITY}/", {"year": "2024"}).content.decode()  # now cached for this version
    assert "新增公办学位10个" not in before
    response = client.post(NEW, FORM)
    assert response.status_code == 302
    a = Assignment.objects.get(unit=CITY)
    assert {p.county: (p.target, p.done) for p in a.parts.all()} == {JIA: (6, 4), YI: (3, 3)}
    assert AuditEvent.objects.filter(event="edit", unit=CITY, username="grace").exists()
    html = client.get(f"/region/{CITY}/", {"year": "2024"}).content.decode()  # a new key: the edit shows
    part = html[html.index(f'data-assignment="{a.pk}"') :]
    # parts 6 + 3 = 9 against 10; done 4 + 3 = 7 < 10 in 2024, before 2025: 尚未达到
    assert "分解不闭合：各县分解之和 9 少于全市目标 10（相差 1）" in part
    assert "各县合计完成 7个，目标 10个" in part and '<span class="verdict fail">尚未达到</span>' in part


def test_form_errors_are_chinese_and_nothing_is_saved(city_db: None) -> None:
    from eduplan.web.region.models import Assignment

    client = _client(PLANNER)
    bad = {**FORM, "text": "", f"target_{JIA}": "-1", "target_year": "二〇二五"}
    html = client.post(NEW, bad).content.decode()
    assert "请填写目标原文" in html and "不能小于 0" in html and "目标年应为年份" in html
    rate = {**FORM, "kind": "rate", "indicator_code": "no_such_code"}
    html = client.post(NEW, rate).content.decode()
    assert "请从指标目录中选择指标" in html and "比率目标的进度取自该县的指标值" in html
    assert "比率目标须选择指标" in client.post(NEW, {**rate, "indicator_code": ""}).content.decode()
    none = {k: v for k, v in FORM.items() if not k.startswith(("target_", "done_"))}
    assert "至少为一个县填写分解目标" in client.post(NEW, none).content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("persona", [CAROL, ALICE, BOB], ids=lambda p: p.username)
def test_readers_and_counties_cannot_change_the_citys_targets(city_db: None, persona: Persona) -> None:
    from eduplan.web.region.models import Assignment

    client = _client(persona)
    assert client.get(NEW).status_code in (403, 404)
    assert client.post(NEW, FORM).status_code in (403, 404)
    listing = client.get(f"/region/{CITY}/targets/")
    # the city supervisor reads the list without edit links; the county planners do not read it at all
    if persona is CAROL:
        assert listing.status_code == 200 and "新增目标分解" not in listing.content.decode()
    else:
        assert listing.status_code == 404
    assert not Assignment.objects.exists()


def _csv(where: Path, text: str) -> Path:
    path = where / "目标分解.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_from_csv_by_command_again_changes_nothing(city_db: None, tmp_path: Path, capsys) -> None:
    from eduplan.web.region.models import Assignment

    path = _csv(tmp_path, CSV)
    assert main(["region", "assignments", str(path)]) == 0
    assert "已导入目标分解 2 项、分解到县 3 条（新增 2，更新 0，未变 0）" in capsys.readouterr().out
    assert main(["import", str(path)]) == 0  # `eduplan import` recognises the file
    assert "（新增 0，更新 0，未变 2）" in capsys.readouterr().out
    rate = Assignment.objects.get(kind="rate")
    assert (rate.indicator_code, rate.higher, rate.parts.count()) == ("teacher_exchange_rate", True, 2)
    own = Assignment.objects.get(kind="count").parts.get()
    assert (own.county, own.target, own.done, own.own) == (YI, 5, 2, True)


def test_a_bad_file_names_row_and_column_and_keeps_nothing(city_db: None, tmp_path: Path, capsys) -> None:
    from eduplan.web.region.models import Assignment

    bad = CSV.replace(f"{CITY},乙县至少", f"{CITY},乙县至少").replace(
        ",2025,990102,5,2,是", ",2025,990199,5,两个,也许"
    )
    assert main(["region", "assignments", str(_csv(tmp_path, bad))]) != 0
    err = capsys.readouterr().err
    assert (
        "目标分解.csv 工作表“目标分解”第 2 行“县区划代码”列：应为9901 下属的县区划代码，实际为 '990199'"
        in err
    )
    assert "第 2 行“已完成”列：应为数值，实际为 '两个'" in err and "第 2 行“本县承诺”列" in err
    assert not Assignment.objects.exists()


def test_upload_on_the_page_is_scoped_to_the_city(city_db: None, tmp_path: Path) -> None:
    from eduplan.web.region.models import Assignment

    client = _client(PLANNER)
    with _csv(tmp_path, CSV).open("rb") as f:
        html = client.post(f"/region/{CITY}/targets/", {"file": f}).content.decode()
    assert "已导入目标分解 2 项（新增 2，更新 0，未变 0）" in html
    other = CSV.replace(f"\n{CITY},乙县", "\n99,乙县")
    with _csv(tmp_path, other).open("rb") as f:
        response = client.post(f"/region/{CITY}/targets/", {"file": f})
    assert response.status_code == 400 and "只能导入本市（省）9901 的目标分解" in response.content.decode()
    assert Assignment.objects.count() == 2
