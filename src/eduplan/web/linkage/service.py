"""What pages and commands ask of the linkage: an up-to-date run, its lists (masked unless allowed), purge."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db import models, transaction
from django.db.models import Max

from eduplan.linkage import aid as aid_core
from eduplan.linkage.ids import PROBLEMS, mask_id, mask_name
from eduplan.linkage.match import Backend, duckdb_backend, spark_backend
from eduplan.web.linkage import store
from eduplan.web.linkage.models import (
    CASE_STATUSES,
    Aid,
    Case,
    Child,
    Decision,
    Needy,
    Outcome,
    Pair,
    Pupil,
    Run,
    Situation,
)
from eduplan.web.schools.models import OrgUnit, School


def _backend(name: str) -> Backend:
    if name == "spark":
        from eduplan.linkage.spark import local_session

        return spark_backend(local_session())
    return duckdb_backend


def changed_since(county: str, year: int) -> dt.datetime | None:
    """The last time anything the county's run reads was imported or decided."""
    stamps = [
        Child.objects.filter(county=county).aggregate(t=Max("updated"))["t"],
        Pupil.objects.aggregate(t=Max("updated"))["t"],
        Situation.objects.aggregate(t=Max("updated"))["t"],
        Needy.objects.filter(county=county, year=year).aggregate(t=Max("updated"))["t"],
        Aid.objects.filter(year=year).aggregate(t=Max("updated"))["t"],
        Decision.objects.aggregate(t=Max("decided_at"))["t"],
    ]
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


def run_for(county: str, year: int, backend: str = "duckdb", fresh: bool = False) -> Run:
    """The county's run for the year, linking again when none exists, registers changed since, or asked."""
    run = store.latest_run(county, year)
    changed = changed_since(county, year)
    if run is None or fresh or (changed is not None and changed > run.created):
        run = store.run_linkage(county, year, _backend(backend))
    return run


# ---------------------------------------------------------------------------------------------- lists


def names(codes: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(codes))
    found = dict(OrgUnit.objects.filter(code__in=wanted).values_list("code", "name"))
    found.update(School.objects.filter(code__in=wanted).values_list("code", "name"))
    return found


def shown_id(person: Any, personal: bool) -> str:
    if not person.id_sealed:
        return ""
    text = store.vault().open(person.id_sealed)
    return text if personal else mask_id(text)


def shown_name(name: str, personal: bool) -> str:
    return name if personal else mask_name(name)


def suspected(run: Run) -> models.QuerySet[Outcome]:
    return run.outcomes.filter(outcome="suspected").order_by("township", "school", "person_no")


def suspected_rows(run: Run, personal: bool = False) -> list[dict[str, Any]]:
    """One row per suspected child: 人员编号 (the register's own id, not personal data) and 原因 first."""
    outcomes = list(suspected(run))
    children = {c.person_no: c for c in Child.objects.filter(person_no__in=[o.person_no for o in outcomes])}
    cases = dict(Case.objects.filter(year=run.year, county=run.county).values_list("person_no", "status"))
    labels = names([o.township for o in outcomes] + [o.school for o in outcomes if o.school])
    rows = []
    for o in outcomes:
        child = children.get(o.person_no)
        rows.append({
            "人员编号": o.person_no, "原因": o.reason_text, "姓名": shown_name(child.name, personal) if child else "",
            "性别": child.sex if child else "", "出生日期": child.birth if child else "",
            "身份证号": shown_id(child, personal) if child else "", "乡镇代码": o.township,
            "乡镇": labels.get(o.township, ""), "村社区": child.village if child else "",
            "学校标识码": o.school, "学校": labels.get(o.school, ""), "学籍状态": o.status,
            "台账状态": CASE_STATUSES.get(cases.get(o.person_no, ""), ""),
        })  # fmt: skip
    return rows


def coverage_rows(run: Run, personal: bool = False) -> list[dict[str, Any]]:
    rows = store.coverage(run)
    entries = {n.person_no: n for n in Needy.objects.filter(county=run.county, year=run.year)}
    labels = names(list(rows["township"]) + [s for s in rows["school"] if s])
    out = []
    for r in rows.iter_rows(named=True):
        n = entries[r["person_no"]]
        out.append({
            "人员编号": r["person_no"], "困难类别": r["kinds"], "姓名": shown_name(n.name, personal),
            "身份证号": shown_id(n, personal), "乡镇": labels.get(r["township"], r["township"]),
            "学籍号": r["student_no"] or "", "学校": labels.get(r["school"] or "", r["school"] or ""),
            "学籍状态": r["status"] or "", "结论": aid_core.FINDINGS[r["finding"]], "finding": r["finding"],
        })  # fmt: skip
    return out


