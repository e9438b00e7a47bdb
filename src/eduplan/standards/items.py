"""The 政府保障程度, 教育质量 and 保教质量 items: decided by the data where it can, else by entries with evidence.

Each rule returns pass or fail only on the data it needs; an input that is missing leaves the item pending with
the missing input named. In a year whose statistics are incomplete, a county total (a rate, a ratio) is not
computed from the schools that happened to report: the item stays pending. A per-school item still fails on a
school that reported and fails, but cannot pass while some schools have not reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

from eduplan.indicators.catalogue import load_catalogue
from eduplan.indicators.formula import label
from eduplan.standards.county import County
from eduplan.standards.loader import Item
from eduplan.standards.ratios import county_ratio, reported
from eduplan.standards.result import ItemResult, Status

EPSILON = 1e-9


@dataclass(frozen=True)
class Entry:
    """A hand-entered judgement of an item, with its evidence (a document, a survey, an inspection)."""

    passed: bool
    evidence: str = ""


Rule = Callable[[County, Item, pl.DataFrame], ItemResult]


def _labels(*columns: str) -> list[str]:
    return [label(c) for c in columns]


def _result(
    item: Item,
    ok: bool | None,
    value: float | None = None,
    threshold: float | None = None,
    detail: str = "",
    failing: list[str] | None = None,
    *,
    inputs: list[str] | None = None,
    missing: list[str] | None = None,
) -> ItemResult:
    status: Status = "pending" if ok is None else ("pass" if ok else "fail")
    return ItemResult(
        item.code, item.group, item.name, item.source, status, "data", value, threshold, detail, failing or [],
        inputs=inputs or [], missing=missing or [],
    )  # fmt: skip


def _county_total(c: County, result: ItemResult) -> ItemResult:
    """A county total in an incomplete year is not a total: the item is left pending, the partial sum aside."""
    if c.complete or result.status == "pending":
        return result
    partial = result.text(result.value)
    result.status, result.value = "pending", None
    result.missing = [f"{c.reported_share}，全县合计无法计算"]
    result.detail = f"按已报学校计算为 {partial}，不作判定" if partial else "数据不完整，不作判定"
    return result


def _per_school(c: County, result: ItemResult) -> ItemResult:
    """A per-school item cannot pass while some open schools have not reported (it can still fail)."""
    if c.complete or result.status != "pass":
        return result
    result.status = "pending"
    result.missing = [f"{c.reported_share}，未报学校无法判定"]
    return result


def _in_sample(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("excluded").is_null())


def _year_rows(c: County, table: str, schools: list[str] | None = None) -> pl.DataFrame:
    rows = getattr(c.facts, table).filter(pl.col("year") == c.year)
    return rows if schools is None else rows.filter(pl.col("school").is_in(schools))


def music_art_rooms(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """Each school needs ⌈班数/12⌉ music rooms and as many art rooms (a school of 1-12 classes needs one)."""
    per = int(item.params["classes_per_room"])
    schools = (
        _in_sample(frame)
        .group_by("school")
        .agg(pl.col("classes").sum())
        .join(
            _year_rows(c, "school_year").select("school", "music_rooms", "art_rooms"), on="school", how="left"
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
    missing = [f"{len(unknown)} 所学校未报专用教室数"] if unknown else []
    detail = f"{len(lacking)} 所学校音乐或美术专用教室不足" if lacking else "已报各校均按每12个班配备"
    detail = "；".join([detail, *missing])
    if not schools.height:
        missing.append("样本中没有学校")
    ok = False if lacking else (None if missing else True)
    inputs = _labels("classes", "music_rooms", "art_rooms")
    result = _result(item, ok, None, None, detail, list(lacking), inputs=inputs, missing=missing)
    result.shortfall = lacking
    return _per_school(c, result)


def school_size(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """Compulsory pupils per school ≤ 2000; 九年/十二年一贯制 ≤ 2500. The shortfall is the pupils over the limit:
    places to provide elsewhere (a new school or other schools' spare places)."""
    through = ("nine_year", "twelve_year")
    sizes = frame.group_by("school", "school_type").agg(pl.col("pupils").sum())
    limit = (
        pl.when(pl.col("school_type").is_in(through))
        .then(item.params["limit_through"])
        .otherwise(item.params["limit"])
    )
    over = (
        sizes.with_columns((pl.col("pupils") - limit).alias("over")).filter(pl.col("over") > 0).sort("school")
    )
    largest: float = sizes["pupils"].max() or 0.0  # type: ignore[assignment]
    result = _result(
        item,
        None if sizes.is_empty() else over.is_empty(),
        largest,
        float(item.params["limit"]),
        f"最大规模 {largest:,.0f} 人；超规模学校 {over.height} 所",
        over["school"].to_list(),
        inputs=["各校义务教育阶段在校生数（分年级统计）", "办学类型（学校名录）"],
        missing=["样本中没有学校"] if sizes.is_empty() else [],
    )
    result.shortfall = {s: float(n) for s, n in over.select("school", "over").iter_rows()}
    return _per_school(c, result)


def class_size(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """Every class ≤ 45 (小学) / 50 (初中): judged on each grade's mean class size and the 56+ class counts.
    The shortfall is the classes each school must add so that no grade's mean exceeds the limit."""
    limits = {k: float(v) for k, v in item.params["limit"].items()}
    grades = _year_rows(c, "grade_year", frame["school"].unique().to_list()).filter(
        pl.col("stage").is_in(list(limits)) & (pl.col("classes") > 0)
    )
    limit = pl.col("stage").replace_strict(limits, return_dtype=pl.Float64)
    big = (pl.col("classes_56_65").fill_null(0) + pl.col("classes_66_plus").fill_null(0)) > 0
    grades = grades.with_columns(
        ((pl.col("enrollment") / limit).ceil() - pl.col("classes")).clip(0).alias("add"), big.alias("big")
    )
    over = grades.filter((pl.col("enrollment") / pl.col("classes") > limit) | pl.col("big"))
    worst = grades.select((pl.col("enrollment") / pl.col("classes")).max()).item()
    detail = f"年级平均班额最大 {worst or 0:.1f} 人；超标学校 {over['school'].n_unique()} 所（按年级平均班额与大班额统计判断）"
    result = _result(
        item,
        None if grades.is_empty() else over.is_empty(),
        float(worst or 0),
        None,
        detail,
        over["school"].unique().sort().to_list(),
        inputs=_labels("enrollment", "classes", "classes_56_65", "classes_66_plus"),
        missing=["没有班级统计"] if grades.is_empty() else [],
    )
    added = over.group_by("school").agg(pl.col("add").sum())
    result.shortfall = {s: float(n) for s, n in added.sort("school").iter_rows()}
    return _per_school(c, result)


def special_school_funds(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    special = c.schools.filter(pl.col("school_type") == "special")["code"].to_list()
    inputs = _labels("public_funds_per_pupil")
    if not special:
        return _result(item, True, detail="县内无特殊教育学校，本项不适用", inputs=["学校名录"])
    funds = _year_rows(c, "school_year", special)
    if funds.is_empty() or funds["public_funds_per_pupil"].is_null().all():
        return _result(item, None, inputs=inputs, missing=["特殊教育学校生均公用经费"])
    threshold = float(item.params["threshold"])
    failing = funds.filter(pl.col("public_funds_per_pupil") < threshold)["school"].to_list()
    lowest: float = funds["public_funds_per_pupil"].min()  # type: ignore[assignment]
    return _per_school(c, _result(item, not failing, lowest, threshold, "", failing, inputs=inputs))


def _sums(c: County, frame: pl.DataFrame, cols: list[str]) -> dict[str, float | None]:
    rows = _year_rows(c, "school_year", _in_sample(frame)["school"].unique().to_list())
    return {col: float(rows[col].sum()) if rows[col].is_not_null().any() else None for col in cols}


def rotation(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    cols = ["teachers_rotation_eligible", "teachers_rotated", "backbone_rotated"]
    s = _sums(c, frame, cols)
    eligible, rotated, backbone = (s[k] for k in cols)
    if not eligible or rotated is None or backbone is None:
        missing = [label(k) for k in cols if not s[k]]
        return _result(item, None, inputs=_labels(*cols), missing=missing or _labels(*cols))
    share, backbone_share = rotated / eligible, (backbone / rotated if rotated else 0.0)
    ok = share >= item.params["threshold"] and backbone_share >= item.params["backbone_threshold"]
    detail = f"交流 {rotated:,.0f}/{eligible:,.0f} = {share:.1%}；其中骨干 {backbone:,.0f}/{rotated:,.0f} = {backbone_share:.1%}"
    result = _result(item, ok, share, float(item.params["threshold"]), detail, inputs=_labels(*cols))
    return _county_total(c, result)


def teacher_certified(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """持证上岗率 over the sample schools; the shortfall is each school's uncertified teachers."""
    rows = _year_rows(c, "school_year", _in_sample(frame)["school"].unique().to_list())
    inputs = _labels("teachers_certified", "teachers")
    if rows.is_empty() or rows["teachers"].is_null().all() or rows["teachers_certified"].is_null().all():
        return _result(item, None, inputs=inputs, missing=inputs)
    teachers, certified = float(rows["teachers"].sum()), float(rows["teachers_certified"].sum())
    share = certified / teachers if teachers else None
    threshold = float(item.params["threshold"])
    result = _result(
        item, None if share is None else share >= threshold - EPSILON, share, threshold,
        f"持证 {certified:,.0f}/{teachers:,.0f}", inputs=inputs,
    )  # fmt: skip
    gap = rows.with_columns((pl.col("teachers") - pl.col("teachers_certified")).alias("gap")).filter(
        pl.col("gap") > 0
    )
    result.shortfall = {s: float(n) for s, n in gap.select("school", "gap").sort("school").iter_rows()}
    result.failing = sorted(result.shortfall)
    return _county_total(c, result)


# The inputs of the ratios the standards compute directly (not in the indicator catalogue).
DIRECT_INPUTS = {"junior_retention_rate": ["本年初三在校生数", "两年前初一在校生数"]}


def _ratio_rule(fixed: str | None) -> Rule:
    """A county rate of the indicators engine (or the direct formula) against a threshold; the indicator is
    `fixed`, or the item's own `indicator` parameter."""

    def rule(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
        code = fixed or str(item.params["indicator"])
        ind = load_catalogue().indicators.get(code)
        inputs = [ind.numerator_label, ind.denominator_label] if ind else DIRECT_INPUTS.get(code, [item.name])
        r = county_ratio(c, code)
        if r.value is None:
            return _result(item, None, inputs=inputs, missing=[f"{'、'.join(inputs)}（数据不足，无法计算）"])
        threshold = float(item.params["threshold"])
        compare = str(item.params.get("compare", "ge"))
        ok = r.value <= threshold + EPSILON if compare == "le" else r.value >= threshold - EPSILON
        detail = (
            f"{r.numerator:,.0f}/{r.denominator:,.0f}" if r.numerator is not None and r.denominator else ""
        )
        result = _result(item, ok, r.value, threshold, detail, inputs=inputs)
        result.compare = "le" if compare == "le" else "ge"
        result.display = "ratio" if item.params.get("display") == "ratio" else "auto"
        return _county_total(c, result)

    return rule


def reported_rule(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """A rate reported for the county (a survey, a special count); a value above 1.5 is read as a percentage."""
    code = str(item.params["indicator"])
    ind = load_catalogue().indicators.get(code)
    what = f"直报指标“{ind.name if ind else item.name}”"
    value = reported(c, code)
    if value is None:
        return _result(
            item, None, detail=f"未报送{what}", inputs=[what], missing=[f"{what}（{c.year} 学年）"]
        )
    value = value / 100 if value > 1.5 else value
    threshold = float(item.params["threshold"])
    return _result(item, value >= threshold - EPSILON, value, threshold, "直报值", inputs=[what])


def township_public_centre(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """Every township with town or rural schools has a public kindergarten (公办中心园)."""
    locales = item.params["locales"]
    rural = c.schools.filter(pl.col("locale").is_in(locales))["township"].unique()
    public = c.schools.filter((pl.col("school_type") == "kindergarten") & (pl.col("ownership") == "public"))
    failing = sorted(set(rural.to_list()) - set(public["township"].to_list()))
    return _result(
        item,
        not failing,
        None,
        None,
        f"没有公办园的乡镇 {len(failing)} 个" if failing else "每个乡镇均有公办园",
        failing,
        inputs=["学校名录：办学类型、办别、城乡分类、所属乡镇"],
    )


def _classes_over(enrollment: int, classes: int, limit: int) -> int:
    """Classes over `limit` when `enrollment` pupils are spread evenly over `classes` (sizes ⌊e/c⌋ and ⌈e/c⌉)."""
    size, extra = divmod(enrollment, classes)
    if size > limit:
        return classes
    return extra if size == limit else 0


def class_size_compliance(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """县域内班额达标率: classes within 小班 25 / 中班 30 / 大班 35 ÷ all kindergarten classes. The statistics give
    each grade's pupils and classes, not each class's size: pupils are taken as spread evenly over a grade's
    classes, so a grade has classes over its limit only when its average exceeds it (all of them) or equals it
    with pupils left over (as many as are left over)."""
    limits = {int(k): int(v) for k, v in item.params["limit"].items()}
    rows = _year_rows(c, "grade_year", c.schools["code"].to_list()).filter(
        (pl.col("stage") == "preschool") & pl.col("grade").is_in(list(limits))
    )
    inputs = [f"幼儿园各年级{label('enrollment')}与{label('classes')}（分年级统计）"]
    unknown = rows.filter(pl.col("enrollment").is_null() | pl.col("classes").is_null())
    rows = rows.filter((pl.col("classes").fill_null(0) > 0) & pl.col("enrollment").is_not_null())
    if unknown.height or rows.is_empty():
        lacking = (
            f"{unknown['school'].n_unique()} 所幼儿园的年级人数或班数" if unknown.height else "幼儿园班级统计"
        )
        return _county_total(c, _result(item, None, inputs=inputs, missing=[lacking]))
    total = int(rows["classes"].sum())
    over = sum(
        _classes_over(e, k, limits[g])
        for e, k, g in rows.select("enrollment", "classes", "grade").iter_rows()
    )
    share = (total - over) / total
    threshold = float(item.params["threshold"])
    detail = f"达标班级 {total - over:,}/{total:,}（按各年级平均分班估计）"
    schools = rows.filter(pl.col("enrollment") > pl.col("classes") * pl.col("grade").replace_strict(limits))
    result = _result(item, share >= threshold - EPSILON, share, threshold, detail,
                     schools["school"].unique().sort().to_list(), inputs=inputs)  # fmt: skip
    return _county_total(c, result)


def preschool_certified(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """园长和专任教师持证上岗率 100%: the statistics count certified 专任教师 only, so a full rate leaves the item
    to be confirmed for 园长 by an entry; any uncertified teacher fails it."""
    result = _ratio_rule("preschool_teacher_certified_share")(c, item, frame)
    if result.status == "pass":
        result.status = "pending"
        result.missing = ["园长持证情况（统计表未含，请录入核实结果）"]
        result.detail = (result.detail + "；专任教师全部持证").lstrip("；")
    return result


def facility_area(c: County, item: Item, frame: pl.DataFrame) -> ItemResult:
    """The share of kindergartens meeting a per-child area, by when they were built: those opened in or after
    `new_from` must all meet it, the older ones at least `old_share` of them."""
    column, norm = str(item.params["column"]), float(item.params["per_child"])
    kinder = c.schools.filter(pl.col("school_type") == "kindergarten").select(
        pl.col("code").alias("school"), "opened_year"
    )
    children = (
        _year_rows(c, "grade_year").group_by("school").agg(pl.col("enrollment").sum().alias("children"))
    )
    areas = _year_rows(c, "school_year").select("school", column)
    rows = kinder.join(children, on="school", how="left").join(areas, on="school", how="left")
    inputs = [label(column), label("enrollment"), "建校年份（学校名录）"]
    unknown = rows.filter(
        pl.col(column).is_null() | pl.col("children").is_null() | pl.col("opened_year").is_null()
    )
    if unknown.height or rows.is_empty():
        return _county_total(
            c,
            _result(
                item,
                None,
                inputs=inputs,
                missing=[f"{unknown.height} 所幼儿园的{label(column)}、在园幼儿数或建校年份"],
            ),
        )
    rows = rows.with_columns((pl.col(column) >= norm * pl.col("children") - EPSILON).alias("meets"),
                             (pl.col("opened_year") >= int(item.params["new_from"])).alias("new"))  # fmt: skip
    new, old = rows.filter(pl.col("new")), rows.filter(~pl.col("new"))
    new_share = float(new["meets"].mean()) if new.height else 1.0  # type: ignore[arg-type]
    old_share = float(old["meets"].mean()) if old.height else 1.0  # type: ignore[arg-type]
    ok = new_share >= 1 - EPSILON and old_share >= float(item.params["old_share"]) - EPSILON
    detail = (f"{item.params['new_from']} 年及以后建成 {new.height} 所中达标 {int(new['meets'].sum())} 所；"
              f"此前建成 {old.height} 所中达标 {int(old['meets'].sum())} 所（{old_share:.0%}）")  # fmt: skip
    failing = rows.filter(~pl.col("meets"))["school"].sort().to_list()
    return _county_total(
        c, _result(item, ok, old_share, float(item.params["old_share"]), detail, failing, inputs=inputs)
    )


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
    "rate": _ratio_rule(None),
    "township_public_centre": township_public_centre,
    "class_size_compliance": class_size_compliance,
    "teacher_child_ratio": _ratio_rule("pupil_teacher_ratio_preschool"),
    "preschool_certified": preschool_certified,
    "facility_area": facility_area,
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
            result.missing = []
        out.append(result)
    return out
