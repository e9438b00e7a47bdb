"""Early warnings on a plan's targets, ranked: missed deadlines and off track first, then forecasts to miss, missed milestones,
missing data and quality findings; within a kind, the nearest deadline and the worst ratio first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eduplan.monitoring.progress import Judgement, TargetSpec

# Kinds in order of urgency (rank 1 is the most urgent).
KINDS: dict[str, tuple[int, str]] = {
    "not_achieved": (1, "到期未实现"),
    "off_track": (1, "偏离目标"),
    "forecast_miss": (2, "预计到期无法实现"),
    "milestone_missed": (3, "未达年度里程碑"),
    "data_missing": (4, "数据缺失"),
    "quality": (5, "数据质量问题"),
}
OFF_TRACK = ("deteriorating", "limited")
# Data older than this many years before the evaluation year count as missing.
STALE_YEARS = 1


@dataclass(frozen=True)
class Warning:
    kind: str
    target_key: str
    label: str
    message: str
    target_year: int
    ratio: float | None = None

    @property
    def rank(self) -> int:
        return KINDS[self.kind][0]

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind][1]


def target_warnings(
    spec: TargetSpec, j: Judgement, label: str, as_of: int | None, findings: Sequence[str] = ()
) -> list[Warning]:
    """Every warning one target raises."""
    out: list[Warning] = []

    def add(kind: str, message: str) -> None:
        out.append(Warning(kind, spec.key, label, message, spec.target_year, j.ratio))

    if j.status == "not_achieved":
        add("not_achieved", f"{label}：{j.reason}")
    if j.status in OFF_TRACK:
        add("off_track", f"{label}：{j.status_label}（{j.reason}）")
    if j.status not in ("achieved", "no_data") and j.forecast_meets_target is False and not spec.recurrence:
        add(
            "forecast_miss",
            f"{label}：按近期趋势预计 {spec.target_year} 年为 {j.forecast_value:.2f}，达不到目标 {j.target_value:g}",
        )
    if j.milestones_missed:
        years = "、".join(str(y) for y in j.milestones_missed)
        add("milestone_missed", f"{label}：{years} 年未达到年度目标")
    if j.latest_year is None:
        add("data_missing", f"{label}：没有数据")
    elif as_of is not None and j.latest_year < as_of - STALE_YEARS:
        add(
            "data_missing", f"{label}：最新数据为 {j.latest_year} 年，缺少 {j.latest_year + 1}—{as_of} 年数据"
        )
    for finding in findings:
        add("quality", f"{label}：{finding}")
    return out


def rank_warnings(
    targets: Sequence[tuple[TargetSpec, Judgement, str]],
    as_of: int | None = None,
    findings: Mapping[str, Sequence[str]] | None = None,
) -> list[Warning]:
    """All warnings of all targets, most urgent first."""
    found = findings or {}
    warnings = [
        w
        for spec, j, label in targets
        for w in target_warnings(spec, j, label, as_of, found.get(spec.key, ()))
    ]
    return sorted(
        warnings, key=lambda w: (w.rank, w.target_year, w.ratio if w.ratio is not None else 0.0, w.label)
    )
