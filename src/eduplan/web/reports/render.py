"""The evaluation report as a file: inputs → document → .docx (charts drawn by the pages' SVG code) → .pdf."""

from __future__ import annotations

from datetime import date
from typing import Literal

import cairosvg

from eduplan.errors import DataError
from eduplan.reports import evaluation, official, pdf
from eduplan.reports.content import ReportInputs
from eduplan.reports.document import Figure
from eduplan.web import charts
from eduplan.web.plans.models import Plan
from eduplan.web.reports.inputs import report_inputs

Format = Literal["docx", "pdf"]
FORMATS: tuple[Format, ...] = ("docx", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# The chart is drawn 560 px wide so that its 12 px labels print at about 9.5 pt across the 15.6 cm text block;
# the image has three times as many pixels, sharp on paper.
CHART_WIDTH, CHART_HEIGHT, CHART_PIXELS = 560, 280, 1680


def figure_png(figure: Figure) -> bytes:
    """A bar chart of the report, drawn by the pages' server-side SVG charts and rasterised by cairo."""
    svg = charts.bar_chart(
        list(figure.labels),
        list(figure.values),
        title=figure.title,
        y_label=figure.unit,
        colors=list(figure.colors),
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
    )
    png: bytes = cairosvg.svg2png(bytestring=str(svg).encode("utf-8"), output_width=CHART_PIXELS)
    return png


def evaluation_report(
    plan: Plan, as_of: int | None, fmt: Format, issued: date | None = None
) -> tuple[bytes, ReportInputs]:
    """The report file of `plan` in `fmt`, and the inputs it states (for messages and checks)."""
    if fmt not in FORMATS:
        raise DataError(f"报告格式只能是 .docx 或 .pdf，而不是 {fmt}", english=f"bad report format {fmt!r}")
    inputs = report_inputs(plan, as_of, issued)
    docx = official.write_docx(evaluation.build(inputs), figure_png)
    return (pdf.to_pdf(docx) if fmt == "pdf" else docx), inputs


def filename(inputs: ReportInputs, fmt: Format) -> str:
    return f"evaluation-{inputs.region_code}-{inputs.as_of}.{fmt}"
