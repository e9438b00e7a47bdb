"""File downloads from the pages: one way to hand a generated workbook or table to the browser.

Every .xlsx and .csv handed out here is neutralised first (the OWASP rule against formula injection): a text
cell beginning with = + - @ tab or CR gets a leading apostrophe, and no formula leaves the server.
"""

from __future__ import annotations

from django.http import HttpResponse

from eduplan.io.text import neutralise_csv, neutralise_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def attachment(content: bytes | str, filename: str, content_type: str = XLSX) -> HttpResponse:
    """`content` as a file the browser saves under `filename` (an .xlsx unless `content_type` says otherwise)."""
    if content_type == XLSX:
        content = neutralise_xlsx(content if isinstance(content, bytes) else content.encode())
    elif content_type.startswith("text/csv"):
        content = neutralise_csv(content if isinstance(content, str) else content.decode("utf-8"))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
