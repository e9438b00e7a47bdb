"""The public page of a county, rendered once for the web and for `eduplan publish` (static files, no server)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from eduplan.errors import NotFound
from eduplan.facts import Facts
from eduplan.reports.public import PublicPage, page
from eduplan.web.plans.dashboard import target_chart
from eduplan.web.plans.models import Plan
from eduplan.web.plans.services import TargetRow, cached_evaluation
from eduplan.web.reports import inputs
from eduplan.web.schools.models import OrgUnit

# The stylesheet the page links; `publish` copies it beside the HTML.
ASSETS = ("eduplan/public.css",)


def public_plan(county: str) -> Plan:
    """The county's adopted plan, newest first. A draft is never published: without an adopted plan, no page."""
    if not OrgUnit.objects.filter(code=county, level="county").exists():
        raise NotFound(f"没有区划 {county} 的公开页面", english=f"no county {county}")
    plan = (
        Plan.objects.filter(region_code=county, status=Plan.Status.ADOPTED).order_by("-period_start").first()
    )
    if plan is None:
        raise NotFound(f"区划 {county} 尚无已印发的规划", english=f"no adopted plan for {county}")
    return plan


def render(county: str, year: int | None = None, asset_prefix: str = "/static/") -> str:
    """The page's HTML, rendered once per data version, year and day (kept with the plan's cached evaluation,
    which a plan edit or an import replaces)."""
    plan = public_plan(county)
    facts = cached_evaluation(plan).facts or inputs.region_facts(county)
    year = year or inputs.default_year(facts, county) or plan.period_start
    evaluation = cached_evaluation(plan, year)
    key = f"public {asset_prefix} {settings.PUBLIC_SCHOOL_TABLES} {date.today()}"
    if key not in evaluation.memo:
        shown, charts = content(plan, facts, year, evaluation.rows)
        cards = list(zip(shown.targets, charts, strict=True))
        context = {"page": shown, "cards": cards, "assets": asset_prefix}
        evaluation.memo[key] = render_to_string("public/county.html", context)
    html: str = evaluation.memo[key]
    return html


def content(
    plan: Plan, facts: Facts | None, year: int, rows: list[TargetRow]
) -> tuple[PublicPage, list[SafeString]]:
    """The page's content and one chart per target (server-side SVG)."""
    county = plan.region_code
    shown = page(
        plan.region_name or county,
        plan.name,
        (plan.period_start, plan.period_end),
        year,
        [inputs.target_line(r) for r in rows],
        inputs.standards(facts, county, year, todo=False),
        inputs.completeness(facts, county, year),
        date.today(),
        schools_allowed=settings.PUBLIC_SCHOOL_TABLES,
    )
    return shown, [target_chart(r) for r in rows]


def publish(county: str, out: Path, year: int | None = None) -> list[Path]:
    """Write the county's page as `out/index.html` with its stylesheet under `out/assets/`: no server, no CDN."""
    html = render(county, year, asset_prefix="assets/")
    written = []
    for asset in ASSETS:
        source = finders.find(asset)
        if source is None:
            raise NotFound(f"找不到页面样式文件 {asset}", english=f"missing static {asset}")
        target = out / "assets" / asset
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(str(source), target)
        written.append(target)
    index = out / "index.html"
    index.write_text(html, encoding="utf-8")
    return [index, *written]
