"""The 差异系数 (coefficient of variation) of a per-pupil indicator across a county's schools.

X̄ = Σ resourceᵢ / Σ Pᵢ = Σ Pᵢ·Xᵢ / P;  S = √(Σ (Pᵢ/P)(Xᵢ − X̄)²);  CV = S / X̄,
with Pᵢ the school's pupils in the stage and Xᵢ its per-pupil (or per-hundred-pupil) value: the method of
教督〔2012〕3号 附件 and 教督〔2017〕6号, weighting each school by its pupils. The CV is scale-free, so per-pupil
and per-hundred values give the same coefficient.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from eduplan.errors import DataError


def weighted_cv(values: Sequence[float], pupils: Sequence[float]) -> float | None:
    """CV of `values` weighted by `pupils`; None when there are no pupils or the mean is 0."""
    pairs = [(x, p) for x, p in zip(values, pupils, strict=True) if x is not None and p]
    total = sum(p for _, p in pairs)
    if total <= 0:
        return None
    mean = sum(p * x for x, p in pairs) / total
    if mean == 0:
        return None
    variance = sum(p / total * (x - mean) ** 2 for x, p in pairs)
    return math.sqrt(variance) / mean


def cv_long(frame: pl.DataFrame, indicators: Sequence[str], by: str = "stage") -> pl.DataFrame:
    """(by, indicator, mean, sd, cv, schools) from a frame with `by`, `pupils` and one column per indicator."""
    long = frame.unpivot(
        index=[by, "pupils"], on=list(indicators), variable_name="indicator", value_name="__value"
    )
    long = long.filter(pl.col("__value").is_not_null() & (pl.col("pupils") > 0))
    p = pl.col("pupils").cast(pl.Float64)
    keys = [by, "indicator"]
    long = long.with_columns(((p * pl.col("__value")).sum().over(keys) / p.sum().over(keys)).alias("mean"))
    out = long.group_by(keys, maintain_order=True).agg(
        pl.col("mean").first(),
        ((p / p.sum() * (pl.col("__value") - pl.col("mean")) ** 2).sum()).sqrt().alias("sd"),
        pl.len().alias("schools"),
    )
    cv = pl.when(pl.col("mean") != 0).then(pl.col("sd") / pl.col("mean"))
    return out.with_columns(cv.alias("cv"))


CSV_KEYS = ("school", "stage", "pupils")
STAGE_CODES = {"小学": "primary", "初中": "junior"}  # a published table may name the stage in Chinese


def read_cv_csv(path: Path) -> pl.DataFrame:
    """A table of `school, stage, pupils, <indicator>...` with each school's per-pupil values."""
    if not path.is_file():
        raise DataError(f"找不到文件：{path}", english=f"no such file {path}")
    try:
        frame = pl.read_csv(path, infer_schema_length=None)
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"无法读取 CSV 文件 {path}：{exc}", english=f"cannot read {path}: {exc}") from exc
    missing = [c for c in CSV_KEYS if c not in frame.columns]
    if missing:
        raise DataError(
            f"{path.name} 缺少列：{'、'.join(missing)}（需要 school, stage, pupils 和每项指标一列）",
            english=f"{path.name} lacks columns {missing}",
        )
    indicators = [c for c in frame.columns if c not in CSV_KEYS]
    if not indicators:
        raise DataError(f"{path.name} 没有指标列", english=f"{path.name} has no indicator column")
    try:
        return frame.with_columns(
            pl.col("stage").cast(pl.String).replace(STAGE_CODES),
            pl.col("pupils").cast(pl.Float64),
            *(pl.col(c).cast(pl.Float64) for c in indicators),
        )
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"{path.name} 的学生数或指标列含非数字的值：{exc}", english=str(exc)) from exc


def cv_report(frame: pl.DataFrame) -> dict[str, object]:
    """The `evaluate cv` JSON: `cv[stage][indicator]`, `combined[stage]`, `schools[stage]`, and the same per stage.

    Both shapes are given so that `out["cv"]["primary"]` and `out["primary"]["cv"]` both read naturally.
    """
    stages = cv_by_stage(frame)
    out: dict[str, object] = {
        key: {s: d[key] for s, d in stages.items()} for key in ("cv", "combined", "schools")
    }
    return out | stages


def cv_by_stage(frame: pl.DataFrame) -> dict[str, dict[str, object]]:
    """{stage: {"cv": {indicator: cv}, "combined": mean of the CVs, "schools": n}} from a read_cv_csv frame."""
    indicators = [c for c in frame.columns if c not in CSV_KEYS]
    long = cv_long(frame, indicators)
    out: dict[str, dict[str, object]] = {}
    for stage in frame["stage"].unique(maintain_order=True).to_list():
        rows = long.filter(pl.col("stage") == stage)
        cvs = {r["indicator"]: r["cv"] for r in rows.iter_rows(named=True)}
        known = [v for v in cvs.values() if v is not None]
        out[stage] = {
            "cv": {k: cvs.get(k) for k in indicators},
            "combined": sum(known) / len(known) if known else None,
            "schools": int(frame.filter(pl.col("stage") == stage).height),
        }
    return out
