"""The indicator computation written as competent pandas: masked columns and one group-by per source table.

Same terms, stage split, roll-up, miss counting and outputs as the engine (engine.py, sums.py): every term reading
a table is a masked column of that table, and the table is grouped once for all of them, then each level once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from eduplan.facts import Facts
from eduplan.indicators.catalogue import Indicator
from eduplan.indicators.engine import MISS, applies_filters, hierarchy, sides, years_of
from eduplan.indicators.formula import GRADE_COLUMNS, HEALTH_COLUMNS, STAGE_COLUMNS, Term
from eduplan.indicators.split import NOT_SPLIT, stage_weights
from eduplan.indicators.sums import PRINCIPAL_AGE_LIMIT, SMALL_SCHOOL_PUPILS

SY = ["school", "year"]
SYS = ["school", "year", "stage"]


def to_pandas(facts: Facts) -> dict[str, pd.DataFrame]:
    """Plain pandas frames (NumPy columns; a null int is NaN): the baseline's input, made before timing."""
    return {
        name: pd.DataFrame({c: frame[c].to_numpy() for c in frame.columns}, columns=frame.columns)
        for name, frame in facts.frames().items()
    }


def _attr_mask(frame: pd.DataFrame, filters: Sequence[tuple[str, tuple[str, ...]]]) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for key, values in filters:
        if key in ("grade", "age"):
            mask &= frame[key].isin([int(v) for v in values]).to_numpy()
        elif key == "boarding":
            mask &= (frame[key] == (values[0] == "true")).to_numpy()
        else:
            mask &= frame[key].isin(values).to_numpy()
    return mask


def _grade_rows(d: dict[str, pd.DataFrame], terms: Sequence[Term]) -> pd.DataFrame:
    """Per (school, year, stage): pupils, known pupils and every grade term column with its miss count."""
    g = d["grade_year"]
    enrollment = g["enrollment"]
    keys = {c: g[c] for c in SYS}
    cols: dict[str, object] = {"pupils": enrollment.fillna(0), "known": enrollment.notna().astype(int)}
    for t in terms:
        if t.column in GRADE_COLUMNS:
            grades = t.filter("grade")
            keep = g["grade"].isin([int(x) for x in grades]).to_numpy() if grades else True
            name = _grade_name(t)
            cols[name] = np.where(keep, g[t.column].fillna(0), 0.0)
            cols[name + MISS] = (keep & g[t.column].isna()).astype(int)
    return _frame(keys, cols).groupby(SYS, as_index=False, sort=False).sum().assign(graded=True)


def _grade_name(t: Term) -> str:
    return f"{t.column}|grade={','.join(t.filter('grade'))}"


def _stage_rows(d: dict[str, pd.DataFrame], terms: Sequence[Term]) -> pd.DataFrame:
    """Grade sums, stage statistics and split school resources per (school, year, stage), with miss counts."""
    rows = _grade_rows(d, terms)
    stage_cols = sorted({t.column for t in terms if t.column in STAGE_COLUMNS})
    rows = rows.merge(d["stage_year"][[*SYS, *stage_cols]], on=SYS, how="outer")
    graded = rows["graded"].fillna(False).astype(bool).to_numpy()
    new: dict[str, object] = {"graded": graded}
    new |= {c + MISS: rows[c].isna().astype(int) for c in stage_cols}
    counts = [c for c in rows.columns if c.endswith(MISS) or c in ("pupils", "known", *stage_cols)]
    new |= {c: rows[c].fillna(0) for c in counts}
    rows = _with(rows, new)
    split_cols = sorted(
        {t.column for t in terms if t.column not in GRADE_COLUMNS and t.column not in STAGE_COLUMNS}
    )
    if split_cols:
        share = _shares(rows, graded)
        rows = rows.merge(d["school_year"][[*SY, *split_cols]], on=SY, how="left")
        new = {}
        for c in split_cols:
            whole = rows[c].to_numpy(dtype=float)
            missing = graded & np.isnan(whole)
            value = np.where(graded, np.nan_to_num(whole), 0.0)
            if c not in NOT_SPLIT:
                missing |= graded & np.isnan(share)
                value = np.where(np.isnan(share), 0.0, value * share)
            new[c], new[c + MISS] = value, missing.astype(int)
        rows = _with(rows, new)
    return rows


