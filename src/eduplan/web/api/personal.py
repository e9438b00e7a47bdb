"""Personal data over the API: the children suspected of being out of school (控辍保学) of a county's latest
linkage run. Names and 身份证号 are masked unless the caller holds "personal" on the county *and* asks for
them (`?personal=true`); asking without the right is refused (403), and every unmasked answer is audited."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from eduplan.web import access
from eduplan.web.api import shapes
from eduplan.web.api.base import ApiView
from eduplan.web.api.views import UNIT, YEAR, answers, county_query

# The 台账's Chinese column names (`linkage.service.suspected_rows`) → the API's field names.
FIELDS = {"人员编号": "person_no", "原因": "reason", "姓名": "name", "性别": "sex", "出生日期": "birth",
          "身份证号": "id_number", "乡镇代码": "township", "乡镇": "township_name", "村社区": "village",
          "学校标识码": "school", "学校": "school_name", "学籍状态": "status", "台账状态": "case_status"}  # fmt: skip


class Suspected(serializers.Serializer):  # type: ignore[type-arg]
    person_no = serializers.CharField(help_text="户籍登记的人员编号")
    reason = serializers.CharField(help_text="疑似原因")
    name = serializers.CharField(allow_blank=True, help_text="姓名（无个人信息权限或未要求时脱敏，如 张*明）")
    sex = serializers.CharField(allow_blank=True, help_text="性别")
    birth = serializers.CharField(allow_blank=True, help_text="出生日期")
    id_number = serializers.CharField(allow_blank=True, help_text="身份证号（脱敏时只显示前 4 位和后 4 位）")
    township = serializers.CharField(help_text="乡镇代码")
    township_name = serializers.CharField(allow_blank=True, help_text="乡镇")
    village = serializers.CharField(allow_blank=True, help_text="村社区")
    school = serializers.CharField(allow_blank=True, help_text="学籍所在学校标识码")
    school_name = serializers.CharField(allow_blank=True, help_text="学校")
    status = serializers.CharField(allow_blank=True, help_text="学籍状态")
    case_status = serializers.CharField(allow_blank=True, help_text="台账状态")


class MissingChildren(ApiView):
    @extend_schema(
        summary="疑似失学辍学儿童（个人信息）",
        description="一个县最近一次户籍与学籍比对中疑似失学辍学的义务教育适龄儿童。姓名、身份证号默认脱敏；"
        "有个人信息权限的账号加 personal=true 才显示原文（记入审计日志），无权限者加 personal=true 返回 403。"
        "尚未比对时为空列表（比对在“控辍保学”页面或 eduplan linkage 命令中进行）。",
        parameters=[
            UNIT,
            YEAR,
            OpenApiParameter("personal", bool, description="true：显示姓名和身份证号原文"),
        ],
        responses=answers(shapes.paged(Suspected, "SuspectedPage")),
        tags=["控辍保学"],
    )
    def get(self, request: Request) -> Response:
        from eduplan.web.linkage.service import suspected_rows
        from eduplan.web.linkage.store import latest_run

        county, year = county_query(request)
        personal = request.query_params.get("personal") == "true"
        if personal and not access.can(request.user, county.code, "personal"):
            raise exceptions.PermissionDenied(
                "本账号没有查看个人信息的权限，请去掉 personal=true 查看脱敏名单"
            )
        run = latest_run(county.code, year)
        rows = [] if run is None else suspected_rows(run, personal)
        if personal and rows:
            self.note(personal=True, page="missing-children", rows=len(rows))
        return self.paginated(request, [{FIELDS[k]: v for k, v in r.items()} for r in rows])
