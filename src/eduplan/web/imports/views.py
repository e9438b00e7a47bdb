"""数据导入 pages: upload files, see what the import would do, 确认导入, the history and its undo.

Only users who may change data (`access.require(…, "edit")` on every county an import touches) get past
the upload. The preview runs the very import in a transaction that is rolled back: the same checks and
messages as `eduplan import`, and counts per table and year that are exactly what 确认导入 will do.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from eduplan import results
from eduplan.errors import EduplanError
from eduplan.facts import TABLES
from eduplan.io.database import ImportResult, import_sources
from eduplan.io.limits import limits
from eduplan.io.problems import grouped
from eduplan.web import access
from eduplan.web.imports import uploads

SESSION = "eduplan_import_upload"


def _may_import(request: HttpRequest) -> None:
    """Someone who may change the data of at least one county (or of a database with none yet)."""
    visible = access.counties(request.user)
    if visible and not any(access.can(request.user, c.code, "edit") for c in visible):
        raise PermissionDenied("无权导入数据")
    if not visible and not access.can(request.user, "", "edit"):
        raise PermissionDenied("无权导入数据")


def _require_counties(request: HttpRequest, counties: list[str]) -> None:
    for code in counties:
        access.require(request, code, "edit")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _may_import(request)
    from eduplan.store.models import ImportBatch

    visible = {c.code for c in access.counties(request.user)}
    batches = [
        b for b in ImportBatch.objects.all()[:200]
        if b.user == request.user.get_username() or set(b.counties) <= visible
    ]  # fmt: skip
    return render(request, "imports/index.html", {"batches": [_batch_row(b) for b in batches[:50]]})


def _batch_row(batch: Any) -> dict[str, Any]:
    counts = {k: sum(c[k] for c in batch.counts.values()) for k in ("created", "updated", "unchanged")}
    return {"batch": batch, "counts": counts, "tables": _labels(batch.counts)}


def _labels(counts: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(TABLES[t].label if t in TABLES else t, c) for t, c in counts.items()]


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    _may_import(request)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, "请选择要导入的文件")
        return redirect("imports:index")
    try:
        token = uploads.stash(files, limits().max_file_bytes)
        result = import_sources(uploads.sources(token), request.user.get_username(), "web",
                                request.POST.get("include_hidden") == "on", preview=True)  # fmt: skip
        _require_counties(request, result.counties)
    except EduplanError as exc:
        messages.error(request, exc.message)
        return redirect("imports:index")
    request.session[SESSION] = {"token": token, "include_hidden": request.POST.get("include_hidden") == "on"}
    return render(request, "imports/preview.html", _preview_context(result, token))


def _preview_context(result: ImportResult, token: str) -> dict[str, Any]:
    prepared = result.prepared
    rows = [
        {"table": TABLES[name].label, "year": year or "", "counts": counts}
        for (name, year), counts in sorted(
            result.by_year.items(), key=lambda item: (list(TABLES).index(item[0][0]), item[0][1])
        )
    ]
    return {
        "token": token,
        "ok": result.ok,
        "files": prepared.files,
        "problems": [p.chinese() for p in prepared.problems],
        "total": prepared.total,
        "more": prepared.total - len(prepared.problems),
        "notices": grouped(prepared.notices),
        "rows": rows,
        "completeness": [
            {"county": c, "year": y, "label": label} for (c, y), label in sorted(result.completeness.items())
        ],
    }


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    _may_import(request)
    stashed = request.session.get(SESSION) or {}
    token = request.POST.get("token", "")
    if stashed.get("token") != token:
        messages.error(request, "没有这次上传（可能已过期），请重新上传")
        return redirect("imports:index")
    try:
        sources = uploads.sources(token)
        checked = import_sources(
            sources, request.user.get_username(), "web", stashed.get("include_hidden", False), preview=True
        )
        _require_counties(request, checked.counties)
        result = import_sources(
            sources, request.user.get_username(), "web", stashed.get("include_hidden", False)
        )
    except EduplanError as exc:
        messages.error(request, exc.message)
        return redirect("imports:index")
    if not result.ok or result.summary is None:
        messages.error(request, f"文件有 {result.prepared.total} 处问题，未写入任何数据，请重新预览")
        return redirect("imports:index")
    uploads.discard(token)
    del request.session[SESSION]
    files = [{"name": f.name, "sha256": f.sha256} for f in result.prepared.files]
    for county in result.counties or [""]:
        access.audit(request, "import", county, batch=result.batch, files=files)
    results.refresh_soon(result.counties)  # in the background: pages show the previous results meanwhile
    s = result.summary
    messages.success(
        request,
        f"第 {result.batch} 次导入完成：新增 {s.created} 行，更新 {s.updated} 行，未变 {s.unchanged} 行",
    )
    return redirect("imports:index")


@login_required
@require_POST
def undo(request: HttpRequest, batch: int) -> HttpResponse:
    from eduplan.store.history import undo as undo_batch
    from eduplan.store.models import ImportBatch

    found = ImportBatch.objects.filter(pk=batch).first()
    if found is None:
        messages.error(request, f"没有第 {batch} 次导入的记录")
        return redirect("imports:index")
    _require_counties(request, found.counties)
    _may_import(request)
    try:
        done = undo_batch(batch, request.user.get_username(), limits().lock_wait)
    except EduplanError as exc:
        messages.error(request, exc.message)
        return redirect("imports:index")
    for county in found.counties or [""]:
        access.audit(request, "import_undo", county, batch=batch)
    results.refresh_soon(found.counties)
    messages.success(request, f"已撤销第 {batch} 次导入：" + "；".join(done.lines()))
    return redirect("imports:index")
