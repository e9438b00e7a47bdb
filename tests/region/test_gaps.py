"""Teachers short and 公用经费 gaps per county of 示例市 (990101 甲县 with a roster and allocations for 2024; 乙县
990102 with neither), summed by hand from the areas' own figures: the norms' posts and the finance floors."""

from __future__ import annotations

import io

import polars as pl
import pytest
from django.test import Client
from openpyxl import load_workbook

from eduplan.facts import Facts
from eduplan.finance.floors import school_floors
from eduplan.region.gaps import Money, Teachers, county_gaps
from eduplan.staffing.posts import subject_table
from tests.conftest import CAROL, _frame, make_user
from tests.region.conftest import CITY, JIA, YI, two_counties

YEAR = 2024
FIRST, TOWN, RURAL = "1399010001", "1399010002", "1399010003"  # 甲县: two primary schools, one junior


def _teacher(n: int, school: str, subject: str) -> dict[str, object]:
    return {
        "teacher": f"T{school}{n:02d}",
        "year": YEAR,
        "school": school,
        "stage": "primary",
        "subject": subject,
    }


def _required(facts: Facts) -> dict[tuple[str, str], float]:
    """(school, subject) → posts the norms require, from staffing with no roster (its aggregate rows)."""
    table = subject_table(facts, JIA, YEAR)
    return {(r["school"], r["subject"]): r["required"] for r in table.iter_rows(named=True)}


def _floors(facts: Facts) -> dict[str, float]:
    schools = school_floors(facts, last=YEAR).schools.filter(pl.col("year") == YEAR)
    return dict(zip(schools["school"], schools["floor"], strict=True))


def gap_world() -> Facts:
    """甲县 in 2024: 1399010001 has 5 PE teachers only; 1399010003 has 1 Chinese teacher only; the junior school
    1399010002 has no records (aggregate forms only). Allocations: 1399010001 its floor − 12,345.60 元 (under),
    1399010002 its floor + 100 元 (达标), 1399010003 none reported (无法评估). 乙县: no roster, no allocation."""
    facts = two_counties()
    floor = _floors(facts)
    teachers = [_teacher(n, FIRST, "pe") for n in range(5)] + [_teacher(0, RURAL, "chinese")]
    facts.teachers = _frame("teachers", teachers)
    allocated = [(FIRST, floor[FIRST] - 12_345.60), (TOWN, floor[TOWN] + 100)]
    facts.school_finance = _frame(
        "school_finance", [{"school": s, "year": YEAR, "allocated": a} for s, a in allocated]
    )
    return facts


def _gap_table(html: str) -> str:
    start = html.index('<table id="gaps">')
    return html[start : html.index("</table>", start)]


@pytest.fixture(scope="module")
def world() -> Facts:
    return gap_world()


def test_teachers_short_sums_positive_gaps_school_by_school(world: Facts) -> None:
    need = _required(two_counties())  # without a roster: each primary school's whole need and its PE need
    jia, yi = county_gaps(world, [JIA, YI], YEAR)
    # 1399010001: every subject short in full except PE (5 in post against 1.25: a surplus of 3.75, not netted);
    # 1399010003: every subject short in full, less the one Chinese teacher (the norms ask for more than 1).
    first = need[(FIRST, "total")] - need[(FIRST, "pe")]
    rural = need[(RURAL, "total")] - 1
    assert jia.teachers is not None
    assert jia.teachers.short == pytest.approx(first + rural)
    assert (jia.teachers.schools_short, jia.teachers.roster_schools, jia.teachers.schools) == (2, 2, 3)
    assert need[(FIRST, "pe")] == pytest.approx(1.25)  # so the 5 PE teachers are 3.75 over
    assert yi.teachers is None  # no roster: 无数据, not 0


def test_money_gap_in_wan_yuan_and_unknown_schools(world: Facts) -> None:
    jia, yi = county_gaps(world, [JIA, YI], YEAR)
    # One school under by 12,345.60 元 = 1.23456 万元; one 达标; one without an allocation (无法评估).
    assert jia.money == Money(schools_under=1, gap_wan=1.23456, assessed=2, unknown=1)
    assert yi.money is None  # no allocation reported for 乙县: 无数据
    assert county_gaps(world, [JIA], 2023)[0].money is None  # nor for 甲县 in 2023
    assert county_gaps(world, [JIA], 2023)[0].teachers is None


def test_a_county_without_compulsory_schools_has_no_teacher_figure(world: Facts) -> None:
    gone = Facts(
        **{**world.frames(), "grade_year": world.grade_year.filter(pl.col("school") != "1399020002")}
    )
    yi, jia = county_gaps(gone, [YI, JIA], YEAR)
    assert yi.teachers is None and isinstance(jia.teachers, Teachers)


@pytest.mark.db
def test_region_page_and_sheet_show_gaps_or_无数据(db: None) -> None:
    from eduplan.store import save_facts

    save_facts(gap_world())
    client = Client()
    client.force_login(make_user(CAROL))  # type: ignore[arg-type]
    html = client.get(f"/region/{CITY}/", {"year": str(YEAR)}).content.decode()
    table = _gap_table(html)
    assert "教师缺编与公用经费缺口" in html and "公用经费缺口（万元）" in table
    jia, yi = table.split("<td>示例县</td>")[1].split("</tr>")[0], table.split("<td>乙县</td>")[1]
    assert ">2<" in jia and ">2/3<" in jia and ">1.23<" in jia and "无数据" not in jia
    assert yi.count("无数据") == 6
    book = load_workbook(
        io.BytesIO(client.get(f"/region/{CITY}/", {"year": str(YEAR), "format": "xlsx"}).content)
    )
    rows = {r[0]: r for r in book["缺编与经费缺口"].iter_rows(values_only=True)}
    need = _required(two_counties())
    short = round(need[(FIRST, "total")] - need[(FIRST, "pe")] + need[(RURAL, "total")] - 1, 1)
    assert rows[JIA][1:] == ("示例县", short, 2, "2/3", 1, 1.23, 1)
    assert rows[YI][1:] == ("乙县", *["无数据"] * 6)


@pytest.fixture(scope="module")
def demo_city() -> Facts:
    from eduplan.demo.city import generate_city

    return generate_city()


def test_demo_city_every_county_has_figures_or_无数据(demo_city: Facts) -> None:
    from eduplan.region.compare import region_counties

    counties = region_counties(demo_city, CITY)
    assert len(counties) == 5
    # 2024: rosters and allocations for every county; every compulsory school has a roster in the demo.
    for g in county_gaps(demo_city, counties, 2024):
        assert g.teachers is not None and g.money is not None
        assert g.teachers.short > 0 and g.teachers.roster_schools == g.teachers.schools
        assert g.money.assessed > 0 and g.money.gap_wan >= 0
    # 2023: allocations but no teacher records yet (the demo's rosters start in 2024): 无数据, never 0.
    for g in county_gaps(demo_city, counties, 2023):
        assert g.teachers is None and g.money is not None


@pytest.mark.db
def test_demo_city_page_lists_each_county(db: None, demo_city: Facts) -> None:
    from eduplan.store import save_facts

    save_facts(demo_city)
    client = Client()
    client.force_login(make_user(CAROL))  # type: ignore[arg-type]
    for year, missing in ((2024, 0), (2023, 5 * 3)):  # 2023: the three teacher cells of each county
        html = client.get(f"/region/{CITY}/", {"year": str(year)}).content.decode()
        table = _gap_table(html)
        assert table.count("<tr>") == 1 + 5 and table.count("无数据") == missing
