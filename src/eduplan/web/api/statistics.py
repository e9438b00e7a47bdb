"""Statistics tables over the API: read a unit's rows (paginated, by year), write rows in the import shape.

A write is an import: the rows go through the importer's own checks (`eduplan.io.validate`: types, ranges,
choices, consistency, known codes, repeated keys) with the same Chinese messages, then through the store's
one write path (`save_facts`, with the approval locks) in one transaction, recorded in the import history
(so it can be undone like a file). Upsert by key: sending the same rows again changes nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

import polars as pl
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from eduplan.errors import DataError
from eduplan.facts import TABLES, Facts, Table
from eduplan.io.cells import as_text
from eduplan.io.database import known_codes
from eduplan.io.limits import limits
from eduplan.io.template import ROW, TableSheet
from eduplan.io.validate import validate
from eduplan.store import ImportSummary, Journal, save_facts
from eduplan.store.history import record
from eduplan.store.lock import import_lock
from eduplan.web import access
from eduplan.web.api import shapes
from eduplan.web.api.base import ApiView, error, problem
from eduplan.web.api.views import ERRORS, UNIT, YEAR, answers, query

# The yearly tables a county or school system may read and write (the structure tables, org units and
# schools, change through the import of the 学校名录 only).
TABLE_NAMES = ("school_year", "stage_year", "grade_year", "health_year", "memberships", "school_finance",
               "population", "births", "reported", "county_finance")  # fmt: skip
UNIT_COLUMNS = ("school", "township", "unit", "county")
# Columns that are facts about one person (the principal's age, whether the principal rotated): shown only
# to a user holding "personal" on the unit, and then written to the audit trail.
PERSONAL = {"school_year": ("principal_age", "principal_rotated")}
MAX_ROWS = 5_000
REQUEST = "接口请求"


def _unit_column(table: Table) -> str:
    return next(c for c in UNIT_COLUMNS if c in table.by_name)


class StatisticsTable(ApiView):
    table: Table
    parser_classes: ClassVar[list[Any]] = [JSONParser]

    def get(self, request: Request) -> Response:
        unit, year = query(request)
        frame = getattr(load_region(unit, year), self.table.name).sort(list(self.table.key))
        frame = self._masked(request, unit, frame)
        return self.paginated(request, shapes.finite(frame.to_dicts()))

    def _masked(self, request: Request, unit: str, frame: pl.DataFrame) -> pl.DataFrame:
        personal = [c for c in PERSONAL.get(self.table.name, ()) if c in frame.columns]
        if not personal:
            return frame
        if access.can(request.user, unit, "personal"):
            if frame.select(pl.any_horizontal(pl.col(personal).is_not_null()).any()).item():
                self.note(personal=True, fields=personal)
            return frame
        return frame.with_columns(pl.lit(None).cast(frame.schema[c]).alias(c) for c in personal)

    def put(self, request: Request) -> Response:
        return self._write(request)

    def post(self, request: Request) -> Response:
        return self._write(request)

    def _write(self, request: Request) -> Response:
        rows = request.data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return error("请求内容应为 JSON 数组，每个元素是一行（对象）", 400)
        if len(rows) > MAX_ROWS:
            return error(f"一次最多提交 {MAX_ROWS} 行，收到 {len(rows)} 行，请分批提交", 400)
        if not rows:
            return Response(
                {"table": self.table.name, "created": 0, "updated": 0, "unchanged": 0, "batch": None}
            )
        # Rights first, on the codes as sent: otherwise the validator's "unknown school" would tell a caller
        # which codes exist in other counties.
        column = _unit_column(self.table)
        _require_edit(
            request,
            sorted({str(as_text(r[column])).strip() for r in rows if r.get(column) not in (None, "")}),
        )
        problems = _shape_problems(self.table, rows)
        frame = None
        if not problems:
            frame, problems = check_rows(self.table, rows)
        if problems or frame is None:
            return error(f"{self.table.label}有 {len(problems)} 处问题，未写入任何数据", 400, problems)
        try:
            summary, batch = save_rows(self.table, frame, request.user.get_username(), request.body)
        except DataError as exc:
            return error(exc.message, 409)
        counts = summary.tables.get(self.table.name)
        result = {"table": self.table.name, "created": counts.created if counts else 0,
                  "updated": counts.updated if counts else 0, "unchanged": counts.unchanged if counts else 0,
                  "batch": batch}  # fmt: skip
        self.note(table=self.table.name, rows=len(rows), created=result["created"], updated=result["updated"],
                  batch=batch)  # fmt: skip
        return Response(result)


def load_region(unit: str, year: int | None) -> Facts:
    from eduplan.store import load_facts

    return load_facts(unit, (year, year) if year is not None else None)


def _shape_problems(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keys that are not columns of the table, and values that are not scalars."""
    found = []
    for index, row in enumerate(rows):
        for key, value in row.items():
            if key not in table.by_name:
                found.append(problem(index, str(key)[:60], None, f"{table.label}的字段之一",
                                     f"第 {index + 1} 行：没有字段“{str(key)[:60]}”"))  # fmt: skip
            elif isinstance(value, dict | list):
                found.append(problem(index, key, None, "一个值（数字、文本、true/false 或 null）"))
        if len(found) >= 200:
            break
    return found


