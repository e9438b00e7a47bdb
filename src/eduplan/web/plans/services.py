"""The shell around the progress core: plan rows from the database, values from the engine, judgements out."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from django.db.models import Count, Max

from eduplan.errors import NotFound
from eduplan.facts import Facts
from eduplan.indicators.completeness import latest_complete_year
from eduplan.indicators.scope import scoped_code
from eduplan.monitoring.progress import Judgement, Milestone, TargetSpec, judge
from eduplan.monitoring.warnings import Warning, rank_warnings
from eduplan.results.judgements import Judged
from eduplan.web.plans import indicator_source
from eduplan.web.plans.indicator_source import IndicatorInfo
from eduplan.web.plans.models import ManualValue, Plan, Target

Point = tuple[int, float]
# Edits in this process clear the cache (signals); the fingerprint catches imports by other processes; the age
# limit catches edits made elsewhere (the admin of another server process).
CACHE_SECONDS = 300.0
log = logging.getLogger(__name__)
NO_SCOPE_DATA = "统计数据不分该范围（农村、城区、学校类型）计算，请按年手工填报"


SOURCE_LABELS = {"computed": "统计数据", "manual": "手工填报", "none": "—"}


@dataclass(frozen=True)
class TargetRow:
    target: Target
    spec: TargetSpec
    judgement: Judgement
    series: list[Point]
    source: str  # 'computed', 'manual' or 'none'
    unit_code: str
    computed: list[Point] = field(default_factory=list)  # the statistics' values (the scope's, when narrowed)
    manual: list[Point] = field(default_factory=list)  # values entered by hand
    source_reason: str = ""  # which series judges the target, and why
    series_code: str = ""  # the engine code of `computed` (a scoped code for 农村/城区)

    def record(self) -> dict[str, Any]:
        """The JSON shape of `eduplan progress` (acceptance relies on these keys)."""
        t, j = self.target, self.judgement
        return {
            "id": t.pk,
            "plan": t.plan.name,
            "indicator": t.indicator_code or t.indicator_text,
            "indicator_name": t.indicator_text,
            "scope": t.get_scope_display(),
            "comparator": t.comparator,
            "target_value": j.target_value,
            "target_year": t.target_year,
            "baseline_value": j.baseline_value,
            "baseline_year": j.baseline_year,
            "latest_value": _round(j.latest_value),
            "latest_year": j.latest_year,
            "milestone_value": _round(j.milestone_value),
            "status": j.status,
            "status_label": j.status_label,
            "ratio": _round(j.ratio, 4),
            "forecast_value": _round(j.forecast_value),
            "forecast_year": t.target_year,
            "milestones_missed": list(j.milestones_missed),
            "reason": j.reason,
            "source": self.source,
            "source_reason": self.source_reason,
            "computed_values": [[y, v] for y, v in self.computed],
            "manual_values": [[y, v] for y, v in self.manual],
        }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def target_spec(target: Target, info: IndicatorInfo | None = None) -> TargetSpec:
    """The core's view of a target; only a catalogue indicator declared bounded gets the natural-limit allowance."""
    direction = target.direction
    if info is not None and target.comparator in ("eq", "range"):
        direction = "lower" if info.direction == "lower" else "higher"
    return TargetSpec(
        key=str(target.pk),
        indicator=target.indicator_code or target.indicator_text,
        comparator=target.comparator,  # type: ignore[arg-type]
        value=target.value,
        value_high=target.value_high,
        target_year=target.target_year,
        direction=direction,  # type: ignore[arg-type]
        baseline_value=target.baseline_value,
        # Without a baseline in the plan, the year before the plan period (the last year of the previous plan).
        baseline_year=target.baseline_year
        if target.baseline_year is not None
        else target.plan.period_start - 1,
        milestones=tuple(Milestone(m.year, m.value) for m in target.milestones.all()),
        recurrence=target.recurrence,
        percent=target.unit == "%",
        bounded=bool(info is not None and info.bounded and target.unit == "%"),
    )


def scope_unit(target: Target) -> str | None:
    """The org unit whose engine values judge the target; None for scopes the engine does not split by."""
    if target.scope == Target.Scope.REGION:
        return target.plan.region_code
    if target.scope == Target.Scope.TOWNSHIP and target.scope_value:
        return target.scope_value
    return None


