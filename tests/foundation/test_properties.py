"""Property tests: malformed rows never crash the importer and never leave a partial write."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.facts import TABLES, Facts
from eduplan.io.database import import_files
from eduplan.io.limits import limits
from eduplan.io.sheets import Grid, Source, read_source
from eduplan.io.validate import Known, validate_grids
from eduplan.store import load_facts

KNOWN = Known(
    schools=frozenset({"1399010001", "1399010002"}), units={"990101": "county", "990101001": "township"}
)
SPECIAL = [
    "合计",
    "是",
    "否",
    "小学",
    "primary",
    "990101001",
    "1399010001",
    "1e3",
    "1,000",
    " ",
    "-0",
    "NaN",
    "2024",
]
cells = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(SPECIAL),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)


@st.composite
def sheets(draw: st.DrawFn) -> Grid:
    table = draw(st.sampled_from(sorted(TABLES)))
    labels = [c.label for c in TABLES[table].columns]
    headers = draw(st.lists(st.sampled_from([*labels, "备注", ""]), min_size=1, max_size=len(labels) + 2))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(headers) + 1), max_size=6))
    name = draw(st.sampled_from([TABLES[table].label, table, "Sheet1"]))
    return Grid.from_rows("fuzz.xlsx", name, [headers, *rows])


@settings(max_examples=200, deadline=None)
@given(st.lists(sheets(), min_size=1, max_size=3))
def test_validation_never_crashes_and_returns_typed_frames(raw: list[Grid]) -> None:
    checked = validate_grids(raw, KNOWN)
    for problem in checked.problems:
        assert problem.chinese() and problem.row >= 1
    if checked.ok:
        for name, frame in checked.frames.items():
            schema = TABLES[name].polars_schema()
            assert all(frame.schema[c] == schema[c] for c in frame.columns)


def _write_csv(path: Path, headers: list[Any], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(["" if v is None else v for v in row] for row in rows)


def _state() -> dict[str, list[tuple[Any, ...]]]:
    return {name: sorted(frame.rows(), key=repr) for name, frame in load_facts().frames().items()}


@pytest.mark.db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_import_of_malformed_rows_writes_all_or_nothing(tiny_db: Facts, data: st.DataObject) -> None:
    table = data.draw(st.sampled_from(["schools", "school_year", "grade_year", "births"]))
    labels = [c.label for c in TABLES[table].columns]
    good = [list(r) for r in tiny_db.frames()[table].head(3).rows()]
    bad = data.draw(
        st.lists(st.lists(cells, min_size=len(labels), max_size=len(labels)), min_size=1, max_size=3)
    )
    rows = data.draw(st.permutations(good + bad))
    before = _state()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{table}.csv"
        _write_csv(path, labels, rows)
        result = import_files([path])  # must not raise
    if not result.ok:
        assert result.summary is None
        assert _state() == before


# ---------------------------------------------------------------------------------------------- round trip

TEXT = st.text(st.characters(whitelist_categories=("Lo", "Lu", "Ll", "Nd")), min_size=1, max_size=12)


def _value(table: str, column: Any) -> st.SearchStrategy[Any]:
    """Valid values of one column (codes of the right shape, choices, numbers in range, optional nulls)."""
    from eduplan.io.cells import code_digits

    digits = code_digits(table, column.name)
    if digits is not None:
        base = st.sampled_from(sorted(KNOWN.schools if 10 in digits else {"990101001"}))
    elif column.choices:
        base = st.sampled_from(column.choices)
    elif column.kind == "str":
        base = TEXT
    elif column.kind == "bool":
        base = st.booleans()
    elif column.kind == "int":
        base = st.integers(int(column.min or 0), int(column.max or 10**6))
    else:
        base = st.floats(column.min or 0, column.max or 1e9, allow_nan=False).map(lambda f: round(f, 4))
    return base if column.required else st.one_of(st.none(), base)


@st.composite
def frames(draw: st.DrawFn, table: str) -> Any:
    import polars as pl

    columns = TABLES[table].columns
    row = st.fixed_dictionaries({c.name: _value(table, c) for c in columns})
    rows = draw(st.lists(row, max_size=5, unique_by=lambda r: tuple(r[k] for k in TABLES[table].key)))
    if table == "grade_year":  # keep rows consistent: no large classes, classes wherever there are pupils
        for r in rows:
            r.update(
                stage="primary", grade=(r["grade"] - 1) % 6 + 1, classes_56_65=None, classes_66_plus=None
            )
            r.update(enrollment_female=None, classes=None if r["enrollment"] else r["classes"])
        rows = list({tuple(r[k] for k in TABLES[table].key): r for r in rows}.values())
    if table == "schools":  # a school is not closed before it opened
        for r in rows:
            r["closed_year"] = None
    return pl.DataFrame(rows, schema=TABLES[table].polars_schema(), orient="row")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("table", ["schools", "grade_year", "births", "reported"])
def test_written_frames_read_back_identical(table: str, suffix: str) -> None:
    from polars.testing import assert_frame_equal

    from eduplan.io.workbook import write

    @settings(max_examples=25, deadline=None)
    @given(frames(table))
    def round_trip(frame: Any) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            [path] = write([TABLES[table]], {table: frame}, Path(tmp) / f"out{suffix}")
            grids = read_source(Source(path, path.name), limits()).grids
            checked = validate_grids(grids, KNOWN)
        assert checked.ok, [p.chinese() for p in checked.problems]
        back = checked.frames.get(table, TABLES[table].empty())
        assert_frame_equal(back, frame, check_exact=True)

    round_trip()
