"""The report's 评价 of each target and its 进度, and the verdict words of the national evaluations.

One table maps the progress statuses (`eduplan.monitoring.progress`, and the ones issue 10 adds) to the words of
published 中期评估 reports (the 十四五 national mid-term review: 提前实现 / 快于预期 / 基本符合预期 / 滞后).
Two statuses are split by the data: an achieved target is 提前实现 before its year and 已实现 from it; an on-track
target is 快于预期 when its observed growth is at least the growth required (R ≥ 1, at or above the required path)
and 基本符合预期 when R lies in [0.95, 1), within the measure's own tolerance. Unknown statuses say 无法评估.
"""

from __future__ import annotations

from eduplan.reports.content import TargetLine

RATINGS: tuple[str, ...] = (
    "提前实现",
    "已实现",
    "快于预期",
    "基本符合预期",
    "滞后",
    "未实现（到期）",
    "无法评估",
)
STATUS_RATINGS: dict[str, str] = {
    "achieved": "提前实现",  # 已实现 once the latest data are of the target year or later
    "on_track": "基本符合预期",  # 快于预期 when R >= AHEAD_RATIO
    "acceleration_needed": "滞后",
    "limited": "滞后",
    "deteriorating": "滞后",
    "not_achieved": "未实现（到期）",
    "no_data": "无法评估",
    "incomplete": "无法评估",
}
AHEAD_RATIO = 1.0
GOOD = ("提前实现", "已实现", "快于预期", "基本符合预期")
BEHIND = ("滞后", "未实现（到期）")
RATING_COLORS = {
    "提前实现": "#2e7d32",
    "已实现": "#1b5e20",
    "快于预期": "#00838f",
    "基本符合预期": "#1d5fa8",
    "滞后": "#c62828",
    "未实现（到期）": "#8e0000",
    "无法评估": "#9aa5b1",
}
# CSS classes of the public page (no inline styles: the pages run under a content security policy).
RATING_CLASSES = {
    "提前实现": "r-early",
    "已实现": "r-done",
    "快于预期": "r-ahead",
    "基本符合预期": "r-on",
    "滞后": "r-behind",
    "未实现（到期）": "r-missed",
    "无法评估": "r-unknown",
}
# The national evaluations' verdicts (eduplan.standards; issue 10 adds incomplete).
VERDICT_WORDS = {"pass": "达标", "fail": "未达标", "incomplete": "无法评估"}
STANDARD_STATUS_WORDS = {"pass": "达标", "fail": "未达标", "pending": "待录入", "incomplete": "无法评估"}


def rating(line: TargetLine) -> str:
    """The 评价 of one target."""
    word = STATUS_RATINGS.get(line.status, "无法评估")
    if line.status == "achieved" and line.latest_year is not None and line.latest_year >= line.target_year:
        return "已实现"
    if line.status == "on_track" and line.ratio is not None and line.ratio >= AHEAD_RATIO:
        return "快于预期"
    return word


def progress(line: TargetLine) -> str:
    """The 进度 column: 已达到, the years met of a yearly target, or the share of the planned change achieved:
    (现状值 − 基期值) / (目标值 − 基期值)."""
    if line.recurrence and (line.years_met or line.milestones_missed):
        judged = len(line.years_met) + len(line.milestones_missed)
        return f"{len(line.years_met)}/{judged}年达标"
    if line.status == "achieved":
        return "已达到"
    base, target, latest = line.baseline_value, line.target_value, line.latest_value
    if base is None or target is None or latest is None or target == base or line.latest_year is None:
        return "—"
    return f"{(latest - base) / (target - base):.1%}"


def gap(line: TargetLine) -> float | None:
    """How far the latest value is from the target, in the good direction (positive: still to go)."""
    if line.latest_value is None or line.target_value is None:
        return None
    lower = line.comparator == "le" or (line.step is not None and line.step < 0)
    delta = line.target_value - line.latest_value
    return -delta if lower else delta


def ratio_text(line: TargetLine) -> str:
    """实际年均增长率为所需的45%, 较2020年（84.62%）没有提高, or 较2020年（90%）不进反退."""
    if line.ratio is None:
        return ""
    base = f"{line.baseline_year}年（{line.value(line.baseline_value)}）" if line.baseline_year else "基期"
    if line.ratio < 0:
        return f"较{base}不进反退"
    if round(line.ratio, 2) == 0:
        return f"较{base}没有提高"
    return f"实际年均增长率为所需的{line.ratio:.0%}"


def note(line: TargetLine, word: str) -> str:
    """The 说明 column: why, the trend, missed milestones, where the number comes from."""
    parts: list[str] = []
    if word == "无法评估":
        parts.append(line.reason or "数据不足")
    if not line.recurrence:
        parts.append(line.missed_text())  # first: it is why a target growing fast enough can still lag
    if word not in ("无法评估", "提前实现", "已实现"):
        parts.append(ratio_text(line))
    if word not in ("提前实现", "已实现") and line.forecast_value is not None and not line.recurrence:
        parts.append(f"按近期趋势预计{line.target_year}年为{line.value(line.forecast_value)}")
    if line.source == "manual":
        parts.append("数据为手工填报")
    return "；".join(p for p in parts if p)


def counts(lines: list[TargetLine]) -> dict[str, int]:
    """How many targets have each 评价, in the order of RATINGS (zeros kept)."""
    found = [rating(line) for line in lines]
    return {word: found.count(word) for word in RATINGS}
