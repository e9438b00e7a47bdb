"""Which Django model stores each table of `eduplan.facts`, and what its foreign keys point at.

Each area registers its models here (one `register` call per table, from its app's models module), so that
loading, saving, importing, exporting and templates work for a new table without a change to the store.
Tables are written in the order they were registered: a table's parents (the tables its foreign keys point
at) must be registered before it. Foreign keys are derived from the models: a column named like a
`ForeignKey` field of the model holds the `code` of the row it points at.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import signals

from eduplan.facts import TABLES

MODELS: dict[str, type[models.Model]] = {}


@dataclass(frozen=True)
class Reference:
    """A column that holds the code of a row of another model, stored as that row's id."""

    attname: str  # the model's id column, e.g. school_id
    target: type[models.Model]


def register(table: str, model: type[models.Model]) -> None:
    """Store the rows of `facts.TABLES[table]` in `model`; every key and column must be a field of it."""
    if table not in TABLES:
        raise KeyError(f"{table} is not a table of eduplan.facts.TABLES")
    missing = [c.name for c in TABLES[table].columns if not _has_field(model, c.name)]
    if missing:
        raise KeyError(f"{model.__name__} lacks fields for {table}: {missing}")
    MODELS[table] = model
    from eduplan.store.versions import model_changed

    signals.post_save.connect(model_changed, sender=model, dispatch_uid=f"versions-save-{table}")
    signals.post_delete.connect(model_changed, sender=model, dispatch_uid=f"versions-delete-{table}")


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)  # forward fields only: callable while the apps are still loading
    except FieldDoesNotExist:
        return False
    return True


def references(table: str) -> dict[str, Reference]:
    """The table's columns that are foreign keys: column -> (id column, target model)."""
    model = MODELS[table]
    found = {}
    for column in TABLES[table].columns:
        field = model._meta.get_field(column.name)
        if isinstance(field, models.ForeignKey):
            target = field.related_model
            assert isinstance(target, type) and issubclass(target, models.Model)
            found[column.name] = Reference(field.attname, target)
    return found
