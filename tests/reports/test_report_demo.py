"""The evaluation report of the demo county, as `eduplan report evaluation` writes it: every cell of its tables
against the results the other commands compute (progress, evaluate, forecast), the PDF's fonts and glyphs, the
plan page's button. Fixed points: `--unit 990101 --as-of 2024 --out X.docx` and `--out X.pdf` both succeed."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from django.test import Client

from eduplan.cli import main
from eduplan.demo import DEMO_COUNTY

from . import pdfcheck

pytestmark = pytest.mark.db
AS_OF = 2024


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def _num(v: float | None, unit: str = "%") -> str:
    return "—" if v is None else f"{v:,.2f}".rstrip("0").rstrip(".") + unit


def _rating(r: dict[str, Any]) -> str:
    """The report's 评价, restated from its method note (表1 注) on `eduplan progress`'s JSON."""
    if r["status"] == "achieved":
        return "提前实现" if r["latest_year"] < r["target_year"] else "已实现"
    if r["status"] == "on_track":
        return "快于预期" if r["ratio"] is not None and r["ratio"] >= 1 else "基本符合预期"
    return {"not_achieved": "未实现（到期）", "no_data": "无法评估"}.get(r["status"], "滞后")


def _table(word: Any, *heads: str) -> list[list[str]]:
    for table in word.tables:
        header = [c.text for c in table.rows[0].cells]
        if all(h in header for h in heads):
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table with {heads}")


def test_docx_cells_match_the_computed_results(
    plan: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "X.docx"
    assert (
        main(["report", "evaluation", "--unit", DEMO_COUNTY, "--as-of", str(AS_OF), "--out", str(out)]) == 0
    )
    word = docx.Document(str(out))
    rows = _table(word, "指标", "目标值", "现状值", "评价")
    records = _json(capsys, "progress", "--unit", DEMO_COUNTY, "--year", str(AS_OF), "--format", "json")
    assert len(rows) == 1 + plan.targets.count() == 1 + len(records) == 14
    recurrent = set(plan.targets.filter(recurrence=True).values_list("indicator_text", flat=True))
    for row, r in zip(rows[1:], records, strict=True):
        _number, name, _attr, base, target, latest, progress, word_, note = row
        scope = "" if r["scope"] == "全域" else f"（{r['scope']}）"
        assert name == r["indicator_name"] + scope
        assert base == f"{_num(r['baseline_value'])}\n（{r['baseline_year']}年）"
        prefix = "每年" if r["indicator_name"] in recurrent else ""
        assert target == f"{prefix}≥{_num(r['target_value'])}\n（{r['target_year']}年）"
        assert latest == f"{_num(r['latest_value'])}\n（{r['latest_year']}年）"
        assert word_ == _rating(r), name
        if r["indicator_name"] not in recurrent and r["status"] != "achieved":
            # The JSON rounds the latest value to 2 decimals; the report divides the unrounded one. Near a
            # target the span is small (≥ 100 from 101.89: 1.89 points), so allow for that rounding (± 0.005).
            span = r["target_value"] - r["baseline_value"]
            low, high = sorted((r["latest_value"] + e - r["baseline_value"]) / span for e in (-0.005, 0.005))
            assert low - 0.0005 <= float(progress.rstrip("%")) / 100 <= high + 0.0005, (name, progress)
            assert f"预计{r['target_year']}年为{_num(r['forecast_value'])}" in note
    # 表2: the plan's projects as stored.
    projects = _table(word, "项目名称", "新增学位（个）")
    stored = list(plan.projects.all())
    assert [r[1] for r in projects[1:]] == [p.name for p in stored]
    assert [r[4] for r in projects[1:]] == [_num(p.budget, "") if p.budget else "—" for p in stored]
    # 表3: 优质均衡 as `eduplan evaluate balanced` computes it.
    balanced = _json(
        capsys, "evaluate", "balanced", "--unit", DEMO_COUNTY, "--year", str(AS_OF), "--format", "json"
    )
    cells = {r[0]: r[1:] for r in _table(word, "评估内容", "现状", "结论")[1:]}
    primary = balanced["primary"]["schools"]
    assert cells["小学学校达标"] == [f"{sum(s['passed'] for s in primary)}/{len(primary)}所", "未达标"]
    for item in balanced["items"]:
        if item["status"] in ("pass", "fail"):
            assert cells[item["name"]][1] == {"pass": "达标", "fail": "未达标"}[item["status"]]
    # 表5: every red or amber zone of `eduplan forecast places`, its shortfall in each forecast year.
    forecast = _json(
        capsys, "forecast", "places", "--unit", DEMO_COUNTY, "--from-year", str(AS_OF), "--format", "json"
    )
    alerts = [
        w for w in forecast["warnings"] if w["level"] in ("red", "amber") and w["stage"] != "vocational"
    ]
    places = _table(word, "学区", "学段", "预警")
    years = [int(h.removesuffix("年")) for h in places[0][2:-1]]
    assert years == list(range(AS_OF + 1, AS_OF + 6)) and len(places) - 1 == len(alerts)
    gaps = {(g["unit"], g["stage"], g["year"]): g["gap"] for g in forecast["gaps"]}
    names = {"preschool": "学前", "primary": "小学", "junior": "初中", "senior": "高中"}

    def cell(gap: float) -> str:
        return f"{gap:,.0f}" if gap > 0.5 else "—"

    expected = sorted(
        (names[w["stage"]], *(cell(gaps[w["unit"], w["stage"], y]) for y in years), w["level"])
        for w in alerts
    )
    level = {"红色预警": "red", "黄色预警": "amber"}
    assert sorted((*r[1:-1], level[r[-1]]) for r in places[1:]) == expected
    zones = {w["unit"].split("-", 1)[1] for w in alerts if "-" in w["unit"]}
    assert zones <= {r[0] for r in places[1:]}


def test_pdf_embeds_fonts_and_draws_every_glyph(plan: Any, tmp_path: Path) -> None:
    out = tmp_path / "X.pdf"
    assert (
        main(["report", "evaluation", "--unit", DEMO_COUNTY, "--as-of", str(AS_OF), "--out", str(out)]) == 0
    )
    assert out.read_bytes().startswith(b"%PDF")
    found = pdfcheck.fonts(out)
    assert found and all(f["emb"] == "yes" for f in found), found
    assert any("CJK" in f["name"] or "GB2312" in f["name"] or "Song" in f["name"] for f in found)
    shown = pdfcheck.text(out)
    # Word and PDF say the same: the PDF carries the table's values and the date line.
    for expected in ("主要指标完成情况", "102.7%", "提前实现", "滞后", "示例县教育局"):
        assert expected in shown, expected
    today = date.today()
    assert re.search(rf"{today.year}\s*年\s*{today.month}\s*月\s*{today.day}\s*日", shown)
    assert re.search(r"—\s*1\s*—", shown)
    images = pdfcheck.pages(out, tmp_path)
    assert len(images) >= 5 and all(image.mean() > 0.002 for image in images)  # every page has ink
    missing = pdfcheck.missing_glyphs(set(shown))
    assert not missing, f"缺字（豆腐块）：{sorted(missing)}"


def test_bad_requests_say_what_is_wrong(
    plan: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "X.txt"
    assert main(["report", "evaluation", "--unit", DEMO_COUNTY, "--out", str(out)]) == 1
    assert "应以 .docx 或 .pdf 结尾" in capsys.readouterr().err and not out.exists()
    assert main(["report", "evaluation", "--plan", "没有这个规划", "--out", str(tmp_path / "Y.docx")]) == 1
    assert "没有规划“没有这个规划”" in capsys.readouterr().err
    assert main(["report", "evaluation", "--unit", "990199", "--out", str(tmp_path / "Z.docx")]) == 1
    assert not list(tmp_path.iterdir())


def test_plan_page_button_downloads_the_report(plan: Any, carol: Any, bob: Any) -> None:
    from eduplan.web.accounts.models import AuditEvent

    client = Client()
    assert client.get(f"/reports/evaluation/{plan.pk}/").status_code == 302  # sign in first
    client.force_login(bob)  # 990102's planner: not this county's report
    assert client.get(f"/reports/evaluation/{plan.pk}/?format=docx&as_of={AS_OF}").status_code == 403
    client.force_login(carol)  # the city's supervisor reads it
    page = client.get(f"/plans/?plan={plan.pk}").content.decode()
    assert 'id="report-form"' in page and "下载评估报告（Word）" in page and "/public/990101/" in page
    response = client.get(f"/reports/evaluation/{plan.pk}/?format=docx&as_of={AS_OF}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="evaluation-990101-{AS_OF}.docx"'
    word = docx.Document(io.BytesIO(response.content))
    assert len(_table(word, "指标", "目标值", "现状值", "评价")) == 14
    assert AuditEvent.objects.filter(event="report_download", username="carol", unit="990101").exists()
