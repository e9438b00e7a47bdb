"""Server-side SVG charts: no JavaScript, nothing fetched; Chinese labels use the page's CJK font.

line_chart([Series("实际值", [(2019, 95.1), (2020, 97.2)]),
            Series("目标轨迹", [(2020, 96), (2025, 98)], dashed=True)],
           title="学前三年毛入园率", y_label="%", hlines=[HLine(96, "目标 96%")],
           bands=[Band("预测区间", [(2025, 95.0, 99.0)])])
bar_chart(["甲镇", "乙镇"], [0.31, 0.52], title="差异系数", limit=HLine(0.5, "限值 0.50"))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1d5fa8", "#c62828", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f", "#5d4037", "#455a64")
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 16, 36, 52


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[float, float | None]]
    dashed: bool = False
    color: str = ""


@dataclass(frozen=True)
class Band:
    """A shaded range, e.g. a forecast interval: points are (x, low, high)."""

    name: str
    points: Sequence[tuple[float, float, float]]
    color: str = "#1d5fa8"


@dataclass(frozen=True)
class HLine:
    value: float
    label: str = ""
    color: str = "#c62828"


@dataclass
class _Frame:
    x0: float
    x1: float
    y0: float
    y1: float
    width: int
    height: int
    parts: list[str] = field(default_factory=list)

    def x(self, v: float) -> float:
        span = self.x1 - self.x0 or 1.0
        return PAD_LEFT + (v - self.x0) / span * (self.width - PAD_LEFT - PAD_RIGHT)

    def y(self, v: float) -> float:
        span = self.y1 - self.y0 or 1.0
        return self.height - PAD_BOTTOM - (v - self.y0) / span * (self.height - PAD_TOP - PAD_BOTTOM)


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1.0
    step = 10 ** math.floor(math.log10((hi - lo) / count))
    for mult in (1, 2, 2.5, 5, 10):
        if (hi - lo) / (step * mult) <= count:
            step *= mult
            break
    start = math.floor(lo / step) * step
    return [
        round(start + i * step, 10)
        for i in range(int((hi - start) / step) + 2)
        if start + i * step <= hi + step
    ]


def _fmt(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.4g}"


def _open(frame: _Frame, title: str, y_label: str) -> None:
    w, h = frame.width, frame.height
    frame.parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        f'role="img" aria-label="{escape(title)}" font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" font-size="12">'
    )
    frame.parts.append(
        f'<text x="{w / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">{escape(title)}</text>'
    )
    if y_label:
        frame.parts.append(f'<text x="12" y="{PAD_TOP - 8}" fill="#616e7c">{escape(y_label)}</text>')
    for t in _nice_ticks(frame.y0, frame.y1):
        if frame.y0 <= t <= frame.y1:
            y = frame.y(t)
            frame.parts.append(
                f'<line x1="{PAD_LEFT}" x2="{w - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e9ee"/>'
            )
            frame.parts.append(
                f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#616e7c">{_fmt(t)}</text>'
            )


def _hline(frame: _Frame, line: HLine) -> None:
    y = frame.y(line.value)
    frame.parts.append(
        f'<line x1="{PAD_LEFT}" x2="{frame.width - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{line.color}" '
        f'stroke-dasharray="6 4"/><text x="{frame.width - PAD_RIGHT}" y="{y - 4:.1f}" text-anchor="end" '
        f'fill="{line.color}">{escape(line.label)}</text>'
    )


def _legend(frame: _Frame, items: Sequence[tuple[str, str, bool]]) -> None:
    x = PAD_LEFT
    y = frame.height - 12
    for name, color, dashed in items:
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        frame.parts.append(
            f'<line x1="{x}" x2="{x + 22}" y1="{y - 4}" y2="{y - 4}" stroke="{color}" stroke-width="2.5"{dash}/>'
        )
        frame.parts.append(f'<text x="{x + 28}" y="{y}">{escape(name)}</text>')
        x += 40 + 14 * len(name)


def _bounds(values: list[float], extra: Sequence[float]) -> tuple[float, float]:
    allv = values + list(extra)
    lo, hi = (min(allv), max(allv)) if allv else (0.0, 1.0)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
    return lo - pad, hi + pad


def line_chart(
    series: Sequence[Series],
    *,
    title: str = "",
    y_label: str = "",
    hlines: Sequence[HLine] = (),
    bands: Sequence[Band] = (),
    width: int = 760,
    height: int = 340,
) -> SafeString:
    """Lines over years (x = year); gaps where a value is None."""
    xs = [p[0] for s in series for p in s.points] + [p[0] for b in bands for p in b.points]
    ys = [p[1] for s in series for p in s.points if p[1] is not None]
    ys += [v for b in bands for p in b.points for v in p[1:]]
    y0, y1 = _bounds(ys, [h.value for h in hlines])
    frame = _Frame(min(xs, default=0), max(xs, default=1), y0, y1, width, height)
    _open(frame, title, y_label)
    for x in sorted(set(xs)):
        frame.parts.append(
            f'<text x="{frame.x(x):.1f}" y="{height - PAD_BOTTOM + 16}" text-anchor="middle" fill="#616e7c">{_fmt(x)}</text>'
        )
    for band in bands:
        pts = sorted(band.points)
        upper = " ".join(f"{frame.x(x):.1f},{frame.y(hi):.1f}" for x, _, hi in pts)
        lower = " ".join(f"{frame.x(x):.1f},{frame.y(lo):.1f}" for x, lo, _ in reversed(pts))
        frame.parts.append(
            f'<polygon points="{upper} {lower}" fill="{band.color}" fill-opacity="0.15"><title>{escape(band.name)}</title></polygon>'
        )
    for line in hlines:
        _hline(frame, line)
    legend = []
    for i, s in enumerate(series):
        color = s.color or PALETTE[i % len(PALETTE)]
        legend.append((s.name, color, s.dashed))
        _polyline(frame, s, color)
    _legend(frame, legend)
    frame.parts.append("</svg>")
    return mark_safe("".join(frame.parts))


def _polyline(frame: _Frame, s: Series, color: str) -> None:
    dash = ' stroke-dasharray="6 4"' if s.dashed else ""
    run: list[str] = []
    for x, y in [*sorted(s.points, key=lambda p: p[0]), (math.inf, None)]:
        if y is None:
            if len(run) > 1:
                frame.parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2.5"{dash}/>'
                )
            run = []
            continue
        run.append(f"{frame.x(x):.1f},{frame.y(y):.1f}")
        frame.parts.append(
            f'<circle cx="{frame.x(x):.1f}" cy="{frame.y(y):.1f}" r="3.5" fill="{color}"><title>{escape(s.name)} {_fmt(x)}：{_fmt(y)}</title></circle>'
        )


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str = "",
    y_label: str = "",
    limit: HLine | None = None,
    colors: Sequence[str] = (),
    width: int = 760,
    height: int = 340,
) -> SafeString:
    """Vertical bars, one per label; a None value leaves its slot empty; an optional limit line."""
    known = [v for v in values if v is not None]
    _, y1 = _bounds([*known, 0.0], [limit.value] if limit else [])
    frame = _Frame(0, max(len(labels), 1), 0.0, y1, width, height)
    _open(frame, title, y_label)
    slot = (width - PAD_LEFT - PAD_RIGHT) / max(len(labels), 1)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        cx = PAD_LEFT + slot * (i + 0.5)
        frame.parts.append(
            f'<text x="{cx:.1f}" y="{height - PAD_BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>'
        )
        if value is None:
            continue
        color = colors[i] if i < len(colors) else PALETTE[0]
        top = frame.y(value)
        frame.parts.append(
            f'<rect x="{cx - slot * 0.35:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" height="{frame.y(0) - top:.1f}" '
            f'fill="{color}"><title>{escape(label)}：{_fmt(value)}</title></rect>'
            f'<text x="{cx:.1f}" y="{top - 4:.1f}" text-anchor="middle">{_fmt(value)}</text>'
        )
    if limit:
        _hline(frame, limit)
    frame.parts.append("</svg>")
    return mark_safe("".join(frame.parts))
