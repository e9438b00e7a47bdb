"""The rule that keeps stored results honest (docs/results.md): a table of facts is written only through the
store (save_facts, undo: they bump data versions) or one row at a time (the models' signals bump). A bulk
QuerySet write or raw SQL on one of them anywhere else in our code would change data without moving a
version, so stored results would stay "fresh" on old data: this test reads the source and refuses it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import eduplan
from eduplan.store.registry import MODELS

SOURCE = Path(eduplan.__file__).parent
ALLOWED = {SOURCE / "store"}  # the store's own writes bump the versions themselves
BULK = {"update", "bulk_create", "bulk_update", "raw", "_raw_delete"}


def _base(node: ast.expr) -> str | None:
    """The name a chain of attributes and calls starts from: `School` in School.objects.filter(…).update."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _bypasses(path: Path, names: set[str], tables: set[str], root: Path = SOURCE) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(root)
    found = []
    for node in ast.walk(tree):
        call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if call and node.func.attr in BULK and _base(node.func.value) in names:  # type: ignore[attr-defined]
            found.append(f"{where}:{node.lineno} {_base(node.func.value)}….{node.func.attr}()")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            hit = next((t for t in tables if t in node.value.lower()), None)
            if hit is not None and any(w in node.value.upper() for w in ("UPDATE ", "INSERT ", "DELETE ")):
                found.append(f"{where}:{node.lineno} SQL on {hit}")
    return found


@pytest.mark.django_db
def test_no_write_to_a_table_of_facts_bypasses_the_data_versions() -> None:
    names = {model.__name__ for model in MODELS.values()}
    tables = {model._meta.db_table for model in MODELS.values()}
    assert {"School", "SchoolYear", "Teacher"} <= names  # the registry is loaded: the test can fail
    files = [p for p in SOURCE.rglob("*.py") if not any(a in p.parents for a in ALLOWED)]
    found = [hit for path in files for hit in _bypasses(path, names, tables)]
    assert not found, "写入统计数据表而不更新数据版本：\n" + "\n".join(found)


def test_the_check_finds_a_bypass(tmp_path: Path) -> None:
    """The reader above finds both kinds of bypass in a file that has them."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "SchoolYear.objects.filter(year=2024).update(teachers=0)\n"
        "cursor.execute('UPDATE schools_schoolyear SET teachers = 0')\n"
    )
    assert len(_bypasses(bad, {"SchoolYear"}, {"schools_schoolyear"}, tmp_path)) == 2
