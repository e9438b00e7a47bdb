"""What a planner waits for when a document leaves the building: the evaluation report (Word, PDF), the public
page as static files, the 工作要点 draft of seed 002 — each a whole command, as run, against the demo county.

Baseline: `eduplan progress --unit 990101 --format json`, the plain command that starts Django, loads the county
and judges the same plan's targets; the ratio says what the document itself costs on top of that.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 3


def _run(env: dict[str, str], *args: str) -> float:
    """Best wall time of `eduplan ARGS` over REPEAT runs."""
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "eduplan.cli", *args], env=env, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="eduplan-bench-reports-") as tmp:
        folder = Path(tmp)
        os.environ["EDUPLAN_DATA_DIR"] = str(folder / "data")  # this process too: it reads the seeds' place
        os.environ.pop("DATABASE_URL", None)
        env = dict(os.environ)
        subprocess.run([sys.executable, "-m", "eduplan.cli", "demo", "--no-serve"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        base = _run(env, "progress", "--unit", "990101", "--format", "json")
        print(f"基准 eduplan progress（同一规划的目标判断）：{base:.2f} s")
        from eduplan.web import setup

        setup()
        from eduplan.web.plans.plan_io import demo_source

        seed = demo_source().with_name("002_5dc4fd613d71f730.txt")
        jobs = {
            "评估报告 .docx": ("report", "evaluation", "--unit", "990101", "--as-of", "2024", "--out", f"{tmp}/r.docx"),
            "评估报告 .pdf": ("report", "evaluation", "--unit", "990101", "--as-of", "2024", "--out", f"{tmp}/r.pdf"),
            "公开页面 publish": ("publish", "--unit", "990101", "--out", f"{tmp}/site"),
        }  # fmt: skip
        if seed.exists():
            jobs["工作要点草稿（种子 002）"] = ("draft", "workplan", str(seed), "--unit", "990101", "--year", "2025",
                                          "--out", f"{tmp}/d.docx")  # fmt: skip
        for name, args in jobs.items():
            seconds = _run(env, *args)
            print(f"{name}：{seconds:.2f} s，为基准的 {seconds / base:.1f} 倍")
