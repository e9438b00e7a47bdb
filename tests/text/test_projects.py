"""Construction projects: 新建/改扩建 a named school, the places it adds, the year."""

from __future__ import annotations

from eduplan.text.statements import extract

H = "某县“十四五”教育发展规划\n"  # horizon 2025


def projects(text: str) -> list[tuple[str, str, int | None, int | None]]:
    return [(p.kind, p.name, p.places, p.year) for p in extract(text).projects]


def test_named_schools_with_places_and_years() -> None:
    text = H + (
        "2019年,南丰二中新建1栋教学楼,增加学位1000个;新建桔都小学分校,增加学位1260个。"
        "2019-2021年,新建河东区高中和桥背学校,增加学位9360个。改扩建南雄市实验小学。"
    )
    assert projects(text) == [
        ("new", "南丰二中 1栋教学楼", 1000, 2019),
        ("new", "桔都小学分校", 1260, 2019),  # the year named earlier in the sentence
        ("new", "河东区高中和桥背学校", 9360, 2021),  # a range of years ends in 2021
        ("expand", "南雄市实验小学", None, 2025),  # no year: the horizon
    ]


def test_kinds_and_policies_are_not_projects() -> None:
    text = H + "新建中小学校6所，新建公办幼儿园，未按规划配建学校(幼儿园)的不得交付，严格执行学校建设标准。"
    assert projects(text) == []


def test_traditional_and_quote() -> None:
    (p,) = extract("某縣“十四五”規劃\n新建橋背學校，新增學位1.2萬個。").projects
    assert (p.name, p.places, p.quote) == ("桥背学校", 12000, "新建橋背學校，新增學位1.2萬個")
