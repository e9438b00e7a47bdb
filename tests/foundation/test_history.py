"""The import history and undo: every import recorded; undo puts back exactly what one import changed, in
one transaction, and refuses (changing nothing) when that is no longer safe."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from eduplan.errors import DataError
from eduplan.facts import Facts
from eduplan.io.database import import_files
from eduplan.store import load_facts

pytestmark = pytest.mark.db


def births(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text("乡镇代码,年份,出生人数\n" + rows, encoding="utf-8")
    return path


def stored() -> list[tuple[object, ...]]:
    return sorted(load_facts().births.rows())


def test_undo_in_reverse_order_restores_every_value(tiny_db: Facts, tmp_path: Path) -> None:
    from eduplan.store.history import undo
    from eduplan.store.models import ImportBatch

    original = stored()
    first = import_files([births(tmp_path, "a.csv", "990101001,2030,10\n990101002,2023,999\n")], user="alice")
    second = import_files([births(tmp_path, "b.csv", "990101001,2030,11\n")], user="bob")
    assert (first.batch, second.batch) is not None
    batch = ImportBatch.objects.get(pk=first.batch)
    assert (batch.user, batch.counts["births"], batch.counties) == (
        "alice", {"created": 1, "updated": 1, "unchanged": 0}, ["990101"])  # fmt: skip
    with pytest.raises(DataError, match="之后还有未撤销的导入"):
        undo(first.batch, "carol", 1)  # type: ignore[arg-type]
    assert undo(second.batch, "carol", 1).restored == {"births": 1}  # type: ignore[arg-type]
    assert ("990101001", 2030, 10) in stored()
    assert undo(first.batch, "carol", 1).deleted == {"births": 1}  # type: ignore[arg-type]
    assert stored() == original  # 石桥乡 2023 is back to what tiny_db had
    with pytest.raises(DataError, match=r"已于 .* 撤销"):
        undo(first.batch, "carol", 1)  # type: ignore[arg-type]


def test_undo_refuses_when_a_row_changed_since(tiny_db: Facts, tmp_path: Path) -> None:
    from eduplan.store.history import undo
    from eduplan.web.schools.models import Birth

    result = import_files([births(tmp_path, "a.csv", "990101001,2030,10\n")])
    Birth.objects.filter(year=2030).update(births=12)  # edited by hand after the import
    before = stored()
    with pytest.raises(DataError, match="出生人口有 1 行在导入后已被修改或删除（如 990101001, 2030）"):
        undo(result.batch, "carol", 1)  # type: ignore[arg-type]
    assert stored() == before


def test_undo_refuses_to_delete_a_school_others_now_depend_on(tiny_db: Facts, tmp_path: Path) -> None:
    from eduplan.store import save_facts
    from eduplan.store.history import undo
    from eduplan.web.schools.models import School

    path = tmp_path / "学校名录.csv"
    path.write_text(
        "学校标识码,学校名称,所属乡镇代码,办学类型,办别,城乡分类\n2199010777,新校,990101001,小学,公办,城区\n",
        encoding="utf-8",
    )
    result = import_files([path])
    facts = Facts.empty()
    facts.school_year = pl.DataFrame({"school": ["2199010777"], "year": [2030], "staff": [3]})
    save_facts(facts)  # data saved outside any import now points at the new school
    with pytest.raises(DataError, match="学校年度统计中另有 1 行引用本次导入新增的学校名录"):
        undo(result.batch, "carol", 1)  # type: ignore[arg-type]
    assert School.objects.filter(code="2199010777").exists()
