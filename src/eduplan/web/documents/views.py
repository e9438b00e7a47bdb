"""Upload a plan document, read it with its statements highlighted, accept or reject each into a draft plan."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from eduplan.errors import EduplanError
from eduplan.text.readers import read_bytes
from eduplan.text.statements import extract
from eduplan.web import access
from eduplan.web.documents import review
from eduplan.web.documents.forms import UploadForm
from eduplan.web.documents.models import Document


def index(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, region = form.cleaned_data["file"], form.cleaned_data["region_code"]
        if not access.can(request.user, region, "edit"):
            form.add_error("region_code", "只能上传本单位及下属区划的规划文本")
        else:
            try:
                raw = read_bytes(upload.read(), upload.name)
            except EduplanError as exc:
                form.add_error("file", exc.message)
            else:
                doc = Document.objects.create(
                    name=upload.name[:200], raw=raw, region_code=region,
                    region_name=form.cleaned_data["region_name"], uploaded_by=request.user,  # type: ignore[misc]
                    extraction=review.snapshot(extract(raw, upload.name)),
                )  # fmt: skip
                return redirect("documents:detail", pk=doc.pk)
    # The list needs names, not texts: the raw text and the extraction stay in the database.
    docs = access.visible(request.user, Document.objects.select_related("plan")).defer("raw", "extraction")[
        :50
    ]
    return render(request, "documents/index.html", {"form": form, "documents": docs})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = access.get_object(request, Document, pk=pk)
    ex = review.stored(doc)
    context = {
        "doc": doc,
        "structure": ex.structure,
        "text": ex.highlighted,
        "rows": review.rows(doc, ex),
        "projects": ex.projects,
        "commitments": sum(s.kind == "commitment" for s in ex.statements),
        "baselines": sum(s.kind == "baseline" for s in ex.statements),
        "can_decide": access.can(request.user, doc.region_code, "edit"),
    }
    return render(request, "documents/detail.html", context)


@require_POST
def decide(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """Accept or reject one statement: a change of the document's draft plan, so it needs the right to edit
    plans of the document's region (a reader gets 403)."""
    doc = access.get_object(request, Document, "edit", pk=pk)
    ex = review.stored(doc)
    if not 0 <= index < len(ex.statements):
        messages.error(request, "没有这条表述")
        return redirect("documents:detail", pk=pk)
    try:
        if request.POST.get("action") == "accept":
            target = review.accept(doc, ex, index)
            messages.success(request, f"已接受为目标：{target}")
        else:
            review.reject(doc, index)
            messages.info(request, f"第 {index + 1} 条表述不采用")
    except EduplanError as exc:
        messages.error(request, exc.message)
    return redirect(f"/documents/{pk}/#row{index}")
