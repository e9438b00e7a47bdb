"""The 政府保障程度, 教育质量 and 保教质量 items: decided by the data where it can, else by entries with evidence."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from eduplan.standards.county import County
from eduplan.standards.loader import Item
from eduplan.standards.ratios import county_ratio, reported
from eduplan.standards.result import ItemResult, Status


@dataclass(frozen=True)
class Entry:
    """A hand-entered judgement of an item, with its evidence (a document, a survey, an inspection)."""

    passed: bool
    evidence: str = ""


Rule = Callable[[County, Item, pl.DataFrame], ItemResult]


def _result(
    item: Item,
    ok: bool | None,
    value: float | None = None,
    threshold: float | None = None,
    detail: str = "",
    failing: list[str] | None = None,
) -> ItemResult:
    status: Status = "pending" if ok is None else ("pass" if ok else "fail")
    return ItemResult(
        item.code, item.group, item.name, item.source, status, "data", value, threshold, detail, failing or []
    )


def _in_sample(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("excluded").is_null())


def music_art_rooms(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """Each school needs ⌈班数/12⌉ music rooms and as many art rooms (a school of 1-12 classes needs one)."""
    per = int(item.params["classes_per_room"])
    schools = (
        _in_sample(frame)
        .group_by("school")
        .agg(pl.col("classes").sum())
        .join(
            c.facts.school_year.filter(pl.col("year") == c.year).select("school", "music_rooms", "art_rooms"),
            on="school",
            how="left",
        )
    )
    lacking: dict[str, float] = {}
    unknown: list[str] = []
    for r in schools.sort("school").iter_rows(named=True):
        if r["music_rooms"] is None or r["art_rooms"] is None:
            unknown.append(r["school"])  # not reported: undecided, never counted as zero rooms
            continue
        need = math.ceil((r["classes"] or 0) / per)
        rooms = max(0, need - r["music_rooms"]) + max(0, need - r["art_rooms"])
        if rooms:
            lacking[r["school"]] = float(rooms)
    detail = f"{len(lacking)} 所学校音乐或美术专用教室不足" if lacking else "各校均按每12个班配备"
    if unknown:
        detail += f"；{len(unknown)} 所学校未报专用教室数"
    ok = False if lacking else (None if unknown else True)
    result = _result(item, ok, float(len(lacking)), 0.0, detail, list(lacking))
    result.shortfall = lacking
    return result


def school_size(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """Compulsory pupils per school ≤ 2000; 九年/十二年一贯制 ≤ 2500."""
    through = ("nine_year", "twelve_year")
    sizes = frame.group_by("school", "school_type").agg(pl.col("pupils").sum())
    limit = (
        pl.when(pl.col("school_type").is_in(through))
        .then(item.params["limit_through"])
        .otherwise(item.params["limit"])
    )
    failing = sizes.filter(pl.col("pupils") > limit)["school"].sort().to_list()
    largest: float = sizes["pupils"].max() or 0.0  # type: ignore[assignment]
    return _result(
        item,
        not failing,
        largest,
        float(item.params["limit"]),
        f"最大规模 {largest:.0f} 人；超规模学校 {len(failing)} 所",
        failing,
    )


def class_size(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """Every class ≤ 45 (小学) / 50 (初中): judged on each grade's mean class size and the 56+ class counts."""
    limits = {k: float(v) for k, v in item.params["limit"].items()}
    return _class_rule(c, item, limits, frame["school"].unique().to_list())


def _class_rule(c: County, item: Item, limits: Mapping[Any, float], schools: list[str]) -> ItemResult:
    grades = c.facts.grade_year.filter(
        (pl.col("year") == c.year) & pl.col("school").is_in(schools) & (pl.col("classes") > 0)
    )
    key = "grade" if all(isinstance(k, int) for k in limits) else "stage"
    grades = grades.filter(pl.col(key).is_in(list(limits)))
    limit = pl.col(key).replace_strict({k: v for k, v in limits.items()}, return_dtype=pl.Float64)
    big = (pl.col("classes_56_65").fill_null(0) + pl.col("classes_66_plus").fill_null(0)) > 0
    over = grades.filter((pl.col("enrollment") / pl.col("classes") > limit) | big)
    failing = over["school"].unique().sort().to_list()
    worst = grades.select((pl.col("enrollment") / pl.col("classes")).max()).item()
    detail = (
        f"年级平均班额最大 {worst or 0:.1f} 人；超标学校 {len(failing)} 所（按年级平均班额与大班额统计判断）"
    )
    return _result(item, not failing, float(worst or 0), None, detail, failing)


