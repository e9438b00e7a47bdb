"""Results as stored text and back (framework-free): nested dataclasses to JSON and back to the same classes,
read from their type hints, so a stored evaluation or forecast is the object the core returned.

Floats are written with `repr` (exact round trip, NaN and ±Infinity included); tuples come back as tuples,
dictionaries with their key types; Polars frames travel as Arrow IPC (base64), their dtypes intact. Every
payload carries `FORMAT`: a payload of another format is not read (it is recomputed).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union

import polars as pl

FORMAT = 1
PAIRS = "\u0000pairs"
T = TypeVar("T")


class StaleFormat(ValueError):
    """The payload was written by another version of this codec."""


def dumps(value: object) -> str:
    """`value` (a dataclass, or lists and dicts of them) as JSON text with the format number."""
    return json.dumps({"format": FORMAT, "value": _encode(value)}, ensure_ascii=False, separators=(",", ":"))


def loads(text: str, kind: Any) -> Any:
    """The object `dumps` wrote, rebuilt as type `kind`."""
    return load(json.loads(text), kind)


def load(data: dict[str, Any], kind: Any) -> Any:
    """`loads` of JSON already parsed."""
    if data.get("format") != FORMAT:
        raise StaleFormat(f"payload format {data.get('format')}, this codec reads {FORMAT}")
    return _decode(data["value"], kind)


def _encode(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pl.DataFrame):
        stream = io.BytesIO()
        value.write_ipc(stream)
        return {"arrow": base64.b64encode(stream.getvalue()).decode()}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and PAIRS not in value:
            return {k: _encode(v) for k, v in value.items()}
        return {PAIRS: [[_encode(k), _encode(v)] for k, v in value.items()]}  # keys of other types
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _decode(data: Any, kind: Any) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any or kind is object or data is None:
        return _plain(data) if kind is Any or kind is object else None
    if origin in (Union, types.UnionType):
        wanted = [a for a in args if a is not type(None)]
        return _decode(data, wanted[0] if len(wanted) == 1 else Any)
    if origin is typing.Literal:
        return data
    if kind is pl.DataFrame:
        return pl.read_ipc(io.BytesIO(base64.b64decode(data["arrow"])))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: _decode(v, hints[name]) for name, v in data.items()})
    if origin is dict:
        key, item = args or (Any, Any)
        pairs = data[PAIRS] if PAIRS in data else data.items()
        return {_decode(k, key): _decode(v, item) for k, v in pairs}
    if origin is tuple:
        item = args[0] if args else Any
        if (len(args) == 2 and args[1] is Ellipsis) or len(args) <= 1:
            return tuple(_decode(v, item) for v in data)
        return tuple(_decode(v, a) for v, a in zip(data, args, strict=True))
    if origin is list:
        return [_decode(v, args[0] if args else Any) for v in data]
    return data


def _plain(data: Any) -> Any:
    """A value typed Any, as JSON holds it (a tuple inside it comes back as a list)."""
    if isinstance(data, dict):
        pairs = data[PAIRS] if PAIRS in data else data.items()
        return {_plain(k): _plain(v) for k, v in pairs}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data
