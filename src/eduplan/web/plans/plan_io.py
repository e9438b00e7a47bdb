"""Plans in and out as data: the YAML plan file (import, export, the demo plan) and the plan text extractor."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from eduplan.errors import DataError, NotFound
from eduplan.web.plans import indicator_source
from eduplan.web.plans.models import ManualValue, Milestone, Plan, Project, Target

DEMO_PLAN = Path(__file__).with_name("demo_plan.yaml")
# Seed 000: 南雄市教育事业“十四五”发展规划 (public, 2023-02-17), the text the demo plan is read from.
# The demo plan's text is seed 000 of the shared corpus (not copied into the package): found through
# EDUPLAN_SEEDS_DIR, or beside a source checkout at ../shared/seeds; without it the curated list is the plan.
DEMO_SEED = "000_c7444175af894b84.txt"


def demo_source() -> Path:
    seeds = (
        os.environ.get("EDUPLAN_SEEDS_DIR") or Path(__file__).resolve().parents[4].parent / "shared" / "seeds"
    )
    return Path(seeds) / DEMO_SEED


log = logging.getLogger(__name__)
TEXT_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm", ".md")


def read_plan_file(path: Path) -> dict[str, Any]:
    """A plan file as a dict: YAML as written, or plan text through the extractor (`eduplan.text`)."""
    if not path.exists():
        raise NotFound(f"找不到规划文件：{path}", english=f"no such file {path}")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise DataError(
                f"规划文件 {path} 不是有效的 YAML：{exc}", english=f"bad YAML {path}: {exc}"
            ) from exc
        if not isinstance(data, dict) or "plan" not in data:
            raise DataError(f"规划文件 {path} 缺少 plan 部分", english=f"{path}: no 'plan' mapping")
        return data
    if path.suffix.lower() in TEXT_SUFFIXES:
        return extract_plan(path)
    raise DataError(
        f"不支持的规划文件类型：{path.suffix}（应为 .yaml 或规划文本）", english=f"unsupported {path.suffix}"
    )


def extract_plan(path: Path) -> dict[str, Any]:
    """Plan text → plan dict through the extractor."""
    from eduplan.text import statements
    from eduplan.web.plans.extracted import plan_from_statements

    return plan_from_statements(statements, path)


def save_plan(
    data: dict[str, Any],
    region_code: str,
    region_name: str = "",
    replace: bool = True,
    skipped: list[str] | None = None,
) -> Plan:
    """Store a plan dict for a region (replacing a plan of the same name there); validated like the forms.

    With `skipped` given (a draft read from plan text, for review), a target that fails validation is left out
    and its reason appended there; without it, any invalid target stops the whole import.
    """
    head = data["plan"]
    with transaction.atomic():
        if replace:
            Plan.objects.filter(region_code=region_code, name=head["name"]).delete()
        start, end = head.get("period", [None, None])
        plan = Plan(name=head["name"], region_code=region_code, region_name=region_name, period_start=start,
                    period_end=end, source_document=head.get("source_document", ""),
                    status=head.get("status", "draft"))  # fmt: skip
        _valid(plan, "规划")
        plan.save()
        known = indicator_source.catalogue()
        for number, item in enumerate(data.get("targets", []), start=1):
            try:
                with transaction.atomic():  # a savepoint: a skipped target leaves no milestone behind
                    _save_target(plan, number, item, known)
            except DataError as exc:
                if skipped is None:
                    raise
                skipped.append(exc.message)
        for item in data.get("projects", []):
            _save_project(plan, item)
    return plan


def _valid(obj: Any, what: str) -> None:
    try:
        obj.full_clean(exclude=["plan", "target"])
    except ValidationError as exc:
        details = "；".join(f"{k}：{'，'.join(v)}" for k, v in exc.message_dict.items())
        raise DataError(f"{what}数据有误：{details}", english=f"invalid {what}: {exc.message_dict}") from exc


def _save_target(plan: Plan, number: int, item: dict[str, Any], known: dict[str, Any]) -> Target:
    baseline = item.get("baseline") or {}
    code = _code_of(item, known) if known else item.get("code") or ""
    target = Target(
        plan=plan, number=number, indicator_code=code, indicator_text=item["indicator"],
        scope=item.get("scope", "region"), scope_value=str(item.get("scope_value", "")),
        comparator=item.get("comparator", "ge"), value=float(item["value"]), value_high=item.get("value_high"),
        unit=item.get("unit", known[code].unit if code in known else "%"), direction=item.get("direction", "higher"), target_year=int(item["target_year"]),
        baseline_value=baseline.get("value"), baseline_year=baseline.get("year"),
        recurrence=bool(item.get("recurrence", False)), attribute=_attribute(item.get("attribute")),
        responsible_office=item.get("responsible_office", ""),
        quote=item.get("quote", ""), note=item.get("note", ""),
    )  # fmt: skip
    if (
        code
        and code in known
        and known[code].direction == "lower"
        and target.comparator not in ("le", "change")
    ):
        target.direction = "lower"
    _valid(target, f"目标“{target.indicator_text}”")
    target.save()
    Milestone.objects.bulk_create(
        Milestone(target=target, year=int(y), value=float(v))
        for y, v in (item.get("milestones") or {}).items()
    )
    ManualValue.objects.bulk_create(
        ManualValue(target=target, year=int(y), value=float(v), source="示例数据")
        for y, v in (item.get("manual_values") or {}).items()
    )
    return target


def _attribute(raw: Any) -> str:
    """约束性/预期性 (or binding/expected) as the model stores it; blank when the plan does not say."""
    text = str(raw or "").strip()
    for choice in Target.Attribute:
        if text in (choice.value, choice.label, choice.label[:2]):
            return str(choice.value)
    if text:
        raise DataError(f"指标属性应为约束性或预期性，而不是“{text}”", english=f"bad attribute {text!r}")
    return ""


def _code_of(item: dict[str, Any], known: dict[str, Any]) -> str:
    """The item's catalogue code: as written, else that of the first of its names the catalogue knows."""
    names = (item["indicator"], *item.get("aliases", []))
    return item.get("code") or next((c for n in names if (c := indicator_source.resolve_code(n, known))), "")


