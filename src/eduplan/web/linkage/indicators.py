"""Register-based indicator values of a run, written as 直报指标值 so the indicator pages and plans see them."""

from __future__ import annotations

from eduplan.facts import TABLES, Facts
from eduplan.linkage.schooling import Summary
from eduplan.web.linkage.models import Run

SOURCE = "户籍、学籍与困难家庭名单比对（控辍保学）"


def values(run: Run) -> list[dict[str, object]]:
    """义务教育适龄儿童入学率 (enrolled or documented ÷ compulsory-age children not gone) and 家庭经济困难学生
    资助覆盖率 (aided ÷ needy children in school in the county), each with numerator and denominator."""
    summary = Summary.stored(run.summary)
    rows: list[dict[str, object]] = []
    base = summary.children - summary.by_outcome.get("gone", 0)
    if base:
        rows.append(_row(run, "compulsory_enrollment_rate", summary.enrolled, base))
    aid = run.summary.get("aid")
    if aid and aid["in_school"]:
        rows.append(_row(run, "poor_student_aid_coverage", aid["aided"], aid["in_school"]))
    return rows


def _row(run: Run, code: str, numerator: int, denominator: int) -> dict[str, object]:
    return {
        "unit": run.county, "year": run.year, "indicator": code, "value": round(100 * numerator / denominator, 4),
        "numerator": float(numerator), "denominator": float(denominator), "source": SOURCE,
    }  # fmt: skip


def write_indicators(run: Run) -> None:
    from eduplan.store import save_facts

    rows = values(run)
    if rows:
        facts = Facts.empty()
        facts.reported = TABLES["reported"].frame(rows)
        save_facts(facts)
