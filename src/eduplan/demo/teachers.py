"""Teacher records (专任教师名册) of the compulsory schools: a function of the facts, for every demo county.

Each school's roster has exactly the school_year counts of its year: teachers, PE and arts teachers, backbone
teachers and each qualification. Subjects follow the school's posts by the curriculum, bent the way rural
counties are (params.yaml `teacher_records`): rural schools short of science, IT and English teachers and long
in Chinese and maths; schools with more teachers than posts long in 语数. The later year's roster follows from
the earlier one: teachers age, retire at 60, leave schools that no longer need them for schools that do, and
new teachers are hired where a gap remains.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from eduplan.demo.params import Params, load_params
from eduplan.facts import TEACHERS, Facts
from eduplan.staffing.norms import COMPULSORY, Norms, load_norms, subject_demand

Teacher = dict[str, Any]
QUALIFICATION_COLUMNS = {
    "postgrad": "teachers_postgrad",
    "bachelor": "teachers_bachelor",
    "college": "teachers_college",
    "secondary": "teachers_secondary",
}
TITLE_ORDER = ("senior_full", "senior", "first", "second", "third", "none")
ARTS = ("music", "art")
OUT_OF_FIELD = ("pe", "music", "art", "science", "physics", "chemistry", "biology", "it")
RETIREMENT_AGE = 60


@dataclass
class Target:
    """What one school's roster must hold in one year."""

    code: str
    locale: str
    ownership: str
    township: str
    stages: dict[str, int]  # stage -> teachers
    pe: dict[str, int]
    arts: dict[str, int]
    weights: dict[str, dict[str, float]]  # stage -> pool -> posts (bent by locale), PE and arts excluded
    backbone: int | None
    qualifications: dict[str, int] | None
    exact: bool  # a purely compulsory school: the records must add up to its school_year counts


@dataclass
class Run:
    rng: np.random.Generator
    p: Params
    norms: Norms
    county: str
    town: str  # the county town's township
    next_id: int = 1
    leavers: list[Teacher] = field(default_factory=list)

    def new_id(self) -> str:
        self.next_id += 1
        return f"{self.county}{self.next_id - 1:06d}"  # 12 digits: county and a number, nothing personal


def with_teachers(facts: Facts, seed: int | None = None) -> Facts:
    """`facts` with its teacher records filled in (the demo build's hook)."""
    facts.teachers = generate_teachers(facts, seed)
    return facts


def generate_teachers(facts: Facts, seed: int | None = None) -> pl.DataFrame:
    """Rosters of the last `teacher_records.years` school years of every county in `facts`."""
    params = load_params()
    tp = params["teacher_records"]
    if facts.school_year.is_empty():
        return TEACHERS.empty()
    years = sorted(int(y) for y in facts.school_year["year"].unique())[-int(tp["years"]) :]
    counties = facts.org_units.filter(pl.col("level") == "county")["code"].sort().to_list()
    rows: list[Teacher] = []
    for i, county in enumerate(counties):
        rng = np.random.default_rng([params["seed"] if seed is None else seed, int(tp["seed_stream"]), i])
        run = Run(rng, params, load_norms(county[:2]), county, _county_town(facts, county))
        roster: list[Teacher] = []
        for year in years:
            targets = _targets(facts, county, year, run)
            roster = _first(run, targets, year) if not roster else _next(run, roster, targets, year)
            rows.extend(dict(t, year=year) for t in roster)
    return pl.DataFrame(rows, schema=TEACHERS.polars_schema()).sort("year", "school", "teacher")


def _county_town(facts: Facts, county: str) -> str:
    urban = facts.schools.filter(pl.col("township").str.starts_with(county) & (pl.col("locale") == "urban"))
    townships = (
        urban["township"]
        if urban.height
        else facts.schools["township"].filter(facts.schools["township"].str.starts_with(county))
    )
    return str(townships.mode().sort()[0]) if townships.len() else f"{county}001"