def _save_project(plan: Plan, item: dict[str, Any]) -> Project:
    fields = {k: v for k, v in item.items() if k in {f.name for f in Project._meta.get_fields()}}
    project = Project(plan=plan, **fields)
    _valid(project, f"项目“{project.name}”")
    project.save()
    return project


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The YAML shape read by `save_plan`: export and import round-trip."""
    targets = []
    for t in plan.targets.prefetch_related("milestones", "manual_values"):
        item: dict[str, Any] = {"indicator": t.indicator_text, "code": t.indicator_code, "scope": t.scope,
                                "comparator": t.comparator, "value": t.value, "unit": t.unit,
                                "direction": t.direction, "target_year": t.target_year}  # fmt: skip
        optional = {"scope_value": t.scope_value, "value_high": t.value_high, "recurrence": t.recurrence,
                    "attribute": t.get_attribute_display() if t.attribute else "",
                    "responsible_office": t.responsible_office, "quote": t.quote, "note": t.note}  # fmt: skip
        item.update({k: v for k, v in optional.items() if v not in ("", None, False)})
        if t.baseline_value is not None:
            item["baseline"] = {"value": t.baseline_value, "year": t.baseline_year}
        if t.milestones.all():
            item["milestones"] = {m.year: m.value for m in t.milestones.all()}
        if t.manual_values.all():
            item["manual_values"] = {m.year: m.value for m in t.manual_values.all()}
        targets.append(item)
    projects = [
        {k: v for k, v in {f: getattr(p, f) for f in PROJECT_FIELDS}.items() if v not in ("", None)}
        for p in plan.projects.all()
    ]
    head = {"name": plan.name, "region": plan.region_code, "period": [plan.period_start, plan.period_end],
            "source_document": plan.source_document, "status": plan.status}  # fmt: skip
    return {"plan": head, "targets": targets, "projects": projects}


PROJECT_FIELDS = ("name", "school_code", "school_name", "kind", "places_preschool", "places_primary", "places_junior",
                  "places_senior", "budget", "planned_year", "actual_year", "status", "quote")  # fmt: skip


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)


def load_demo_plan(region_code: str, region_name: str = "") -> Plan:
    """Give the demo county its plan (seed 000's targets). Called by `eduplan demo`; safe to call again."""
    data = demo_plan_data()
    return save_plan(data, region_code, region_name or _region_name(region_code))


def demo_plan_data() -> dict[str, Any]:
    """The curated demo plan, with its targets read from the plan text by the extractor when it is present."""
    curated: dict[str, Any] = yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))
    source = demo_source()
    if not source.exists():
        log.info("demo plan from the curated list (no plan text at %s)", source)
        return curated
    try:
        extracted = extract_plan(source)
    except Exception as exc:
        log.info("demo plan from the curated list (extractor unavailable: %s)", exc)
        return curated
    return {**curated, "targets": merge_targets(extracted["targets"], curated["targets"])}


