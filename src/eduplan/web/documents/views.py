"""Upload a plan document, read it with its statements highlighted, accept or reject each into a draft plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from eduplan.errors import EduplanError
from eduplan.text.projects import KIND_LABELS
from eduplan.text.readers import read_bytes
from eduplan.text.statements import Extraction, extract
from eduplan.web.documents import review
from eduplan.web.documents.forms import UploadForm
from eduplan.web.documents.models import Document


def _extraction(doc: Document) -> Extraction:
    return extract(doc.raw, doc.name)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            raw = read_bytes(upload.read(), upload.name)
        except EduplanError as exc:
            form.add_error("file", exc.message)
        else:
            doc = Document.objects.create(
                name=upload.name[:200], raw=raw, region_code=form.cleaned_data["region_code"],
                region_name=form.cleaned_data["region_name"],
                uploaded_by=request.user if request.user.is_authenticated else None,
            )  # fmt: skip
            return redirect("documents:detail", pk=doc.pk)
    docs = Document.objects.select_related("plan")[:50]
    return render(request, "documents/index.html", {"form": form, "documents": docs})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(Document, pk=pk)
    ex = _extraction(doc)
    context = {
        "doc": doc,
        "structure": ex.structure,
        "text": review.highlighted(ex),
        "rows": review.rows(doc, ex),
        "projects": [{**p.row(), "kind_label": KIND_LABELS.get(p.kind, p.kind)} for p in ex.projects],
        "commitments": sum(s.kind == "commitment" for s in ex.statements),
        "baselines": sum(s.kind == "baseline" for s in ex.statements),
    }
    return render(request, "documents/detail.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    doc = get_object_or_404(Document, pk=pk)
    ex = _extraction(doc)
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
