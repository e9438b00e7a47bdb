"""Registers in and out of the database, and linkage runs stored with their outcomes, pairs and cases.

Saving is an upsert by each register's key in one transaction; a row whose values (its id compared by keyed
hash) are unchanged is not touched, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from eduplan.errors import ConfigError
from eduplan.linkage import aid as aid_core
from eduplan.linkage import schooling
from eduplan.linkage.ids import USABLE, check_ids, normalised
from eduplan.linkage.match import Backend, duckdb_backend, link
from eduplan.linkage.protect import Vault
from eduplan.linkage.registers import REGISTERS, prepare
from eduplan.web.linkage.models import Aid, Case, Child, Decision, Needy, Outcome, Pair, Pupil, Run, Situation
from eduplan.web.schools.models import OrgUnit, School

BATCH = 500
RETENTION_ENV = "EDUPLAN_LINKAGE_RETENTION_YEARS"
DEFAULT_RETENTION = 3


@cache
def vault() -> Vault:
    return Vault.from_environment(settings.DATA_DIR)


def retention_years() -> int:
    """School years of personal data kept (EDUPLAN_LINKAGE_RETENTION_YEARS, default 3)."""
    raw = os.environ.get(RETENTION_ENV, "")
    if raw == "":
        return DEFAULT_RETENTION
    if not raw.isdigit() or not 1 <= int(raw) <= 30:
        raise ConfigError(
            f"环境变量 {RETENTION_ENV} 的值 {raw!r} 无效，应为 1 到 30 的整数（年）",
            english=f"{RETENTION_ENV}={raw!r}",
        )
    return int(raw)


# ---------------------------------------------------------------------------------------------- saving


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


MODELS: dict[str, type[models.Model]] = {
    "household": Child, "enrolment": Pupil, "situation": Situation, "needy": Needy, "aid": Aid,
}  # fmt: skip
PERSONAL = ("household", "enrolment", "needy")


def _county_of_townships() -> dict[str, str]:
    return {
        code: parent
        for code, parent in OrgUnit.objects.filter(level="township").values_list("code", "parent__code")
    }


def _with_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """The id columns stored: hash and sealed text of the id (its 18-digit form when well formed), the birth
    date it carries, and its problem."""
    checked = check_ids(frame, "id_number", "birth", "sex").with_columns(
        _text=pl.coalesce("id18", normalised("id_number"))
    )
    box = vault()
    texts = checked["_text"].to_list()
    return checked.with_columns(
        id_hash=pl.Series([box.hash(t) if t else "" for t in texts], dtype=pl.String),
        id_text=pl.Series([t or "" for t in texts], dtype=pl.String),
        id_birth=pl.col("id18").str.slice(6, 4)
        + "-"
        + pl.col("id18").str.slice(10, 2)
        + "-"
        + pl.col("id18").str.slice(12, 2),
        id_problem=pl.col("id_problem").fill_null(""),
    ).drop("id18", "id_upgraded", "_text", "id_number")


def _rows(name: str, frame: pl.DataFrame) -> list[dict[str, Any]]:
    if name in PERSONAL:
        frame = _with_ids(frame)
    towns = _county_of_townships()
    if name in ("household", "needy"):
        frame = frame.with_columns(county=pl.col("township").replace_strict(towns, default=""))
    if name == "enrolment":
        schools = dict(School.objects.values_list("code", "township__code"))
        frame = frame.with_columns(
            county=pl.col("school").replace_strict(schools, default=None).replace_strict(towns, default="")
        )
    rows = frame.to_dicts()
    for row in rows:
        for key, value in row.items():
            if value is None and key not in ("amount",):
                row[key] = ""
    return rows


def _key(model: type[models.Model], row: dict[str, Any] | models.Model) -> tuple[Any, ...]:
    names = REGISTERS[_name_of(model)].key
    return tuple(row[n] if isinstance(row, dict) else getattr(row, n) for n in names)


def _name_of(model: type[models.Model]) -> str:
    return next(n for n, m in MODELS.items() if m is model)


def _upsert(model: type[models.Model], rows: list[dict[str, Any]]) -> Counts:
    keys = REGISTERS[_name_of(model)].key
    first = keys[0]
    existing: dict[tuple[Any, ...], models.Model] = {}
    wanted = sorted({r[first] for r in rows})
    for i in range(0, len(wanted), BATCH):
        for obj in model._default_manager.filter(**{f"{first}__in": wanted[i : i + BATCH]}):
            existing[_key(model, obj)] = obj
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "updated", "id_sealed")]
    counts, new, changed = Counts(), list[models.Model](), list[models.Model]()
    for row in rows:
        text = row.pop("id_text", None)
        found = existing.get(_key(model, row))
        if found is not None and all(getattr(found, f) == row[f] for f in fields if f in row):
            counts.unchanged += 1  # the id compares by its hash: its sealed copy is left as it is
            continue
        sealed = {} if text is None else {"id_sealed": vault().seal(text) if text else ""}
        if found is None:
            new.append(model(**row, **sealed))
        else:
            for f, value in (row | sealed).items():
                setattr(found, f, value)
            changed.append(found)
    model._default_manager.bulk_create(new, batch_size=BATCH)
    update = (
        [f for f in fields if f not in keys]
        + (["id_sealed"] if hasattr(model, "id_sealed") else [])
        + ["updated"]
    )
    now = timezone.now()
    for obj in changed:
        obj.updated = now  # type: ignore[attr-defined]
    model._default_manager.bulk_update(changed, update, batch_size=BATCH)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def save_registers(frames: dict[str, pl.DataFrame]) -> dict[str, Counts]:
    """Upsert every register frame, all in one transaction."""
    done: dict[str, Counts] = {}
    with transaction.atomic():
        for name in MODELS:
            if name in frames and frames[name].height:
                done[name] = _upsert(MODELS[name], _rows(name, frames[name]))
    return done


# ---------------------------------------------------------------------------------------------- loading


def _frame(queryset: models.QuerySet[Any], columns: Sequence[str]) -> pl.DataFrame:
    rows = list(queryset.values_list(*columns))
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")


def _key_columns(frame: pl.DataFrame) -> pl.DataFrame:
    usable = (pl.col("id_problem") == "") | pl.col("id_problem").is_in(USABLE)
    return frame.with_columns(
        id_key=pl.when(usable & (pl.col("id_hash") != "")).then(pl.col("id_hash")),
        id_birth=pl.when(pl.col("id_birth") != "").then(pl.col("id_birth")),
    )


PERSON_COLUMNS = ("name", "sex", "birth", "id_hash", "id_birth", "id_problem")


def household(county: str) -> pl.DataFrame:
    columns = ("person_no", *PERSON_COLUMNS, "township", "village")
    return _key_columns(_frame(Child.objects.filter(county=county), columns))


def pupils() -> pl.DataFrame:
    """Every 学籍 record (children study outside their county), with the township of schools we know."""
    columns = ("student_no", *PERSON_COLUMNS, "school", "grade", "status", "county")
    frame = _key_columns(_frame(Pupil.objects.all(), columns))
    towns = dict(School.objects.values_list("code", "township__code"))
    return frame.with_columns(township=pl.col("school").replace_strict(towns, default=None))


def needy(county: str, year: int) -> pl.DataFrame:
    columns = ("person_no", *PERSON_COLUMNS, "township", "kind")
    frame = _frame(Needy.objects.filter(county=county, year=year), columns)
    return _key_columns(frame).with_columns(year=pl.lit(year))


def situations(person_nos: Iterable[str]) -> pl.DataFrame:
    wanted = sorted(set(person_nos))
    parts = [
        _frame(
            Situation.objects.filter(person_no__in=wanted[i : i + BATCH]),
            ("person_no", "kind", "since", "until"),
        )
        for i in range(0, len(wanted), BATCH)
    ]
    frame = (
        pl.concat(parts)
        if parts
        else pl.DataFrame(schema=dict.fromkeys(("person_no", "kind", "since", "until"), pl.String))
    )
    return frame.with_columns(pl.col("since", "until").replace("", None))


def county_schools(county: str) -> frozenset[str]:
    return frozenset(School.objects.filter(township__parent__code=county).values_list("code", flat=True))


def decisions(side: str) -> pl.DataFrame:
    rows = list(Decision.objects.filter(side=side).values_list("left_id", "right_id", "same"))
    return pl.DataFrame(
        rows, schema={"left_id": pl.String, "right_id": pl.String, "same": pl.Boolean}, orient="row"
    )


# ---------------------------------------------------------------------------------------------- running


def latest_run(county: str, year: int | None = None) -> Run | None:
    runs = Run.objects.filter(county=county)
    if year is not None:
        runs = runs.filter(year=year)
    return runs.order_by("-year", "-created").first()


def run_linkage(county: str, year: int, backend: Backend = duckdb_backend) -> Run:
    """Link the county's 户籍 children and needy lists to 学籍, store the outcomes, open cases, and write the
    register-based indicator values."""
    children, enrolled = household(county), pupils()
    left = prepare(children, "person_no", "id_key", "id_birth")
    right = prepare(enrolled, "student_no", "id_key", "id_birth")
    linked = link(left, right, backend, decided=decisions("household"))
    reg = schooling.Registers(children, enrolled, situations(children["person_no"]), county_schools(county))
    rows = schooling.outcomes(reg, linked.links(), linked.review(), year)
    summary = schooling.summarise(rows, year)
    poor = needy(county, year)
    poor_links = link(prepare(poor, "person_no", "id_key", "id_birth"), right, backend, model=linked.model,
                      decided=decisions("needy")) if poor.height else None  # fmt: skip
    with transaction.atomic():
        run = Run.objects.create(
            county=county, year=year, accept=linked.thresholds.accept, review=linked.thresholds.review,
            model=linked.model, counts=linked.counts, summary=_summary(summary, rows),
        )  # fmt: skip
        _store_pairs(run, "household", linked.pairs)
        _store_outcomes(run, rows)
        if poor_links is not None:
            _store_pairs(run, "needy", poor_links.pairs)
            cover = aid_core.rate(_coverage_rows(run, poor, enrolled, county))
            run.summary["aid"] = {
                "aided": cover.aided,
                "in_school": cover.in_school,
                "by_finding": cover.by_finding,
            }
            run.save(update_fields=["summary"])
        _sync_cases(run, rows)
        from eduplan.web.linkage.indicators import write_indicators

        write_indicators(run)
    return run


def _summary(summary: schooling.Summary, rows: pl.DataFrame) -> dict[str, Any]:
    return {
        "children": summary.children, "by_outcome": summary.by_outcome, "cohort": summary.cohort,
        "cohort_in_school": summary.cohort_in_school, "by_township": schooling.by_township(rows).to_dicts(),
    }  # fmt: skip


def _store_pairs(run: Run, side: str, pairs: pl.DataFrame) -> None:
    """Pairs the ids alone did not make (model, clerical, review); id pairs are re-made from the ids at will."""
    pairs = pairs.filter(pl.col("method") != "id") if side == "household" else pairs
    Pair.objects.bulk_create(
        [Pair(run=run, side=side, left_id=r["left_id"], right_id=r["right_id"], method=r["method"], band=r["band"],
              probability=r["probability"]) for r in pairs.iter_rows(named=True)],
        batch_size=BATCH,
    )  # fmt: skip


def _store_outcomes(run: Run, rows: pl.DataFrame) -> None:
    """Children not simply in school in the county: the rest are counts in the summary, nothing more."""
    rows = rows.filter(pl.col("outcome") != "in_county")
    text = ("student_no", "school", "status", "situation", "reason", "reason_text")
    Outcome.objects.bulk_create(
        [Outcome(run=run, person_no=r["person_no"], township=r["township"], outcome=r["outcome"],
                 **{k: r[k] or "" for k in text}) for r in rows.iter_rows(named=True)],
        batch_size=BATCH,
    )  # fmt: skip


def _sync_cases(run: Run, rows: pl.DataFrame) -> None:
    """One case per suspected child and school year; cases of children no longer suspected stay, marked."""
    suspected = rows.filter(pl.col("outcome") == "suspected")
    open_cases = Case.objects.filter(county=run.county, year=run.year)
    now = set(suspected["person_no"])
    open_cases.exclude(person_no__in=now).update(in_latest_run=False)
    open_cases.filter(person_no__in=now).update(in_latest_run=True)
    known = set(open_cases.values_list("person_no", flat=True))
    today = dt.date.today()
    Case.objects.bulk_create(
        [
            Case(county=run.county, year=run.year, person_no=r["person_no"], township=r["township"],
                 school=r["school"] or "", reason=r["reason_text"], owner_kind="school" if r["school"] else "township",
                 owner=r["school"] or r["township"], opened_on=today)
            for r in suspected.iter_rows(named=True) if r["person_no"] not in known
        ],
        batch_size=BATCH,
    )  # fmt: skip


def coverage(run: Run) -> pl.DataFrame:
    """The needy children of the run's county and year with what the 学籍 and aid records say."""
    return _coverage_rows(run, needy(run.county, run.year), None, run.county)


def _coverage_rows(run: Run, poor: pl.DataFrame, enrolled: pl.DataFrame | None, county: str) -> pl.DataFrame:
    links = _pairs(run, "needy", "match")
    students = links["right_id"].to_list()
    if enrolled is None:
        enrolled = _frame(Pupil.objects.filter(student_no__in=students), ("student_no", "school", "status"))
    paid = _frame(Aid.objects.filter(year=run.year, student_no__in=students), ("student_no",)).with_columns(
        year=pl.lit(run.year)
    )
    return aid_core.coverage(poor, links, enrolled, paid, run.year, county_schools(county))


def _pairs(run: Run, side: str, band: str) -> pl.DataFrame:
    return _frame(run.pairs.filter(side=side, band=band), ("left_id", "right_id"))