def special_school_funds(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    special = c.schools.filter(pl.col("school_type") == "special")["code"].to_list()
    if not special:
        return _result(item, True, detail="县内无特殊教育学校，本项不适用")
    funds = c.facts.school_year.filter((pl.col("year") == c.year) & pl.col("school").is_in(special))
    if funds.is_empty() or funds["public_funds_per_pupil"].is_null().all():
        return _result(item, None, detail="无特殊教育学校生均公用经费数据")
    threshold = float(item.params["threshold"])
    failing = funds.filter(pl.col("public_funds_per_pupil") < threshold)["school"].to_list()
    lowest: float = funds["public_funds_per_pupil"].min()  # type: ignore[assignment]
    return _result(item, not failing, lowest, threshold, "", failing)


def _sums(c: County, frame: pl.DataFrame, cols: list[str]) -> dict[str, float | None]:
    rows = c.facts.school_year.filter(
        (pl.col("year") == c.year) & pl.col("school").is_in(_in_sample(frame)["school"].unique().to_list())
    )
    return {col: float(rows[col].sum()) if rows[col].is_not_null().any() else None for col in cols}


def rotation(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    s = _sums(c, frame, ["teachers_rotation_eligible", "teachers_rotated", "backbone_rotated"])
    eligible, rotated, backbone = (
        s["teachers_rotation_eligible"],
        s["teachers_rotated"],
        s["backbone_rotated"],
    )
    if not eligible or rotated is None or backbone is None:
        return _result(item, None, detail="缺少交流轮岗统计")
    share, backbone_share = rotated / eligible, (backbone / rotated if rotated else 0.0)
    ok = share >= item.params["threshold"] and backbone_share >= item.params["backbone_threshold"]
    detail = f"交流 {rotated:.0f}/{eligible:.0f} = {share:.1%}；其中骨干 {backbone:.0f}/{rotated:.0f} = {backbone_share:.1%}"
    return _result(item, ok, share, float(item.params["threshold"]), detail)


def teacher_certified(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    s = _sums(c, frame, ["teachers_certified", "teachers"])
    if not s["teachers"] or s["teachers_certified"] is None:
        return _result(item, None, detail="缺少持证教师统计")
    share = s["teachers_certified"] / s["teachers"]
    return _result(
        item,
        share >= item.params["threshold"],
        share,
        float(item.params["threshold"]),
        f"持证 {s['teachers_certified']:.0f}/{s['teachers']:.0f}",
    )


def _ratio_rule(code: str) -> Rule:
    def rule(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
        r = county_ratio(c, code)
        if r.value is None:
            return _result(item, None, detail="数据不足，无法计算")
        threshold = float(item.params["threshold"])
        detail = f"{r.numerator:.0f}/{r.denominator:.0f}" if r.numerator is not None and r.denominator else ""
        return _result(item, r.value >= threshold, r.value, threshold, detail)

    return rule


def reported_rule(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """A rate reported for the county (a survey, a special count); a value above 1.5 is read as a percentage."""
    value = reported(c, item.params["indicator"])
    if value is None:
        return _result(item, None, detail=f"未报送 {item.params['indicator']}")
    value = value / 100 if value > 1.5 else value
    threshold = float(item.params["threshold"])
    return _result(item, value >= threshold, value, threshold, "直报值")


def township_public_centre(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """Every township with town or rural schools has a public kindergarten (公办中心园)."""
    locales = item.params["locales"]
    rural = c.schools.filter(pl.col("locale").is_in(locales))["township"].unique()
    public = c.schools.filter((pl.col("school_type") == "kindergarten") & (pl.col("ownership") == "public"))
    failing = sorted(set(rural.to_list()) - set(public["township"].to_list()))
    return _result(
        item,
        not failing,
        float(len(failing)),
        0.0,
        f"没有公办园的乡镇 {len(failing)} 个" if failing else "每个乡镇均有公办园",
        failing,
    )


def preschool_class_size(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    limits = {int(k): float(v) for k, v in item.params["limit"].items()}
    kinder = c.schools.filter(pl.col("school_type") == "kindergarten")["code"].to_list()
    return _class_rule(c, item, limits, kinder)


def preschool_staff_ratio(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    kinder = c.schools.filter(pl.col("school_type") == "kindergarten")["code"].to_list()
    staff = c.facts.school_year.filter((pl.col("year") == c.year) & pl.col("school").is_in(kinder))["staff"]
    pupils = c.facts.grade_year.filter((pl.col("year") == c.year) & pl.col("school").is_in(kinder))[
        "enrollment"
    ]
    if staff.is_null().all() or not staff.sum():
        return _result(item, None, detail="缺少幼儿园教职工数")
    ratio = float(pupils.sum()) / float(staff.sum())
    limit = float(item.params["max_pupils_per_staff"])
    return _result(item, ratio <= limit, ratio, limit, f"幼儿 {pupils.sum():.0f} / 教职工 {staff.sum():.0f}")


RULES: dict[str, Rule] = {
    "music_art_rooms": music_art_rooms,
    "school_size": school_size,
    "class_size": class_size,
    "special_school_funds": special_school_funds,
    "rotation": rotation,
    "teacher_certified": teacher_certified,
    "migrant_public": _ratio_rule("migrant_public_purchased_share"),
    "junior_retention": _ratio_rule("junior_retention_rate"),
    "reported": reported_rule,
    "township_public_centre": township_public_centre,
    "preschool_class_size": preschool_class_size,
    "preschool_staff_ratio": preschool_staff_ratio,
}


def evaluate_items(
    c: County, items: tuple[Item, ...], frame: pl.DataFrame, entered: Mapping[str, Entry]
) -> list[ItemResult]:
    """Every item: by its data rule; an entry decides what the data leaves pending."""
    out = []
    for item in items:
        result = RULES[item.rule](c, item, frame) if item.rule != "entered" else _result(item, None)
        if item.rule == "entered":
            result.decided_by = "entered"
        if result.status == "pending" and item.code in entered:
            entry = entered[item.code]
            result.status = "pass" if entry.passed else "fail"
            result.decided_by = "entered"
            result.detail = entry.evidence
        out.append(result)
    return out