def _with(frame: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
    """`frame` with `columns` set all at once (one at a time fragments the frame's blocks)."""
    kept = frame.drop(columns=[c for c in columns if c in frame.columns])
    return pd.concat([kept, pd.DataFrame(columns, index=frame.index)], axis=1)


def _shares(rows: pd.DataFrame, graded: np.ndarray) -> np.ndarray:
    weights, default = stage_weights()
    weight = rows["stage"].map(weights).fillna(default).to_numpy()
    unknown = graded & (rows["known"].to_numpy() == 0)
    weighted = np.where(unknown, 0.0, rows["pupils"].to_numpy() * weight)
    parts = pd.DataFrame({"school": rows["school"], "year": rows["year"], "n": graded.astype(int),
                          "total": np.where(graded, weighted, 0.0), "weights": np.where(graded, weight, 0.0),
                          "unknown": (unknown & graded).astype(int)})  # fmt: skip
    per_school = parts.groupby(SY, as_index=False, sort=False).sum()
    back = rows[SY].merge(per_school, on=SY, how="left")
    n, total, wsum = (back[c].to_numpy() for c in ("n", "total", "weights"))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total == 0, weight / wsum, weighted / total)
    share = np.where(back["unknown"].to_numpy() > 0, np.nan, share)
    return np.where(n == 1, 1.0, share)


def _stage_terms(rows: pd.DataFrame, terms: Sequence[Term], attrs: pd.DataFrame) -> pd.DataFrame:
    """Per (school, year): each stage term summed over the stages it names, one group-by for all of them."""
    rows = rows.merge(attrs, on="school", how="left")
    cols: dict[str, object] = {
        "pupils": np.where(rows["graded"], rows["pupils"], 0.0),
        "known": rows["known"],
    }
    masks: dict[tuple[tuple[str, tuple[str, ...]], ...], np.ndarray] = {}  # one per filter set
    for t in terms:
        source = _grade_name(t) if t.column in GRADE_COLUMNS else t.column
        filters = tuple((k, v) for k, v in t.filters if k != "grade")
        mask = masks[filters] if filters in masks else masks.setdefault(filters, _attr_mask(rows, filters))
        cols[t.key] = np.where(mask, rows[source], 0.0)
        cols[t.key + MISS] = np.where(mask, rows[source + MISS], 0)
    keys = {"school": rows["school"], "year": rows["year"]}
    return _frame(keys, cols).groupby(SY, as_index=False, sort=False).sum()


def _frame(keys: dict[str, object], values: dict[str, object]) -> pd.DataFrame:
    """Key columns beside one float block of values (made column by column, pandas keeps a block per column)."""
    block = np.column_stack([np.asarray(v, dtype=float) for v in values.values()])
    return pd.concat([pd.DataFrame(keys), pd.DataFrame(block, columns=list(values))], axis=1)


def _school_terms(
    d: dict[str, pd.DataFrame], terms: Sequence[Term], keys: pd.DataFrame, attrs: pd.DataFrame
) -> pd.DataFrame:
    """Per (school, year): school_year, health and derived columns masked by the school's attributes."""
    f = keys.merge(d["school_year"], on=SY, how="left")
    groups = d["memberships"][SY].drop_duplicates().assign(in_group=1)
    health_cols = list(HEALTH_COLUMNS)
    health = d["health_year"][[*SY, *health_cols]]
    health = health.assign(**{c + MISS: health[c].isna().astype(int) for c in health_cols})
    health = health.groupby(SY, as_index=False, sort=False).sum()
    f = (
        f.merge(groups, on=SY, how="left")
        .merge(health, on=SY, how="left")
        .merge(attrs, on="school", how="left")
    )
    pupils = f["pupils"].where(f["known"] > 0)
    derived = {
        "schools": pd.Series(1.0, index=f.index),
        "pupils": pupils,
        "in_group": f["in_group"].fillna(0),
        "small_school": (pupils < SMALL_SCHOOL_PUPILS).astype(float).where(pupils.notna()),
        "principal_le45": (f["principal_age"] <= PRINCIPAL_AGE_LIMIT).astype(float).where(f["principal_age"].notna()),
        "principal_rotated": f["principal_rotated"].astype(float),
        "funds_total": f["public_funds_per_pupil"] * pupils,
    }  # fmt: skip
    out: dict[str, object] = {}
    masks: dict[tuple[tuple[str, tuple[str, ...]], ...], np.ndarray] = {}  # one per filter set
    for t in terms:
        mask = (
            masks[t.filters] if t.filters in masks else masks.setdefault(t.filters, _attr_mask(f, t.filters))
        )
        if t.column in HEALTH_COLUMNS:
            value, miss = f[t.column].fillna(0), f[t.column + MISS].fillna(0)
        else:
            series = derived.get(t.column, f.get(t.column))
            value, miss = series.fillna(0), series.isna().astype(int)
        out[t.key] = np.where(mask, value, 0.0)
        out[t.key + MISS] = np.where(mask, miss, 0)
    return _frame({"school": f["school"], "year": f["year"]}, out)


