"""Import benchmark: a province's statistics (about a million rows of the four yearly tables, as the CSV files
`eduplan export stats` writes) imported into a database that already holds the province's units and
schools — by today's importer and by the importer it replaced (issue 11), side by side on the same files.

Each run is a child process on its own temporary SQLite file, so its peak memory (ru_maxrss) is its own.
The replaced importer (cell-by-cell validation in Python, row-by-row upsert) is taken from git history, as
it was; without git it is skipped. `python -m eduplan.bench imports` prints rows/s, seconds, peak MB and
the ratio; `EDUPLAN_BENCH_COUNTIES` changes the province's size (70 counties ≈ 1 million rows).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

COUNTIES = int(os.environ.get("EDUPLAN_BENCH_COUNTIES", "70"))
ROOT = Path(__file__).resolve().parents[3]
OLD_FILES = ("io/cells.py", "io/rules.py", "io/sheets.py", "io/validate.py", "web/schools/store.py")


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = int(_child(folder, "prepare", folder / "seed.db")["rows"])
        print(f"province of {COUNTIES} counties: {rows:,} rows in 4 CSV files")
        new = _child(folder, "new", folder / "seed.db")
        print(_line("eduplan import (column-wise, Polars)", rows, new))
        baseline = _baseline(folder)
        if baseline is None:
            print("replaced importer: not found in git history, skipped")
            return
        old = _child(folder, "old", folder / "seed.db", baseline)
        print(_line("replaced importer (cell by cell)", rows, old))
        print(f"ratio: {old['seconds'] / new['seconds']:.1f}x faster ({old['cpu'] / new['cpu']:.1f}x less CPU), "
              f"{old['peak_mb'] / new['peak_mb']:.1f}x less memory")  # fmt: skip


def _line(name: str, rows: int, result: dict[str, float]) -> str:
    return (f"{name}: {result['seconds']:.1f} s, {rows / result['seconds']:,.0f} rows/s "
            f"(CPU {result['cpu']:.1f} s), peak {result['peak_mb']:,.0f} MB")  # fmt: skip


def _child(folder: Path, step: str, seed: Path, baseline: Path | None = None) -> dict[str, float]:
    db = folder / f"{step}.db"
    if step != "prepare":
        db.write_bytes(seed.read_bytes())
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db if step != 'prepare' else seed}",
        "EDUPLAN_DATA_DIR": str(folder),
    }
    if baseline is not None:
        env["PYTHONPATH"] = f"{baseline}{os.pathsep}{env.get('PYTHONPATH', '')}"
    code = f"from eduplan.bench.imports import {step}; {step}({str(folder)!r})"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _setup() -> None:
    from django.core.management import call_command

    from eduplan.web import setup

    setup()
    call_command("migrate", verbosity=0)


def _cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _report(seconds: float, cpu: float, **extra: object) -> None:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": _cpu() - cpu, "peak_mb": peak, **extra}))


def prepare(folder: str) -> None:
    """The province's units and schools in the seed database; its yearly statistics as CSV files."""
    _setup()
    from eduplan.demo import generate_province
    from eduplan.facts import Facts
    from eduplan.io.kinds import tables_of
    from eduplan.io.workbook import write
    from eduplan.store import save_facts

    facts = generate_province(COUNTIES)
    base = Facts.empty()
    base.org_units, base.schools = facts.org_units, facts.schools
    save_facts(base)
    tables = tables_of("stats")
    write(tables, {t.name: facts.frames()[t.name] for t in tables}, Path(folder) / "stats.csv")
    print(json.dumps({"rows": sum(facts.frames()[t.name].height for t in tables)}))


def _files(folder: str) -> list[Path]:
    return sorted(Path(folder).glob("stats-*.csv"))


def new(folder: str) -> None:
    import time

    _setup()
    from eduplan.io.database import import_files

    cpu, start = _cpu(), time.perf_counter()
    result = import_files(_files(folder))
    seconds = time.perf_counter() - start
    assert result.ok and result.summary is not None, [p.chinese() for p in result.problems[:3]]
    _report(seconds, cpu, created=result.summary.created)


def old(folder: str) -> None:
    """The replaced import_files, step by step: read every file, validate, save in one transaction."""
    import time

    _setup()
    from baseline_io.sheets import read_file  # type: ignore[import-not-found]
    from baseline_io.store import save_facts  # type: ignore[import-not-found]
    from baseline_io.validate import Known, validate  # type: ignore[import-not-found]

    from eduplan.facts import Facts
    from eduplan.web.schools.models import OrgUnit, School

    cpu, start = _cpu(), time.perf_counter()
    sheets = [s for path in _files(folder) for s in read_file(path)]
    known = Known(schools=frozenset(School.objects.values_list("code", flat=True)),
                  units=dict(OrgUnit.objects.values_list("code", "level")))  # fmt: skip
    checked = validate(sheets, known)
    assert checked.ok, [p.chinese() for p in checked.problems[:3]]
    facts = Facts.empty()
    for name, frame in checked.frames.items():
        setattr(facts, name, frame)
    summary = save_facts(facts)
    _report(time.perf_counter() - start, cpu, created=summary.created)


def _baseline(folder: Path) -> Path | None:
    """The replaced importer's modules from git history, as the package `baseline_io` under `folder`."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.strip()

    try:
        commit = _last_old(git)
        package = folder / "baseline" / "baseline_io"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        for name in OLD_FILES:
            text = git("show", f"{commit}:src/eduplan/{name}")
            text = text.replace("from eduplan.io.", "from baseline_io.")
            text = re.sub(r"from eduplan\.web\.schools\.models import MODELS, OrgUnit, School",
                          "from eduplan.store import MODELS\nfrom eduplan.web.schools.models import OrgUnit, School", text)  # fmt: skip
            (package / Path(name).name).write_text(text + "\n", encoding="utf-8")
    except (subprocess.CalledProcessError, FileNotFoundError, OSError):
        return None
    return package.parent


def _last_old(git: Callable[..., str]) -> str:
    """The newest commit with the replaced importer: the store still in web/schools, validation by cell."""
    for commit in git("log", "--format=%H", "--", "src/eduplan/web/schools/store.py").split():
        try:
            if "def _parse_row(" in git("show", f"{commit}:src/eduplan/io/validate.py"):
                git("cat-file", "-e", f"{commit}:src/eduplan/web/schools/store.py")
                return commit
        except subprocess.CalledProcessError:
            continue
    raise FileNotFoundError("no commit with the replaced importer")
