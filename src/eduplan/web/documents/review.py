"""From extracted statements to the review page (highlighted text) and to a draft plan's targets."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from eduplan.errors import DataError
from eduplan.text.genre import Genre
from eduplan.text.projects import KIND_LABELS
from eduplan.text.statements import Extraction, Statement, extract
from eduplan.web.documents.models import Decision, Document
from eduplan.web.plans.models import Plan, Target

_COMPARATOR = {">=": Target.Comparator.GE, ">": Target.Comparator.GE, "=": Target.Comparator.EQ,
               "<=": Target.Comparator.LE, "<": Target.Comparator.LE, "range": Target.Comparator.RANGE,
               "change": Target.Comparator.CHANGE}  # fmt: skip
_SCOPE = {"农村": Target.Scope.RURAL, "乡村": Target.Scope.RURAL, "城区": Target.Scope.URBAN,
          "城镇": Target.Scope.URBAN, "每个乡镇": Target.Scope.TOWNSHIP}  # fmt: skip
CMP_LABELS = {">=": "≥", ">": ">", "=": "=", "<=": "≤", "<": "<", "range": "区间", "change": "每年变化",
              "ratio": "比例"}  # fmt: skip


FORMAT = 2  # of the stored extraction; a different number (or an old document) is extracted again


@dataclass(frozen=True)
class Stored:
    """A document's extraction as stored: what the review page and the draft plan need, read once."""

    structure: SimpleNamespace  # title, issuer, doc_number, date, period, horizon, genre
    statements: list[Statement]
    projects: list[dict[str, Any]]
    highlighted: SafeString


def snapshot(ex: Extraction) -> dict[str, Any]:
    """The extraction as JSON for `Document.extraction`."""
    st = ex.structure
    head: dict[str, Any] = {
        k: getattr(st, k) for k in ("title", "issuer", "doc_number", "date", "period", "horizon")
    }
    head["genre"] = {"code": st.genre.code, "cues": list(st.genre.cues), "kind": st.genre.kind}
    return {"format": FORMAT, "structure": head, "statements": [asdict(s) for s in ex.statements],
            "projects": [{**p.row(), "kind_label": KIND_LABELS.get(p.kind, p.kind)} for p in ex.projects],
            "highlighted": str(highlighted(ex))}  # fmt: skip


def stored(doc: Document) -> Stored:
    """The document's stored extraction; extracted and stored now when missing or of another format."""
    data = doc.extraction
    try:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise KeyError("format")
        head = dict(data["structure"])
        head["period"] = tuple(head["period"]) if head.get("period") else None
        genre = head["genre"]
        head["genre"] = Genre(genre["code"], tuple(genre["cues"]), genre["kind"])
        return Stored(SimpleNamespace(**head), [Statement(**s) for s in data["statements"]], data["projects"],
                      mark_safe(data["highlighted"]))  # fmt: skip  # our own escaped HTML (see highlighted)
    except (KeyError, TypeError):
        doc.extraction = snapshot(extract(doc.raw, doc.name))
        doc.save(update_fields=["extraction"])
        return stored(doc)


@dataclass(frozen=True)
class Row:
    """One statement as the review table shows it."""

    index: int
    statement: Statement
    decision: Decision | None

    @property
    def value_text(self) -> str:
        s = self.statement
        if s.placeholder:
            return "待填（模板）"
        if s.value is None:
            return ""
        if s.cmp == "ratio" and s.value_max is not None:
            return f"{s.value:g}:{s.value_max:g}"
        if s.value_max is not None:
            return f"{s.value:g}–{s.value_max:g}{s.unit}"
        return f"{s.value:g}{s.unit}"

    @property
    def cmp_text(self) -> str:
        return CMP_LABELS.get(self.statement.cmp, self.statement.cmp)

    @property
    def acceptable(self) -> bool:
        return not accept_problem(self.statement)


def rows(doc: Document, extraction: Stored) -> list[Row]:
    decisions = {d.index: d for d in doc.decisions.select_related("target")}
    return [Row(i, s, decisions.get(i)) for i, s in enumerate(extraction.statements)]


