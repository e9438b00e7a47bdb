"""Building frames with exactly the contract's columns and dtypes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from eduplan.facts import TABLES


def pick(lookup: list[str] | tuple[str, ...], index: np.ndarray) -> pl.Series:
    """lookup[index] as a string Series (much faster than numpy string arrays)."""
    return pl.Series(list(lookup), dtype=pl.String).gather(pl.Series(np.asarray(index, dtype=np.int64)))


def to_frame(table: str, columns: Mapping[str, Any]) -> pl.DataFrame:
    """A frame with exactly the contract's columns and dtypes (negative ints mean null)."""
    schema = TABLES[table].polars_schema()
    data: dict[str, pl.Series] = {}
    for name, dtype in schema.items():
        values = columns[name]
        if isinstance(values, pl.Series):
            series = values.alias(name)
        elif isinstance(values, np.ndarray) and values.dtype.kind == "i":
            series = pl.Series(name, values, dtype=pl.Int64)
            series = pl.select(pl.when(series >= 0).then(series)).to_series().alias(name)
        elif isinstance(values, np.ndarray) and values.dtype.kind == "f":
            series = pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)
        else:
            series = pl.Series(name, values, dtype=dtype, strict=False)
        data[name] = series.cast(dtype)
    return pl.DataFrame(data)