def unaided_rows(run: Run, personal: bool = False) -> list[dict[str, Any]]:
    return [r for r in coverage_rows(run, personal) if r["finding"] == "unaided"]


def id_problem_rows(county: str, personal: bool = False) -> list[dict[str, Any]]:
    """Records whose id is missing, malformed or disagrees with the record: listed, never dropped."""
    rows = []
    for register, queryset, key in (
        ("户籍", Child.objects.filter(county=county).exclude(id_problem=""), "person_no"),
        ("学籍", Pupil.objects.filter(county=county).exclude(id_problem=""), "student_no"),
    ):
        for p in queryset.order_by(key):
            rows.append({"登记": register, "编号": getattr(p, key), "姓名": shown_name(p.name, personal),
                         "出生日期": p.birth, "身份证号": shown_id(p, personal), "问题": PROBLEMS[p.id_problem]})  # fmt: skip
    return rows


COLUMNS = {
    "out-of-school": ("人员编号", "原因", "姓名", "性别", "出生日期", "身份证号", "乡镇代码", "乡镇", "村社区", "学校标识码",
                      "学校", "学籍状态", "台账状态"),
    "unaided": ("人员编号", "困难类别", "姓名", "身份证号", "乡镇", "学籍号", "学校", "学籍状态", "结论"),
    "ids": ("登记", "编号", "姓名", "出生日期", "身份证号", "问题"),
}  # fmt: skip


def to_csv(rows: list[dict[str, Any]], kind: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS[kind], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_xlsx(rows: list[dict[str, Any]], kind: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind
    sheet.append(list(COLUMNS[kind]))
    for row in rows:
        sheet.append([row.get(c) for c in COLUMNS[kind]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- review


def review_pairs(run: Run, side: str = "household") -> list[Any]:
    decided = set(Decision.objects.filter(side=side).values_list("left_id", "right_id"))
    return [p for p in run.pairs.filter(side=side, band="review").order_by("-probability", "left_id")
            if (p.left_id, p.right_id) not in decided]  # fmt: skip


def trend(county: str) -> pl.DataFrame:
    """Suspected children per township and school year, from the latest run of each year (no personal data)."""
    rows = []
    for year in sorted(set(Run.objects.filter(county=county).values_list("year", flat=True))):
        run = store.latest_run(county, year)
        assert run is not None
        for t in run.summary["by_township"]:
            rows.append({"year": year, "township": t["township"], "suspected": t["suspected"]})
    return pl.DataFrame(
        rows, schema={"year": pl.Int64, "township": pl.String, "suspected": pl.Int64}, orient="row"
    )


# ---------------------------------------------------------------------------------------------- retention


def purge(years: int, today: dt.date) -> dict[str, int]:
    """Delete personal data older than `years` school years: runs (with their outcomes and pairs) and closed
    cases of earlier years, needy lists and aid of earlier years, register rows not re-imported within the
    period, and reviews of pairs that no longer exist. Run summaries of earlier years are kept only as counts
    (their outcomes and pairs go)."""
    first_year = (today.year if today.month >= 9 else today.year - 1) - years + 1
    cutoff = dt.datetime(today.year - years, today.month, min(today.day, 28), tzinfo=dt.UTC)
    done: dict[str, int] = {}
    with transaction.atomic():
        old_runs = Run.objects.filter(year__lt=first_year)
        done["比对明细"] = Outcome.objects.filter(run__in=old_runs).delete()[0]
        done["比对配对"] = Pair.objects.filter(run__in=old_runs).delete()[0]
        done["台账"] = Case.objects.filter(year__lt=first_year).delete()[0]
        done["困难家庭名单"] = Needy.objects.filter(year__lt=first_year).delete()[0]
        done["资助记录"] = Aid.objects.filter(year__lt=first_year).delete()[0]
        done["户籍"] = Child.objects.filter(updated__lt=cutoff).delete()[0]
        done["学籍"] = Pupil.objects.filter(updated__lt=cutoff).delete()[0]
        done["特殊情况"] = Situation.objects.filter(updated__lt=cutoff).delete()[0]
        done["人工核对"] = Decision.objects.filter(decided_at__lt=cutoff).delete()[0]
    return done