class Evaluation:
    """A plan's judged targets; the engine's rows they came from (every unit and year of the region), the
    names and the facts are computed when a page first asks for them (stored judgements need none)."""

    def __init__(
        self, rows: list[TargetRow], region: str, findings: dict[str, list[str]] | None = None,
        stored: Judged[Progress] | None = None, **known: Any,
    ) -> None:  # fmt: skip
        self.rows = rows
        self.region = region
        self.findings = findings  # quality findings on each target's inputs, by target key
        self.stored = stored  # the stored judgements they come from (None: computed here)
        self.memo: dict[str, Any] = {}  # page parts derived from this evaluation, computed once
        self._parts: dict[str, Any] = dict(known)  # facts, frame, scoped, names when already at hand

    def _part(self, name: str, compute: Callable[[], Any]) -> Any:
        if name not in self._parts:
            self._parts[name] = compute()
        return self._parts[name]

    @property
    def facts(self) -> Facts | None:
        return self._part("facts", lambda: _facts(self.region))  # type: ignore[no-any-return]

    @property
    def frame(self) -> pl.DataFrame:
        """The engine's rows for the plan's indicators, every unit and year of the region."""
        codes = [r.target.indicator_code for r in self.rows if r.target.indicator_code]
        return self._part("frame", lambda: _frame(self.facts, codes))  # type: ignore[no-any-return]

    @property
    def scoped(self) -> pl.DataFrame | None:
        """The engine's rows of indicators narrowed to 农村 or 城区."""
        wanted = [(r.target.indicator_code, r.target.scope) for r in self.rows]
        return self._part("scoped", lambda: indicator_source.compute_scoped(self.facts, wanted)[0])  # type: ignore[no-any-return]

    @property
    def names(self) -> dict[str, str]:
        return self._part("names", lambda: _names(self.facts))  # type: ignore[no-any-return]


def _frame(facts: Facts | None, codes: list[str]) -> pl.DataFrame:
    return indicator_source.compute(facts if facts is not None and codes else Facts.empty(), codes)


def evaluate_plan(plan: Plan, as_of: int | None = None, facts: Facts | None = None) -> list[TargetRow]:
    """Judge every target of `plan` on the data up to `as_of` (all years when None)."""
    return evaluate(plan, as_of, facts).rows


def evaluate(plan: Plan, as_of: int | None = None, facts: Facts | None = None) -> Evaluation:
    """Judge every target on data up to `as_of`: by default the region's latest year with complete statistics
    (a year only some schools have reported does not move any judgement)."""
    targets = list(plan.targets.prefetch_related("milestones", "manual_values").select_related("plan"))
    known = indicator_source.catalogue()
    codes = [t.indicator_code for t in targets if t.indicator_code]
    if facts is None and codes:
        facts = _facts(plan.region_code)
    frame = _frame(facts, codes)
    scoped, scope_reasons = indicator_source.compute_scoped(
        facts, [(t.indicator_code, t.scope) for t in targets]
    )
    if as_of is None and facts is not None:
        as_of = latest_complete_year(facts, plan.region_code)
    rows = []
    for target in targets:
        info = known.get(target.indicator_code)
        unit = scope_unit(target)
        code = target.indicator_code
        computed: list[Point] = []
        if unit is not None:
            computed = indicator_source.series(frame, code, unit)
        elif (code, target.scope) in scope_reasons:
            code = scoped_code(code, target.scope)
            computed = indicator_source.series(scoped, code, plan.region_code)
        manual = sorted((m.year, m.value) for m in target.manual_values.all())
        points, source, why = _choose(
            computed, manual, scope_reasons.get((target.indicator_code, target.scope))
        )
        spec = target_spec(target, info)
        judgement = judge(spec, points, as_of)
        if judgement.status == "no_data" and not points:
            hint = (
                indicator_source.missing_reason(frame, target.indicator_code, unit)
                if unit
                else why or NO_SCOPE_DATA
            )
            judgement = replace(judgement, reason=f"{judgement.reason}：{hint}" if hint else judgement.reason)
        rows.append(TargetRow(target, spec, judgement, points, source, unit or plan.region_code, computed, manual,
                              why, code))  # fmt: skip
    return Evaluation(
        rows, plan.region_code, quality_findings(rows, facts), facts=facts, frame=frame, scoped=scoped
    )