# ---------------------------------------------------------------------------------------------- targets


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` split in proportion to `weights` by largest remainders (ties by key, so runs repeat)."""
    keys = sorted(k for k, w in weights.items() if w > 0)
    if total <= 0 or not keys:
        return {k: 0 for k in weights}
    whole = sum(weights[k] for k in keys)
    exact = {k: total * weights[k] / whole for k in keys}
    out = {k: int(exact[k]) for k in keys}
    for k in sorted(keys, key=lambda k: (-(exact[k] - out[k]), k))[: total - sum(out.values())]:
        out[k] += 1
    return {k: out.get(k, 0) for k in weights}


def _targets(facts: Facts, county: str, year: int, run: Run) -> list[Target]:
    schools = facts.schools.filter(pl.col("township").str.starts_with(county))
    grades = facts.grade_year.filter(
        (pl.col("year") == year) & pl.col("school").is_in(schools["code"].implode())
    )
    demand: dict[str, dict[tuple[str, str], float]] = {}
    for school, stage, pool, required in (
        subject_demand(grades, run.norms).select("school", "stage", "pool", "required").iter_rows()
    ):
        demand.setdefault(school, {})[(stage, pool)] = required
    pupils: dict[str, dict[str, int]] = {}
    for school, stage, n in grades.group_by("school", "stage").agg(pl.col("enrollment").sum()).iter_rows():
        pupils.setdefault(school, {})[stage] = n or 0
    sy = {r["school"]: r for r in facts.school_year.filter(pl.col("year") == year).iter_rows(named=True)}
    out = []
    for school in schools.iter_rows(named=True):
        row = sy.get(school["code"])
        if row is None or not row["teachers"] or school["code"] not in demand:
            continue
        target = _target(school, row, demand[school["code"]], pupils.get(school["code"], {}), run)
        if target is not None:
            out.append(target)
    return out


def _target(
    school: dict[str, Any],
    sy: dict[str, Any],
    demand: dict[tuple[str, str], float],
    pupils: dict[str, int],
    run: Run,
) -> Target | None:
    compulsory = sum(v for s, v in pupils.items() if s in COMPULSORY)
    if compulsory == 0:
        return None
    whole = sum(pupils.values())
    exact = compulsory == whole
    share = 1.0 if exact else compulsory / whole
    n = round(sy["teachers"] * share)
    need = {s: sum(r for (st, _), r in demand.items() if st == s) for s in COMPULSORY}
    stages = apportion(n, need)
    pe = _by_stage(round((sy["teachers_pe"] or 0) * share), demand, ("pe",), stages)
    arts = _by_stage(round((sy["teachers_arts"] or 0) * share), demand, ARTS, stages)
    bend = run.p["teacher_records"]["subject_factor"][school["locale"]]
    weights: dict[str, dict[str, float]] = {s: {} for s in COMPULSORY}
    for (stage, pool), required in demand.items():
        if pool not in ("pe", *ARTS):
            weights[stage][pool] = required * float(bend.get(pool, 1.0))
    quals = {q: sy[c] for q, c in QUALIFICATION_COLUMNS.items()}
    known = exact and all(v is not None for v in quals.values()) and sum(quals.values()) == n
    return Target(
        school["code"], school["locale"], school["ownership"], school["township"], stages, pe, arts, weights,
        sy["teachers_backbone"] if exact else None, quals if known else None, exact,
    )  # fmt: skip


def _by_stage(
    total: int, demand: dict[tuple[str, str], float], pools: tuple[str, ...], stages: dict[str, int]
) -> dict[str, int]:
    need = {s: sum(r for (st, pool), r in demand.items() if st == s and pool in pools) for s in COMPULSORY}
    split = apportion(total, need)
    return {s: min(split[s], stages[s]) for s in COMPULSORY}


# ---------------------------------------------------------------------------------------------- people


def _draw(rng: np.random.Generator, shares: dict[str, float], n: int) -> list[str]:
    """n values drawn with the given shares."""
    keys = sorted(shares)
    cum = np.cumsum([float(shares[k]) for k in keys])
    return [
        keys[i]
        for i in np.minimum(np.searchsorted(cum / cum[-1], rng.random(n), side="right"), len(keys) - 1)
    ]


def _titles(rng: np.random.Generator, bands: dict[int, list[float]], ages: np.ndarray) -> list[str]:
    """Titles drawn from the shares of each teacher's age band."""
    edges = sorted(bands)
    cum = np.cumsum([bands[e] for e in edges], axis=1)
    cum = cum / cum[:, -1:]
    rows = cum[np.minimum(np.searchsorted(edges, ages), len(edges) - 1)]
    picked = np.minimum((rng.random(len(ages))[:, None] >= rows).sum(axis=1), len(TITLE_ORDER) - 1)
    return [TITLE_ORDER[i] for i in picked]


def _people(run: Run, t: Target, stage: str, subjects: list[str], year: int, hired: bool) -> list[Teacher]:
    """New records for `subjects` at school `t`: drawn ages, tenure, titles, certificates and homes."""
    tp, rng, n = run.p["teacher_records"], run.rng, len(subjects)
    if n == 0:
        return []
    low, high = tp["age"][t.locale]
    ages = rng.integers(22, 29, n) if hired else rng.integers(low, high + 1, n)
    if t.locale == "rural" and not hired:
        older = rng.random(n) < float(tp["rural_older"])
        ages = np.where(older, rng.integers((low + high) // 2, high + 1, n), ages)
    tenure = (
        np.zeros(n, np.int64)
        if hired
        else np.minimum(rng.exponential(float(tp["tenure_mean"]), n).astype(np.int64), ages - 22)
    )
    quals = ["bachelor"] * n if hired else _draw(rng, {"bachelor": 0.6, "college": 0.4}, n)
    titles = ["none"] * n if hired else _titles(rng, {int(k): v for k, v in tp["title_by_age"].items()}, ages)
    established = rng.random(n) < float(tp["established"][t.ownership])
    appraisals = _draw(rng, tp["appraisal"], n)
    certs = _certificates(run, t, stage, subjects)
    homes = _homes(run, t, n)
    return [
        {"teacher": run.new_id(), "school": t.code, "stage": stage, "subject": subjects[i],
         "qualification": quals[i], "title": titles[i], "birth_year": year - int(ages[i]), "backbone": None,
         "established": bool(established[i]), "principal": False, "joined_year": year - int(tenure[i]),
         "appraisal": appraisals[i], "cert_stage": certs[i][0], "cert_subject": certs[i][1], "home_township": homes[i]}
        for i in range(n)
    ]  # fmt: skip


def _certificates(run: Run, t: Target, stage: str, subjects: list[str]) -> list[tuple[str, str]]:
    tp, rng, n = run.p["teacher_records"], run.rng, len(subjects)
    higher = rng.random(n) < float(tp["higher_certificate"])
    outside = rng.random(n) < float(tp["out_of_field"][t.locale])
    core = rng.choice(["chinese", "math", "morality"], n)
    out = []
    for i, subject in enumerate(subjects):
        cert = subject
        if subject in OUT_OF_FIELD and outside[i]:
            cert = "math" if core[i] == "math" else "chinese"  # 教非所学: certified in another subject
        elif subject in ("labour", "practice", "other"):
            cert = str(core[i])  # the shared courses are taught by teachers certified in a core subject
        out.append(("junior" if stage == "primary" and higher[i] else stage, cert))
    return out


def _homes(run: Run, t: Target, n: int) -> list[str | None]:
    """Urban teachers live in the county town; rural ones there or in their school's township."""
    tp, rng = run.p["teacher_records"], run.rng
    blank = rng.random(n) < float(tp["home_blank"])
    commute = rng.random(n) < float(tp["commute_from_town"])
    homes: list[str | None] = []
    for i in range(n):
        if blank[i]:
            homes.append(None)
        elif t.locale == "urban" or (t.locale == "rural" and commute[i]):
            homes.append(run.town)
        else:
            homes.append(t.township)
    return homes


def _rest_subjects(run: Run, weights: dict[str, float], count: int) -> list[str]:
    """`count` subjects for the teachers who are not PE or arts: posts first, the extra mostly 语数."""
    tp = run.p["teacher_records"]
    base = min(count, round(sum(weights.values())))
    pools = Counter(apportion(base, weights)) + Counter(apportion(count - base, tp["excess_subjects"]))
    shared = apportion(pools.pop("shared", 0), tp["shared_subjects"])
    return sorted((pools + Counter(shared)).elements())


def _first(run: Run, targets: list[Target], year: int) -> list[Teacher]:
    roster: list[Teacher] = []
    for t in targets:
        school: list[Teacher] = []
        for stage, n in t.stages.items():
            music = int(run.rng.binomial(t.arts[stage], float(run.p["teacher_records"]["music_share"])))
            subjects = ["pe"] * t.pe[stage] + ["music"] * music + ["art"] * (t.arts[stage] - music)
            subjects += _rest_subjects(run, t.weights[stage], n - len(subjects))
            school.extend(_people(run, t, stage, subjects, year, hired=False))
        roster.extend(_settle(run, t, school))
    return roster


# ---------------------------------------------------------------------------------------------- next year


def _category(subject: str) -> str:
    return "pe" if subject == "pe" else ("arts" if subject in ARTS else "rest")


def _next(run: Run, previous: list[Teacher], targets: list[Target], year: int) -> list[Teacher]:
    staying = [dict(t) for t in previous if t["birth_year"] + RETIREMENT_AGE > year]
    by_school: dict[str, list[Teacher]] = {}
    for person in staying:
        by_school.setdefault(person["school"], []).append(person)
    wanted = {t.code: t for t in targets}
    run.leavers = [x for code, people in by_school.items() if code not in wanted for x in people]
    kept = {t.code: _trim(run, t, by_school.get(t.code, [])) for t in targets}
    run.rng.shuffle(run.leavers)  # type: ignore[arg-type]
    roster = []
    for t in targets:
        school = kept[t.code] + _fill(run, t, kept[t.code], year)
        roster.extend(_settle(run, t, school))
    return roster


def _quota(t: Target, stage: str, category: str) -> int:
    if category == "pe":
        return t.pe[stage]
    if category == "arts":
        return t.arts[stage]
    return t.stages[stage] - t.pe[stage] - t.arts[stage]


def _trim(run: Run, t: Target, school: list[Teacher]) -> list[Teacher]:
    """Keep at most the target of each stage and category; the rest join the leavers."""
    kept: list[Teacher] = []
    for stage in COMPULSORY:
        for category in ("pe", "arts", "rest"):
            group = [x for x in school if x["stage"] == stage and _category(x["subject"]) == category]
            order = sorted(group, key=lambda x: (x["principal"], run.rng.random()), reverse=True)
            n = _quota(t, stage, category)
            kept.extend(order[:n])
            run.leavers.extend(order[n:])
    return kept


def _fill(run: Run, t: Target, kept: list[Teacher], year: int) -> list[Teacher]:
    """Fill each stage and category up to its target: transfers from other schools first, then new hires."""
    added: list[Teacher] = []
    for stage in COMPULSORY:
        for category in ("pe", "arts", "rest"):
            have = [x for x in kept if x["stage"] == stage and _category(x["subject"]) == category]
            for _ in range(_quota(t, stage, category) - len(have)):
                mover = _transfer(run, stage, category)
                if mover is not None:
                    mover.update(school=t.code, joined_year=year, principal=False)
                    added.append(mover)
                else:
                    subject = _hire_subject(run, t, stage, category, have + added)
                    added.extend(_people(run, t, stage, [subject], year, hired=True))
    return added


def _transfer(run: Run, stage: str, category: str) -> Teacher | None:
    for i, x in enumerate(run.leavers):
        if x["stage"] == stage and _category(x["subject"]) == category:
            if run.rng.random() < float(run.p["teacher_records"]["leave_county"]):
                continue  # this one leaves the county instead
            return run.leavers.pop(i)
    return None


def _hire_subject(run: Run, t: Target, stage: str, category: str, have: list[Teacher]) -> str:
    if category == "pe":
        return "pe"
    if category == "arts":
        return "music" if run.rng.random() < float(run.p["teacher_records"]["music_share"]) else "art"
    counts = Counter(run.norms.pool(x["subject"]) for x in have if x["stage"] == stage)
    gaps = {pool: w - counts.get(pool, 0) for pool, w in t.weights[stage].items()}
    pool = max(sorted(gaps), key=lambda k: gaps[k]) if gaps else "chinese"
    return "other" if pool == "shared" else pool


# ---------------------------------------------------------------------------------------------- the counts


def _settle(run: Run, t: Target, school: list[Teacher]) -> list[Teacher]:
    """Make the school's qualifications and backbone teachers add up to its counts; name its principal."""
    rng = run.rng
    if t.qualifications is not None:
        _relabel(rng, school, "qualification", t.qualifications)
    if t.backbone is not None:
        _set_backbone(run, school, t.backbone)
    if school and not any(x["principal"] for x in school):
        senior = [x for x in school if x["title"] in ("senior_full", "senior", "first")] or school
        min(senior, key=lambda x: (x["birth_year"], x["teacher"]))["principal"] = True
    return school


def _relabel(rng: np.random.Generator, school: list[Teacher], column: str, targets: dict[str, int]) -> None:
    """Change the fewest values of `column` so that each value occurs exactly `targets[value]` times."""
    counts = Counter(x[column] for x in school)
    surplus = [
        x
        for v in sorted(counts, key=str)
        for x in _some(rng, school, column, v, counts[v] - targets.get(v, 0))
    ]
    for value in sorted(targets):
        for _ in range(max(0, targets[value] - counts.get(value, 0))):
            surplus.pop()[column] = value


def _some(rng: np.random.Generator, school: list[Teacher], column: str, value: Any, n: int) -> list[Teacher]:
    if n <= 0:
        return []
    members = [x for x in school if x[column] == value]
    return [members[i] for i in sorted(rng.choice(len(members), n, replace=False))]


def _set_backbone(run: Run, school: list[Teacher], target: int) -> None:
    levels = run.p["teacher_records"]["backbone_levels"]
    backbone = [x for x in school if x["backbone"] is not None]
    if len(backbone) > target:
        for i in run.rng.choice(len(backbone), len(backbone) - target, replace=False):
            backbone[int(i)]["backbone"] = None
    candidates = sorted(
        (x for x in school if x["backbone"] is None),
        key=lambda x: (x["title"] not in ("senior_full", "senior", "first"), run.rng.random()),
    )
    for x in candidates[: max(0, target - len(backbone))]:
        x["backbone"] = _draw(run.rng, levels, 1)[0]