def highlighted(extraction: Extraction) -> SafeString:
    """The normalised text, HTML-escaped, each statement's number in a <mark> linking to its table row."""
    text = extraction.normalised.text
    parts: list[str] = []
    pos = 0
    for i, s in enumerate(extraction.statements):
        if s.start < pos or s.end <= s.start:
            continue  # a coordinated subject shares its number with the statement before
        parts.append(escape(text[pos : s.start]))
        css = "statement baseline" if s.kind == "baseline" else "statement"
        parts.append(
            f'<mark class="{css}" id="s{i}" title="{escape(s.indicator)}">{escape(text[s.start : s.end])}</mark>'
        )
        pos = s.end
    parts.append(escape(text[pos:]))
    return mark_safe("".join(parts))  # every piece above is escaped


def accept_problem(s: Statement) -> str | None:
    """Why a statement cannot become a target as it stands (Chinese), else None."""
    if s.kind != "commitment":
        return "现状值不是目标，不能接受为目标"
    if s.placeholder or s.value is None:
        return "模板中的数值尚未填写"
    if s.cmp not in _COMPARATOR:
        return "比例型表述（如职普比）暂不能转为目标"
    if s.year is None:
        return "表述没有目标年份，且文件未给出规划期"
    return None


def draft_plan(doc: Document, extraction: Stored) -> Plan:
    """The document's draft plan, created on first use from what the document says about itself."""
    if doc.plan is not None:
        return doc.plan
    st = extraction.structure
    horizon = st.horizon or max((s.year for s in extraction.statements if s.year), default=None)
    if horizon is None:
        raise DataError("文件没有规划期，无法建立草案规划", english=f"{doc.name}: no plan period")
    start, end = st.period or (horizon - 4, horizon)
    plan = Plan.objects.create(
        name=(st.title or doc.name)[:200], region_code=doc.region_code, region_name=doc.region_name,
        period_start=start, period_end=end, status=Plan.Status.DRAFT,
        source_document="，".join(x for x in (doc.name, st.doc_number) if x)[:300],
    )  # fmt: skip
    doc.plan = plan
    doc.save(update_fields=["plan"])
    return plan


def target_for(plan: Plan, s: Statement, number: int) -> Target:
    """An unsaved target carrying statement `s`."""
    falling = s.cmp in ("<=", "<") or (s.cmp == "change" and (s.value or 0) < 0)
    assert s.value is not None and s.year is not None
    return Target(
        plan=plan, number=number, indicator_code=s.code or "", indicator_text=s.indicator[:200],
        scope=_SCOPE.get(s.scope or "", Target.Scope.REGION), comparator=_COMPARATOR[s.cmp],
        value=abs(s.value) if s.cmp == "change" else s.value, value_high=s.value_max, unit=s.unit[:20],
        direction=Target.Direction.LOWER if falling else Target.Direction.HIGHER, target_year=s.year,
        recurrence=s.per is not None, quote=s.quote, note="由规划文本抽取，待核对",
    )  # fmt: skip


@transaction.atomic
def accept(doc: Document, extraction: Stored, index: int) -> Target:
    """Make statement `index` a target of the document's draft plan (validated like the plan form)."""
    s = extraction.statements[index]
    problem = accept_problem(s)
    if problem:
        raise DataError(problem, english=f"statement {index} cannot be accepted")
    plan = draft_plan(doc, extraction)
    target = target_for(plan, s, plan.targets.count() + 1)
    try:
        target.full_clean()
    except ValidationError as exc:
        raise DataError(
            "；".join(m for ms in exc.message_dict.values() for m in ms), english=str(exc)
        ) from exc
    target.save()
    Decision.objects.update_or_create(
        document=doc, index=index, defaults={"accepted": True, "target": target}
    )
    return target


@transaction.atomic
def reject(doc: Document, index: int) -> None:
    """Mark statement `index` as not taken; a target made from it earlier in this document's draft plan is
    removed (never a target of another plan)."""
    old = Decision.objects.filter(document=doc, index=index).select_related("target").first()
    if old and old.target and doc.plan_id is not None and old.target.plan_id == doc.plan_id:
        old.target.delete()
    Decision.objects.update_or_create(document=doc, index=index, defaults={"accepted": False, "target": None})
