"""Imports remembered and undone.

`record` keeps one batch per import: who, when, the files (names, SHA-256, sizes), the counts per table and
the journal of what changed. `undo` puts back what one batch changed — rows it created are deleted, rows it
updated get their old values — in one transaction, under the import lock. It refuses, changing nothing, when
a later import that is not undone exists, when a row has been changed since, or when other data has come to
depend on a row it would delete.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from eduplan.errors import DataError, NotFound
from eduplan.facts import TABLES, Facts
from eduplan.store import versions
from eduplan.store.lock import import_lock
from eduplan.store.models import ImportBatch
from eduplan.store.registry import MODELS, references
from eduplan.store.writing import (
    PK,
    Journal,
    TableChanges,
    TableCounts,
    changed_scopes,
    existing,
    run_write_checks,
    save_facts,
    typed,
    with_ids,
)

KINDS = ("created", "updated")


def pack(journal: Journal) -> bytes:
    """The journal as a zip of Arrow files (zstd), one per table and kind."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, changes in journal.tables.items():
            for kind in KINDS:
                parts = [p for p in getattr(changes, kind) if p.height]
                if parts:
                    frame = io.BytesIO()
                    pl.concat(parts, how="diagonal_relaxed").write_ipc(frame, compression="zstd")
                    archive.writestr(f"{name}.{kind}.arrow", frame.getvalue())
    return buffer.getvalue()


def unpack(data: bytes) -> Journal:
    journal = Journal()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.namelist():
            name, kind, _ = entry.split(".")
            getattr(journal.of(name), kind).append(pl.read_ipc(io.BytesIO(archive.read(entry))))
    return journal


def record(
    user: str, via: str, files: Sequence[dict[str, Any]], counts: dict[str, TableCounts], journal: Journal
) -> ImportBatch:
    """Remember one import (inside its transaction)."""
    return ImportBatch.objects.create(
        user=user,
        via=via,
        files=list(files),
        counts={
            t: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for t, c in counts.items()
        },
        counties=counties_of(journal),
        journal=pack(journal),
    )


def counties_of(journal: Journal) -> list[str]:
    """The counties whose data the import changed."""
    return sorted({county for county, _ in changed_scopes(journal)})


@dataclass
class Undone:
    batch: ImportBatch
    deleted: dict[str, int]
    restored: dict[str, int]

    def lines(self) -> list[str]:
        names = sorted(set(self.deleted) | set(self.restored), key=list(MODELS).index)
        return [
            f"{TABLES[n].label}：删除新增的 {self.deleted.get(n, 0)} 行，恢复更新前的 {self.restored.get(n, 0)} 行"
            for n in names
        ]


def undo(batch_id: int, user: str, wait: int) -> Undone:
    """Put back what import `batch_id` changed, in one transaction; refuse (changing nothing) when unsafe."""
    with import_lock(wait):
        try:
            with transaction.atomic():
                return _undo(batch_id, user)
        except DatabaseError as exc:
            raise DataError("撤销失败：数据库拒绝了这次撤销，未做任何修改", english=f"undo: {exc}") from exc


def _undo(batch_id: int, user: str) -> Undone:
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(f"没有第 {batch_id} 次导入的记录", english=f"no batch {batch_id}")
    if batch.undone is not None:
        raise DataError(
            f"第 {batch_id} 次导入已于 {timezone.localtime(batch.undone):%Y-%m-%d %H:%M} 撤销",
            english="already undone",
        )
    later = list(
        ImportBatch.objects.filter(pk__gt=batch_id, undone__isnull=True).values_list("pk", flat=True)
    )
    if later:
        shown = "、".join(f"第 {n} 次" for n in sorted(later)[:5])
        raise DataError(
            f"第 {batch_id} 次导入之后还有未撤销的导入（{shown}），请先撤销它们",
            english=f"later batches {later}",
        )
    journal = unpack(bytes(batch.journal))
    run_write_checks(_touched(journal))  # undoing an import of approved (locked) data is refused too
    touched = changed_scopes(journal)  # before the import's own schools are deleted
    order = [name for name in reversed(MODELS) if name in journal.tables]
    current = {name: _current(name, journal.tables[name]) for name in order}
    deleted = {name: _delete(name, current[name]["created"]) for name in order}
    restored = {name: _restore(name, journal.tables[name]) for name in order}
    versions.bump(touched)  # the deleted rows' too (restored ones were bumped by their save)
    batch.undone, batch.undone_by = timezone.now(), user
    batch.save(update_fields=["undone", "undone_by"])
    return Undone(batch, {k: v for k, v in deleted.items() if v}, {k: v for k, v in restored.items() if v})


