"""The store: facts in and out of the database, for importers (io), the pages (web) and the commands.

Framework-light: it uses Django's database layer only (connections, transactions, models registered by the
apps), never views, forms or settings of the web. Arrows run io → store ← web, never back.

- `register(table, model)`: an app declares which model stores a table of `eduplan.facts` (see registry.py).
- `load_facts(unit, years)`: one region's facts as Polars frames.
- `save_facts(facts, journal=…)`: upsert by key in one transaction; the journal records what changed.
"""

from __future__ import annotations

from eduplan.store.reading import load_facts, table_frame
from eduplan.store.registry import MODELS, Reference, references, register
from eduplan.store.writing import WRITE_CHECKS, ImportSummary, Journal, TableChanges, TableCounts, save_facts

__all__ = [
    "MODELS",
    "WRITE_CHECKS",
    "ImportSummary",
    "Journal",
    "Reference",
    "TableChanges",
    "TableCounts",
    "load_facts",
    "references",
    "register",
    "save_facts",
    "table_frame",
]
