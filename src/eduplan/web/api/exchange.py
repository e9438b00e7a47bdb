"""DHIS2 `dataValueSets` in and out (`eduplan.interop.dhis2`), and the user's own API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

import polars as pl
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from eduplan.errors import DataError
from eduplan.facts import TABLES
from eduplan.indicators.catalogue import load_catalogue
from eduplan.interop import dhis2
from eduplan.web import access
from eduplan.web.api import shapes, sources, tokens
from eduplan.web.api.base import ApiView, error
from eduplan.web.api.statistics import check_rows, save_rows
from eduplan.web.api.views import ERRORS, UNIT, YEAR, answers, query


class DataValueSets(ApiView):
    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(
        summary="导出指标值（DHIS2 dataValueSets）",
        description="某单位及其下级的指标值，DHIS2 dataValueSets JSON 格式，标识一律用代码（idScheme=CODE）："
        "orgUnit 为区划代码或学校标识码，dataElement 为指标代码，period 为学年（九月财年，如 2024Sep）。"
        "无法计算的值不输出；分子、分母写在 comment 中。",
        parameters=[UNIT, YEAR, OpenApiParameter("indicator", str, description="只要这个指标（指标代码）")],
        responses=answers(shapes.DataValueSet),
        tags=["数据交换"],
    )
    def get(self, request: Request) -> Response:
        unit, year = query(request)
        values, _ = sources.indicator_values(unit)
        if year is not None:
            values = values.filter(pl.col("year") == year)
        if request.query_params.get("indicator"):
            values = values.filter(pl.col("code") == request.query_params["indicator"])
        return Response(dhis2.export(values))

    @extend_schema(
        summary="导入指标值（DHIS2 dataValueSets）",
        description="把 DHIS2（或其他系统）的 dataValueSets 存为“直报指标值”：指标目录中无法由统计数据计算的指标"
        "（如中职就业率）由此报送。任何一个值有问题时不写入任何值，冲突逐个列出（conflicts）；"
        "重复导入同样的值不改变数据。",
        request=shapes.DataValueSet,
        responses={200: shapes.ImportSummary, 409: shapes.ImportSummary, **ERRORS},
        tags=["数据交换"],
    )
    def post(self, request: Request) -> Response:
        body = request.data
        user = request.user
        codes = {ind.code for ind in load_catalogue() if ind.reported}  # the others: from the statistics
        frame, conflicts = dhis2.parse(body, lambda unit: access.can(user, unit, "edit"), codes)
        problems = [] if conflicts else check_rows(TABLES["reported"], frame.to_dicts())[1]
        if conflicts or problems:
            listed = [{"object": c.field, "value": c.message(), "index": c.index} for c in conflicts]
            listed += [
                {"object": p["field"], "value": p["message"], "index": p["index"] or 0} for p in problems
            ]
            return _summary("ERROR", "有冲突，未导入任何值", 0, 0, 0, listed, 409)
        if frame.height == 0:
            return _summary("SUCCESS", "没有数据值", 0, 0, 0, [], 200)
        try:
            summary, batch = save_rows(TABLES["reported"], frame, request.user.get_username(), request.body)
        except DataError as exc:
            return _summary("ERROR", exc.message, 0, 0, 0, [], 409)
        counts = summary.tables.get("reported")
        made, changed, same = (counts.created, counts.updated, counts.unchanged) if counts else (0, 0, 0)
        self.note(table="reported", via="dataValueSets", created=made, updated=changed, batch=batch)
        return _summary(
            "SUCCESS", f"新增 {made} 个、更新 {changed} 个、未变 {same} 个", made, changed, same, [], 200
        )


def _summary(status: str, text: str, made: int, changed: int, same: int, conflicts: list[Any],
             code: int) -> Response:  # fmt: skip
    counts = {"imported": made, "updated": changed, "ignored": same, "deleted": 0}
    body = {"status": status, "description": text, "importCount": counts, "conflicts": conflicts}
    return Response(body, status=code)


class Tokens(ApiView):
    @extend_schema(
        summary="我的接口令牌",
        description="本账号未吊销的令牌（只显示前 12 位）。",
        responses=answers(shapes.paged(shapes.Token, "TokenPage")),
        tags=["令牌"],
    )
    def get(self, request: Request) -> Response:
        return self.paginated(request, tokens.listing(request.user))

    @extend_schema(
        summary="吊销我的令牌",
        description="吊销本账号以 prefix 开头的令牌；不给 prefix 时吊销全部（包括本次调用所用的令牌）。",
        parameters=[OpenApiParameter("prefix", str, description="令牌的前几位")],
        responses={200: OpenApiResponse(shapes.Error, description="吊销了几个令牌"), **ERRORS},
        tags=["令牌"],
    )
    def delete(self, request: Request) -> Response:
        count = tokens.revoke(request.user, request.query_params.get("prefix", ""))
        self.note(revoked=count)
        return error(f"已吊销 {count} 个令牌", 200)