def _touched(journal: Journal) -> Facts:
    """The keys of every row an import created or updated, as facts for the write checks."""
    frames = {name: TABLES[name].empty() for name in TABLES}
    for name, changes in journal.tables.items():
        parts = [p.select(TABLES[name].key) for p in changes.created + changes.updated if p.height]
        if parts:
            frames[name] = pl.concat(parts, how="diagonal_relaxed")
    return Facts(**frames)


def _current(name: str, changes: TableChanges) -> dict[str, pl.DataFrame]:
    """For each kind of change: the rows as the import left them, joined to what is stored now (their pk).
    Refuses when a row no longer holds what the import wrote."""
    table, refs = TABLES[name], references(name)
    db_key = [refs[k].attname if k in refs else k for k in table.key]
    out = {}
    for kind in KINDS:
        parts = [p for p in getattr(changes, kind) if p.height]
        if not parts:
            out[kind] = pl.DataFrame()
            continue
        frame = pl.concat(parts, how="diagonal_relaxed")
        values = [c for c in frame.columns if c in table.by_name and c not in table.key]
        rows = with_ids(typed(table, frame.select(list(table.key) + values)), refs, missing_ok=True)
        joined = rows.join(existing(table, MODELS[name], refs, rows, db_key, values), on=db_key, how="left")
        moved = joined.filter(
            pl.col(PK).is_null()
            | pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}__old")) for c in values])
            if values
            else pl.col(PK).is_null()
        )
        if moved.height:
            key = ", ".join(str(v) for v in moved.select(table.key).row(0))
            raise DataError(
                f"不能撤销：{table.label}有 {moved.height} 行在导入后已被修改或删除（如 {key}）",
                english=f"{name}: {moved.height} rows changed since",
            )
        out[kind] = joined
    return out


def _delete(name: str, created: pl.DataFrame) -> int:
    if created.height == 0:
        return 0
    model = MODELS[name]
    pks = created[PK].to_list()
    _refuse_dependants(model, name, pks)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for chunk in [pks[i : i + 500] for i in range(0, len(pks), 500)]:
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(str(model._meta.pk.column))} IN ({marks})",
                chunk,
            )
    return len(pks)


def _refuse_dependants(model: type[models.Model], name: str, pks: list[int]) -> None:
    """No row may be left pointing at a row we delete: the import's own rows of child tables are deleted
    first (children before parents), so any row still pointing at it is someone else's data."""
    chunks = [pks[i : i + 500] for i in range(0, len(pks), 500)]
    for other, other_model in MODELS.items():
        for column, ref in references(other).items():
            if ref.target is not model:
                continue
            left = 0
            for chunk in chunks:
                query = other_model._default_manager.filter(**{f"{ref.attname}__in": chunk})
                left += (query.exclude(pk__in=pks) if other == name else query).count()
            if left:
                raise DataError(
                    f"不能撤销：{TABLES[other].label}中另有 {left} 行引用本次导入新增的{TABLES[name].label}",
                    english=f"{other}.{column} refers to {left} created {name} rows",
                )


def _restore(name: str, changes: TableChanges) -> int:
    """Updated rows get their old values back, through the same upsert as an import."""
    parts = [p for p in changes.updated if p.height]
    if not parts:
        return 0
    frame = pl.concat(parts, how="diagonal_relaxed")
    table = TABLES[name]
    values = [c for c in frame.columns if c in table.by_name and c not in table.key]
    facts = Facts.empty()
    setattr(facts, name, frame.select(*table.key, *(pl.col(f"{c}__old").alias(c) for c in values)))
    return save_facts(facts).tables[name].updated
