"""Store benchmark: saving and loading a demo province, against the plain Django ORM way of doing the same.

Runs in a child process on a temporary SQLite file (DATABASE_URL), so that it never touches a real database
nor depends on what other benchmarks set up. Figures: rows per second of `save_facts` on an empty database
vs `bulk_create` of model instances; re-saving identical facts (all unchanged); `load_facts` of the whole
province and of one county vs iterating model instances into a frame.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

COUNTIES = 5


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}", "EDUPLAN_DATA_DIR": tmp}
        code = "from eduplan.bench.foundation import measure; measure()"
        subprocess.run([sys.executable, "-c", code], env=env, check=True)


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def measure() -> None:
    from django.core.management import call_command

    from eduplan.web import setup

    setup()
    call_command("migrate", verbosity=0)
    from eduplan.demo import generate_province
    from eduplan.store import load_facts, save_facts

    seconds, facts = _timed(lambda: generate_province(COUNTIES))
    rows = sum(f.height for f in facts.frames().values())
    print(
        f"demo province of {COUNTIES} counties: {facts.schools.height} schools, {rows:,} rows ({seconds:.2f} s)"
    )
    save, _ = _timed(lambda: save_facts(facts))
    resave, summary = _timed(lambda: save_facts(facts))
    assert summary.unchanged == rows
    baseline = _orm_save(facts)
    print(f"save_facts, empty db: {save:.2f} s ({rows / save:,.0f} rows/s); ORM bulk_create: {baseline:.2f} s; "
          f"ratio {baseline / save:.1f}x")  # fmt: skip
    print(f"save_facts again, all {rows:,} rows unchanged: {resave:.2f} s")
    load, _ = _timed(load_facts)
    county, _ = _timed(lambda: load_facts("990101"))
    orm = _orm_load()
    print(f"load_facts(all): {load:.2f} s; ORM instances: {orm:.2f} s; ratio {orm / load:.1f}x")
    print(f"load_facts('990101'), one county: {county:.3f} s")


def _orm_save(facts: Any) -> float:
    """The plain way: model instances with foreign keys looked up, bulk_create per table, on an empty db."""
    from django.db import connection, transaction

    from eduplan.store import MODELS, references
    from eduplan.web.schools.models import OrgUnit, School

    with (
        connection.cursor() as cursor
    ):  # plain DELETE: the ORM's collector refuses the self-referencing units
        for model in reversed(list(MODELS.values())):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    start = time.perf_counter()
    with transaction.atomic():
        for name, model in MODELS.items():
            frame = facts.frames()[name]
            if name == "org_units":  # parents first, one level at a time
                for level in ("province", "city", "county", "township"):
                    ids = dict(OrgUnit.objects.values_list("code", "id"))
                    part = frame.filter(frame["level"] == level)
                    model._default_manager.bulk_create(
                        [
                            OrgUnit(**{**r, "parent": None, "parent_id": ids.get(r["parent"])})
                            for r in part.to_dicts()
                        ]
                    )
                continue
            units, schools = (
                dict(OrgUnit.objects.values_list("code", "id")),
                dict(School.objects.values_list("code", "id")),
            )
            lookup = {"school": schools, "township": units}
            objects = []
            for r in frame.to_dicts():
                for column in set(r) & set(lookup):
                    r[references(name)[column].attname] = lookup[column][r.pop(column)]
                objects.append(model(**r))
            model._default_manager.bulk_create(objects, batch_size=500)
    return time.perf_counter() - start


def _orm_load() -> float:
    """The plain way: iterate model instances and build each frame from their attributes."""
    import polars as pl

    from eduplan.facts import TABLES
    from eduplan.store import MODELS

    start = time.perf_counter()
    for name, model in MODELS.items():
        columns = [c.name for c in TABLES[name].columns]
        related = [c for c in ("school", "township", "parent") if c in columns]
        rows = []
        for obj in model._default_manager.select_related(*related):
            rows.append(
                {
                    c: (getattr(obj, c).code if c in related and getattr(obj, c) else getattr(obj, c))
                    for c in columns
                }
            )
        pl.DataFrame(rows, schema=TABLES[name].polars_schema(), orient="row")
    return time.perf_counter() - start