def _choose(
    computed: list[Point], manual: list[Point], scope_note: str | None
) -> tuple[list[Point], str, str]:
    """Which series judges the target, and why: the statistics when they have values, else the hand-entered ones."""
    if computed:
        why = "按统计数据判断（由学校报表计算，可追溯到各校数据）"
        if manual:
            why += "；手工填报值仅作对照"
        return computed, "computed", why
    if manual:
        why = (
            f"统计数据不能计算：{scope_note}，按手工填报值判断"
            if scope_note
            else "统计数据没有该指标的值，按手工填报值判断"
        )
        return manual, "manual", why
    return [], "none", scope_note or ""


def _names(facts: Facts | None) -> dict[str, str]:
    if facts is None:
        return {}
    pairs = list(facts.org_units.select("code", "name").iter_rows()) + list(
        facts.schools.select("code", "name").iter_rows()
    )
    return {str(c): str(n) for c, n in pairs}


def _facts(region_code: str) -> Facts | None:
    from eduplan.results import county_facts

    try:
        return county_facts(region_code)  # kept per data version
    except NotFound:
        return None  # a plan may be stored before its region's data


# A short-lived per-process cache: the dashboard is read far more often than data change, and the engine
# recomputes every indicator from the school rows. The key holds a cheap fingerprint of the stored data.
_cache: dict[tuple[Any, ...], tuple[float, Any]] = {}
_lock = threading.Lock()
_compute_lock = threading.Lock()


FINGERPRINT_SECONDS = 5.0
_fingerprint: list[Any] = [0.0, None]


def data_fingerprint() -> tuple[Any, ...]:
    """Changes when stored data change (checked at most every few seconds; edits here clear the cache at once)."""
    now = time.monotonic()
    with _lock:
        if _fingerprint[1] is not None and now - _fingerprint[0] < FINGERPRINT_SECONDS:
            return _fingerprint[1]  # type: ignore[no-any-return]
    value = _query_fingerprint()
    with _lock:
        _fingerprint[:] = [now, value]
    return value


def _query_fingerprint() -> tuple[Any, ...]:
    from eduplan.store.models import DataVersion
    from eduplan.web.schools.models import SchoolYear

    facts = SchoolYear.objects.aggregate(n=Count("id"), last=Max("id"))
    # every import, edit, approval and undo moves a data version (an update keeps the count and last id)
    versions = DataVersion.objects.aggregate(last=Max("version"))
    manual = ManualValue.objects.aggregate(n=Count("id"), last=Max("id"))
    targets = Target.objects.aggregate(n=Count("id"), last=Max("id"))
    return (facts["n"], facts["last"], manual["n"], manual["last"], targets["n"], targets["last"],
            versions["last"])  # fmt: skip


def cached_evaluation(plan: Plan, as_of: int | None = None) -> Evaluation:
    """The plan's judgements: as of the latest complete year, as stored per data version and the plan's
    hand-entered rows (eduplan.results); as of another year, computed and kept a few minutes."""
    if as_of is None:
        return _stored_evaluation(plan)
    key = ("evaluation", plan.pk, as_of, data_fingerprint())
    hit = _fresh(key)
    if hit is not None:
        return hit
    with _compute_lock:  # one thread computes; the others wait for its result instead of stampeding
        hit = _fresh(key)
        if hit is not None:
            return hit
        evaluation = evaluate(plan, as_of)
        with _lock:
            if len(_cache) > 64:
                _cache.clear()
            _cache[key] = (time.monotonic(), evaluation)
    return evaluation


@dataclass(frozen=True)
class StoredTarget:
    """One target's judgement as stored: everything of its TargetRow but the target and its spec (read anew)."""

    target: int
    judgement: Judgement
    series: list[Point]
    source: str
    unit_code: str
    computed: list[Point]
    manual: list[Point]
    source_reason: str
    series_code: str


@dataclass(frozen=True)
class Progress:
    """A plan's progress judgements as stored: one per target, and the quality findings on their inputs."""

    targets: list[StoredTarget]
    findings: dict[str, list[str]]


def progress(plan_id: int, facts: Callable[[], Facts]) -> Progress:
    """What is stored of a plan's judgements (eduplan.results.producers)."""
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"没有编号为 {plan_id} 的规划", english=f"no plan {plan_id}")
    try:
        loaded: Facts | None = facts()
    except NotFound:
        loaded = None  # a plan may be stored before its region's data
    ev = evaluate(plan, None, loaded)
    rows = [StoredTarget(r.target.pk, r.judgement, r.series, r.source, r.unit_code, r.computed, r.manual,
                         r.source_reason, r.series_code) for r in ev.rows]  # fmt: skip
    return Progress(rows, ev.findings or {})