def check_rows(table: Table, rows: list[dict[str, Any]]) -> tuple[pl.DataFrame | None, list[dict[str, Any]]]:
    """The rows checked exactly as an imported sheet's: a typed frame, or the problems."""
    if not rows:
        return table.empty(), []
    # Required columns always (a row without one is a problem, as a sheet without the column is), others
    # only when some row carries them: a missing field leaves the stored value alone.
    columns = [c.name for c in table.columns if c.required or any(c.name in r for r in rows)]
    data = {ROW: list(range(len(rows)))} | {c: [as_text(r.get(c)) for r in rows] for c in columns}
    schema = {ROW: pl.Int64()} | {c: pl.String() for c in columns}
    sheet = TableSheet(REQUEST, table.label, table, pl.DataFrame(data, schema=schema),
                       {c: (c, "") for c in columns})  # fmt: skip
    checked = validate([sheet], known_codes())
    if not checked.ok:
        return None, [_problem(table, p) for p in checked.problems]
    return checked.frames.get(table.name, table.empty()), []


def _problem(table: Table, p: Any) -> dict[str, Any]:
    label = table.by_name[p.column].label if p.column in table.by_name else p.column
    value = p.value if p.value is None or isinstance(p.value, int | float | bool) else str(p.value)
    where = f"第 {p.row + 1} 行 {label}（{p.column}）" if p.column else f"第 {p.row + 1} 行"
    shown = "值为空" if value in (None, "") else f"值为“{value}”"
    return problem(p.row, p.column, value, p.expected, f"{where}：{shown}，要求：{p.expected}")


def _require_edit(request: Request, codes: list[str]) -> None:
    """Every unit or school the rows name must be the user's to change (404 when not even readable)."""
    unreadable = [c for c in codes if not access.can(request.user, c, "view")]
    if unreadable:
        raise exceptions.NotFound(f"没有这个单位，或无权查看：{'、'.join(sorted(unreadable)[:5])}")
    refused = [c for c in codes if not access.can(request.user, c, "edit")]
    if refused:
        raise exceptions.PermissionDenied(f"无权修改这些单位的数据：{'、'.join(sorted(refused)[:5])}")


def save_rows(table: Table, frame: pl.DataFrame, user: str, body: bytes) -> tuple[ImportSummary, int | None]:
    """One transaction under the import lock: the store's save (write checks, upsert) and, when anything
    changed, the import history (a repeated request leaves no trace but its audit event)."""
    facts = Facts.empty()
    setattr(facts, table.name, frame)
    file = {"name": f"{REQUEST}：{table.label}", "sha256": hashlib.sha256(body).hexdigest(), "size": len(body),
            "kind": REQUEST}  # fmt: skip
    journal = Journal()
    with import_lock(limits().lock_wait), transaction.atomic():
        summary = save_facts(facts, journal=journal)
        if summary.created + summary.updated == 0:
            return summary, None
        batch = record(user, "api", [file], summary.tables, journal).pk
    return summary, int(batch)


def table_view(name: str) -> type[StatisticsTable]:
    """The view of one table, with its own row shape in the OpenAPI document."""
    table = TABLES[name]
    page = shapes.paged(shapes.row(name), f"{''.join(p.title() for p in name.split('_'))}Page")
    write = extend_schema(
        summary=f"写入{table.label}",
        description=f"按键（{'、'.join(table.by_name[k].label for k in table.key)}）新增或更新{table.label}的行，"
        "校验与文件导入完全相同；有任何问题时不写入任何行，错误逐行逐字段说明。同样的内容重复提交不改变数据。"
        "已审核锁定的数据返回 409。只写请求中出现的字段。",
        request=shapes.row(name, writing=True)(many=True),
        responses={200: shapes.WriteResult, **ERRORS, 409: OpenApiResponse(shapes.Error, description="数据已审核锁定，或无法写入")},
        tags=["统计数据"],
    )  # fmt: skip
    read = extend_schema(
        summary=f"读取{table.label}",
        description=f"某单位（默认本账号的第一个县）及其下级的{table.label}，按键排序、分页。"
        + ("校长年龄等个人信息仅对有个人信息权限的账号显示（并记入审计日志），其他账号为空。" if name in PERSONAL else ""),
        parameters=[UNIT, YEAR],
        responses=answers(page),
        tags=["统计数据"],
    )  # fmt: skip

    # Fresh functions per table: extend_schema marks the function it decorates, so the base class's own
    # methods cannot carry every table's document.
    def get(self: StatisticsTable, request: Request) -> Response:
        return StatisticsTable.get(self, request)

    def put(self: StatisticsTable, request: Request) -> Response:
        return StatisticsTable.put(self, request)

    def post(self: StatisticsTable, request: Request) -> Response:
        return StatisticsTable.post(self, request)

    body = {"table": table, "get": read(get), "put": write(put), "post": write(post), "__doc__": table.label}
    return type(f"{name.title().replace('_', '')}View", (StatisticsTable,), body)
