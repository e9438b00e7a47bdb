"""File downloads from the pages: one way to hand a generated workbook or table to the browser."""

from __future__ import annotations

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def attachment(content: bytes | str, filename: str, content_type: str = XLSX) -> HttpResponse:
    """`content` as a file the browser saves under `filename` (an .xlsx unless `content_type` says otherwise)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
