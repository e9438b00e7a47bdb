"""The forecast to the target year: a straight line through the recent trend, clipped to natural limits.

Model: ordinary least squares on the last `RECENT_POINTS` observed (year, value) pairs, extrapolated to the
target year. One point gives a flat forecast (no trend to extend). A percentage cannot leave [0, 100]
(see `progress.natural_limits`). The model is deliberately simple: plans run 5 years and counties have
5 to 10 yearly values, too few to fit anything with curvature honestly.
"""

from __future__ import annotations

from collections.abc import Sequence

Point = tuple[int, float]

RECENT_POINTS = 3


def linear_trend(points: Sequence[Point]) -> tuple[float, float]:
    """Slope and intercept of the least-squares line through `points` (at least two distinct years)."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def linear_forecast(
    points: Sequence[Point],
    year: int,
    *,
    recent: int = RECENT_POINTS,
    lower: float | None = None,
    upper: float | None = None,
) -> float | None:
    """The value in `year` on the line through the last `recent` points, clipped to [lower, upper]."""
    if not points:
        return None
    tail = sorted(points)[-recent:]
    if len(tail) == 1:
        value = tail[0][1]
    else:
        slope, intercept = linear_trend(tail)
        value = slope * year + intercept
    if lower is not None:
        value = max(value, lower)
    if upper is not None:
        value = min(value, upper)
    return round(value, 6)