def school_frame(d: dict[str, pd.DataFrame], terms: Sequence[Term]) -> pd.DataFrame:
    attrs = d["schools"].rename(columns={"code": "school"})
    attrs = attrs.drop_duplicates("school")[
        ["school", "township", "school_type", "ownership", "locale", "boarding"]
    ]
    stage_terms = [t for t in terms if t.base == "stage"]
    stage = _stage_terms(_stage_rows(d, stage_terms), stage_terms, attrs)
    keys = pd.concat([d[t][SY] for t in ("school_year", "stage_year", "grade_year", "health_year")])
    keys = keys.drop_duplicates().merge(stage, on=SY, how="left")
    keys[["pupils", "known"]] = keys[["pupils", "known"]].fillna(0)
    school = _school_terms(d, [t for t in terms if t.base == "school"], keys[[*SY, "pupils", "known"]], attrs)
    frame = keys.drop(columns=["pupils", "known"]).merge(school, on=SY, how="left")
    cols = [c for t in terms for c in (t.key, t.key + MISS)]
    frame = frame.fillna(dict.fromkeys(cols, 0))
    return frame.merge(attrs, on="school", how="left").copy()  # copy(): one block per dtype again


def _population(d: dict[str, pd.DataFrame], terms: Sequence[Term]) -> pd.DataFrame:
    pop = d["population"]
    cols: dict[str, object] = {}
    for t in terms:
        keep = _attr_mask(pop, t.filters)
        cols[t.key] = np.where(keep, pop["population"].fillna(0), 0.0)
        cols[t.key + "_n"] = keep.astype(int)
    keys = {"township": pop["township"], "year": pop["year"]}
    return _frame(keys, cols).groupby(["township", "year"], as_index=False, sort=False).sum()


def level_frames(facts: Facts, d: dict[str, pd.DataFrame], terms: Sequence[Term]) -> dict[str, pd.DataFrame]:
    lagged = [t for t in terms if t.lag]
    plain = list(
        {t.key: t for t in (*(t for t in terms if not t.lag), *(t.unlagged for t in lagged))}.values()
    )
    school_terms = [t for t in plain if t.base != "township"]
    pop_terms = [t for t in plain if t.base == "township"]
    schools = school_frame(d, school_terms)
    cols = [c for t in school_terms for c in (t.key, t.key + MISS)]
    h = hierarchy(facts)
    tree = pd.DataFrame({c: h[c].to_numpy() for c in h.columns})
    years = pd.DataFrame({"year": years_of(facts)})
    town = tree[["township"]].merge(years, how="cross")
    sums = (
        schools[["township", "year", *cols]].groupby(["township", "year"], as_index=False, sort=False).sum()
    )
    town = town.merge(sums, on=["township", "year"], how="left")
    town = town.fillna(dict.fromkeys(cols, 0))
    if pop_terms:
        town = town.merge(_population(d, pop_terms), on=["township", "year"], how="left")
        new: dict[str, object] = {}
        for t in pop_terms:
            new[t.key + MISS] = (len(t.filter("age")) or 19) - town.pop(t.key + "_n").fillna(0)
            new[t.key] = town[t.key].fillna(0)
        town = _with(town, new)
    all_cols = cols + [c for t in pop_terms for c in (t.key, t.key + MISS)]
    town = town.merge(tree, on="township", how="left").copy()
    levels = {
        "school": schools.rename(columns={"school": "unit"}),
        "township": town.rename(columns={"township": "unit"}),
    }
    for lv in ("county", "city", "province"):
        levels[lv] = (
            town.groupby([lv, "year"], as_index=False, sort=False)[all_cols]
            .sum()
            .rename(columns={lv: "unit"})
        )
    for name, frame in levels.items():
        for t in lagged:
            if t.unlagged.key not in frame:
                continue
            earlier = frame[["unit", "year", t.unlagged.key, t.unlagged.key + MISS]].copy()
            earlier["year"] += t.lag
            earlier.columns = ["unit", "year", t.key, t.key + MISS]
            frame = frame.merge(earlier, on=["unit", "year"], how="left")
            frame[t.key] = frame[t.key].fillna(0)
            frame[t.key + MISS] = frame[t.key + MISS].fillna(1)
        levels[name] = frame
    return levels