def merge_targets(extracted: list[dict[str, Any]], curated: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Extracted targets keep their numbers; the curated entry on the same indicator and scope adds what the text
    lacks (a clean name, office, note, demo values); curated targets the text has no number for come last."""
    known = indicator_source.catalogue()

    def key(item: dict[str, Any]) -> tuple[str, str]:
        return _code_of(item, known) or item["indicator"], item.get("scope", "region")

    by_key = {key(c): c for c in curated}
    merged: list[dict[str, Any]] = []
    used: set[tuple[str, str]] = set()
    empty: dict[str, Any] = {}
    for item in extracted:
        k = key(item)
        extra = by_key.get(k, empty)
        used.add(k)
        keep: dict[str, Any] = {
            f: extra[f]
            for f in ("indicator", "responsible_office", "note", "manual_values", "recurrence", "attribute")
            if f in extra
        }
        merged.append({**item, **keep})
    return merged + [c for c in curated if key(c) not in used]


def _region_name(code: str) -> str:
    try:
        from eduplan.web.schools.models import OrgUnit

        unit = OrgUnit.objects.filter(code=code).first()
    except Exception:
        return ""
    return unit.name if unit else ""


def fitted_plan(
    data: dict[str, Any], name: str, values: dict[str, float], reference: dict[str, float]
) -> dict[str, Any]:
    """The demo plan for another county of the demo city: the same commitments under the county's name, each
    computed target moved by the county's distance from the demo county in the base year (`values` and
    `reference`: indicator code → base-year value), so that a well-off county aims higher and a poor one
    aims at what it can reach. Percentages stay within 0–100 unless the demo plan itself exceeds 100."""
    known = indicator_source.catalogue()
    head = {**data["plan"], "name": f"{name}教育事业“十四五”发展规划（示例）"}
    targets = []
    for item in data["targets"]:
        code = _code_of(item, known)
        shift = values[code] - reference[code] if code in values and code in reference else None
        if shift is None or item.get("scope", "region") != "region" or item.get("comparator") == "change":
            # hand-entered demo values belong to the demo county: another county starts without them
            targets.append({k: v for k, v in item.items() if k != "manual_values"})
            continue
        ceiling = 100.0 if item.get("unit", "%") == "%" and float(item["value"]) <= 100 else float("inf")

        def moved(v: float, shift: float = shift, ceiling: float = ceiling) -> float:
            return round(max(0.0, min(ceiling, float(v) + shift)), 2)

        fitted = {**item, "code": code, "value": moved(item["value"])}
        fitted["baseline"] = {"value": round(values[code], 2), "year": head["period"][0] - 1}
        if item.get("milestones"):
            fitted["milestones"] = {y: moved(v) for y, v in item["milestones"].items()}
        targets.append(fitted)
    return {**data, "plan": head, "targets": targets}
