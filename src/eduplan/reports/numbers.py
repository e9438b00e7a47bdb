"""Numbers as a Chinese official document writes them: 96%, 1,071个, 3.5个百分点, 2.8亿元."""

from __future__ import annotations

# Units counted in whole things: shown without decimals and with thousands separators.
COUNT_UNITS = ("人", "个", "所", "名", "间", "项", "班", "台", "人次")


def num(value: float | None, unit: str = "") -> str:
    """`value` with its unit; '—' when unknown. Rates keep up to two decimals, counts none."""
    if value is None:
        return "—"
    if unit in COUNT_UNITS:
        return f"{value:,.0f}{unit}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" + unit if text in ("-0", "") else text + unit


def difference(delta: float, unit: str) -> str:
    """A difference between two values: percentage points for rates."""
    if unit == "%":
        return f"{num(abs(delta))}个百分点"
    return num(abs(delta), unit)


def money(yuan: float) -> str:
    """Yuan as 万元 (or 亿元 from one hundred million), rounded to one decimal."""
    if abs(yuan) >= 1e8:
        return f"{yuan / 1e8:,.2f}亿元"
    return f"{yuan / 1e4:,.1f}万元"


def share(part: int, whole: int) -> str:
    return "—" if whole == 0 else f"{part / whole:.0%}"