class _Reasons:
    """Reason texts as positions in one list (−1: none), made once per distinct text, not once per row."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._at: dict[str, int] = {}

    def codes(self, kind: np.ndarray, count: np.ndarray, ind: Indicator) -> np.ndarray:
        out = np.full(len(kind), -1)
        for k, n in set(zip(kind[kind > 0].tolist(), count[kind > 0].astype(int).tolist(), strict=True)):
            text = (f"分子“{ind.numerator_label}”缺少 {n} 项数据", f"分母“{ind.denominator_label}”缺少 {n} 项数据",
                    f"分母“{ind.denominator_label}”为 0")[k - 1]  # fmt: skip
            out[(kind == k) & (count == n)] = self._at.setdefault(text, len(self._at))
            if len(self.texts) < len(self._at):
                self.texts.append(text)
        return out


def _side(frame: pd.DataFrame, terms: Sequence[Term]) -> tuple[np.ndarray, np.ndarray]:
    total = frame[terms[0].key].to_numpy().copy()
    for t in terms[1:]:
        total = total + frame[t.key].to_numpy()
    return total, sum(frame[t.key + MISS].to_numpy() for t in terms)


def _values(ind: Indicator, frame: pd.DataFrame, level: str, reasons: _Reasons) -> dict[str, np.ndarray]:
    num_terms, den_terms = sides(ind)
    needed = [
        "unit",
        "year",
        *dict.fromkeys(c for t in (*num_terms, *den_terms) for c in (t.key, t.key + MISS)),
    ]
    if level == "school":
        filters = applies_filters(ind, num_terms)
        frame = frame.loc[_attr_mask(frame, filters), needed]
    num, num_miss = _side(frame, num_terms)
    kind, count = np.where(num_miss > 0, 1, 0), num_miss
    if den_terms:
        den, den_miss = _side(frame, den_terms)
        kind = np.where(kind > 0, kind, np.where(den_miss > 0, 2, np.where(den == 0, 3, 0)))
        count = np.where(kind == 1, num_miss, den_miss)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where((num_miss == 0) & (den_miss == 0) & (den != 0), num / den * ind.scale, np.nan)
        denominator = np.where(den_miss == 0, den, np.nan)
    else:
        value, denominator = np.where(num_miss == 0, num, np.nan), np.full(len(frame), np.nan)
    return {"unit": frame["unit"].to_numpy(), "year": frame["year"].to_numpy(), "value": value,
            "numerator": np.where(num_miss == 0, num, np.nan), "denominator": denominator,
            "reason": reasons.codes(kind, count, ind)}  # fmt: skip


def pandas_compute(facts: Facts, d: dict[str, pd.DataFrame], inds: list[Indicator]) -> pd.DataFrame:
    """Every computed indicator of `inds` at every level; code, level and reason as categoricals."""
    computed = [i for i in inds if not i.reported]
    terms = list({t.key: t for i in computed for side in sides(i) for t in side}.values())
    levels = level_frames(facts, d, terms)
    reasons = _Reasons()
    parts, codes, level_names = [], [], list(levels)
    for i, ind in enumerate(computed):
        for lv in ind.levels:
            parts.append(_values(ind, levels[lv], lv, reasons))
            codes.append(np.full(len(parts[-1]["unit"]), i))
            level_names_at = level_names.index(lv)
            parts[-1]["level"] = np.full(len(codes[-1]), level_names_at)
    columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {}
    return pd.DataFrame({
        "code": pd.Categorical.from_codes(np.concatenate(codes), [i.code for i in computed]) if parts else [],
        "unit": columns.get("unit", []),
        "level": pd.Categorical.from_codes(columns["level"], level_names) if parts else [],
        **{k: columns.get(k, []) for k in ("year", "value", "numerator", "denominator")},
        "reason": pd.Categorical.from_codes(columns["reason"], reasons.texts) if parts else [],
    })  # fmt: skip