def plan_inputs(plan_id: int) -> str:
    """Every row of the plan its judgements read (the plan, targets, milestones, values entered by hand)."""
    from eduplan.web.plans.models import Milestone

    parts = [
        Plan.objects.filter(pk=plan_id).values_list(),
        Target.objects.filter(plan_id=plan_id).order_by("pk").values_list(),
        Milestone.objects.filter(target__plan_id=plan_id).order_by("pk").values_list(),
        ManualValue.objects.filter(target__plan_id=plan_id).order_by("pk").values_list(),
    ]
    return repr([list(p) for p in parts])


def _stored_evaluation(plan: Plan) -> Evaluation:
    from eduplan import results

    judged: Judged[Progress] = results.judgement("progress", plan.region_code, f"plan {plan.pk}")
    key = ("stored", plan.pk, judged.key, judged.fresh, id(judged.value))
    hit = _fresh(key)
    if hit is not None:
        return hit
    targets = plan.targets.prefetch_related("milestones", "manual_values").select_related("plan")
    by_id = {t.pk: t for t in targets}
    known = indicator_source.catalogue()
    rows = [
        TargetRow(t, target_spec(t, known.get(t.indicator_code)), s.judgement, s.series, s.source, s.unit_code,
                  s.computed, s.manual, s.source_reason, s.series_code)
        for s in judged.value.targets if (t := by_id.get(s.target)) is not None
    ]  # fmt: skip
    evaluation = Evaluation(rows, plan.region_code, judged.value.findings, judged)
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = (time.monotonic(), evaluation)
    return evaluation


def _fresh(key: tuple[Any, ...]) -> Evaluation | None:
    with _lock:
        hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]  # type: ignore[no-any-return]
    return None


def cached_rows(plan: Plan, as_of: int | None = None) -> list[TargetRow]:
    return cached_evaluation(plan, as_of).rows


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _fingerprint[:] = [0.0, None]


def plans_for(unit_code: str) -> list[Plan]:
    """The plans of a region; adopted ones first, then the newest period."""
    plans = list(Plan.objects.filter(region_code=unit_code).order_by("status", "-period_start", "name"))
    if not plans:
        raise NotFound(
            f"区划 {unit_code} 还没有规划。请先运行 eduplan demo 或 eduplan plan import 文件",
            english=f"no plan for unit {unit_code}",
        )
    return plans


def progress_records(unit_code: str, as_of: int | None = None) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for plan in plans_for(unit_code):
        records.extend(row.record() for row in evaluate_plan(plan, as_of))
    return records


def plan_warnings(
    rows: Sequence[TargetRow], as_of: int | None = None, findings: dict[str, list[str]] | None = None
) -> list[Warning]:
    pairs = [(row.spec, row.judgement, label(row.target)) for row in rows]
    return rank_warnings(pairs, as_of=as_of, findings=findings)


def label(target: Target) -> str:
    """The indicator name with its scope when narrower than the region (学前三年毛入园率（农村）)."""
    if target.scope == Target.Scope.REGION:
        return target.indicator_text
    return f"{target.indicator_text}（{target.get_scope_display()}{target.scope_value}）"


def quality_findings(rows: Sequence[TargetRow], facts: Facts | None) -> dict[str, list[str]]:
    """Quality findings (`eduplan.indicators.quality.check`) on the fact columns a target's indicator sums, in
    the year of its latest value."""
    if facts is None or not any(r.source == "computed" for r in rows):
        return {}
    try:
        from eduplan.indicators import quality
        from eduplan.indicators.catalogue import load_catalogue
        from eduplan.indicators.engine import sides

        found = quality.check(facts)
        catalogue = load_catalogue()
    except Exception as exc:
        log.warning("quality findings unavailable: %s", exc)
        return {}
    out: dict[str, list[str]] = {}
    for row in rows:
        ind = catalogue.indicators.get(row.target.indicator_code)
        if row.source != "computed" or ind is None or ind.reported or row.judgement.latest_year is None:
            continue
        columns = {t.column for side in sides(ind) for t in side}
        hits = found.filter(
            pl.col("field").is_in(list(columns)) & (pl.col("year") == row.judgement.latest_year)
        )
        if hits.height:
            first = hits.row(0, named=True)
            out[row.spec.key] = [f"{row.judgement.latest_year} 年输入数据有 {hits.height} 条质量问题，"
                                 f"如 {first['unit']}：{first['rule']}（{first['message']}）"]  # fmt: skip
    return out
