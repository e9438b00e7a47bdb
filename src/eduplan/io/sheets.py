"""Files in: folders and .zip archives opened up, .csv and .xlsx read into grids of text.

A grid is one sheet's cells as a Polars frame of text (null where empty), with the sheet row of each frame
row and the column letter of each frame column, and what the reader noticed: hidden rows, merged ranges.
Nothing is typed here. Hidden and very hidden sheets and hidden rows are skipped (and reported) unless
asked for; formulas without a cached value and error cells are problems naming their cell.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from eduplan.errors import DataError, NotFound
from eduplan.io.cells import as_text
from eduplan.io.limits import Limits
from eduplan.io.problems import Findings, Notice, Problem
from eduplan.io.text import shown
from eduplan.io.xlsx import Workbook, column_letters, sheet_values

EXCEL = (".xlsx", ".xlsm")
READABLE = (*EXCEL, ".csv")
STATE_NAMES = {"hidden": "隐藏", "very_hidden": "深度隐藏"}
UNCACHED = (
    "数值：这个公式没有保存计算结果（程序生成的文件常见），请在 Excel 中打开、重新计算并保存，或改填数值"
)


@dataclass(frozen=True)
class Source:
    """One file to read: where it is, and its name as the user knows it (archive.zip/学校.xlsx)."""

    path: Path
    name: str


@dataclass
class Grid:
    file: str
    sheet: str
    cells: pl.DataFrame  # text or null; frame row i is sheet row `first_row + i`
    first_row: int = 1
    first_column: int = 0  # 0-based index of the frame's first column
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    @classmethod
    def from_rows(cls, file: str, sheet: str, rows: list[list[Any]]) -> Grid:
        """A grid of Python values as a reader would hand them over (Excel's 87.0 as "87"), from row 1."""
        width = max((len(r) for r in rows), default=0)
        columns = {f"c{j}": [as_text(r[j]) if j < len(r) else None for r in rows] for j in range(width)}
        return cls(file, sheet, pl.DataFrame(columns, schema={c: pl.String() for c in columns}))

    def letter(self, j: int) -> str:
        return column_letters(self.first_column + j + 1)

    def value(self, row: int, column: int) -> str | None:
        """The text at sheet row `row`, frame column `column` (None when empty or outside)."""
        i = row - self.first_row
        if 0 <= i < self.cells.height and 0 <= column < self.cells.width:
            value = self.cells[i, column]
            return None if value is None or str(value).strip() == "" else str(value)
        return None


@dataclass
class Read(Findings):
    """What reading some files gave: grids, and what was noticed or refused along the way."""

    grids: list[Grid] = field(default_factory=list)


@contextmanager
def opened(paths: list[Path], limits: Limits) -> Iterator[list[Source]]:
    """Every file named, folders walked and .zip archives unpacked into a temporary folder (kept open)."""
    with tempfile.TemporaryDirectory(prefix="eduplan-import-") as tmp:
        sources: list[Source] = []
        for path in paths:
            sources.extend(_expand(path, Path(tmp), limits))
        if len(sources) > limits.max_files:
            raise DataError(
                f"一次最多导入 {limits.max_files} 个文件，现有 {len(sources)} 个（见设置 EDUPLAN_IMPORT_MAX_FILES）",
                english=f"{len(sources)} files",
            )
        yield sources


def _expand(path: Path, tmp: Path, limits: Limits) -> list[Source]:
    if not path.exists():
        raise NotFound(f"文件不存在：{shown(path, 200)}", english=f"no such file: {path}")
    if path.is_dir():
        found = [
            Source(p, str(p.relative_to(path.parent)))
            for p in sorted(path.rglob("*"))
            if p.is_file() and not p.name.startswith(("~$", ".")) and p.suffix.lower() in (*READABLE, ".zip")
        ]
        if not found:
            raise DataError(
                f"{shown(path.name)}：文件夹中没有 .xlsx 或 .csv 文件", english=f"{path}: empty folder"
            )
        return [
            s for f in found for s in (_unzip(f, tmp, limits) if f.path.suffix.lower() == ".zip" else [f])
        ]
    source = Source(path, path.name)
    return _unzip(source, tmp, limits) if path.suffix.lower() == ".zip" else [source]


def _unzip(source: Source, tmp: Path, limits: Limits) -> list[Source]:
    """The archive's .xlsx and .csv files, written under `tmp` by number (never by the names inside)."""
    try:
        with zipfile.ZipFile(source.path) as archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir() and Path(m.filename).suffix.lower() in READABLE
            ]
            if (
                len(members) > limits.max_files
                or sum(m.file_size for m in members) > limits.max_file_bytes * 4
            ):
                raise DataError(f"{shown(source.name)}：压缩包中的文件过多或过大", english="zip too large")
            found = []
            for i, member in enumerate(members):
                target = tmp / f"{len(list(tmp.iterdir()))}-{i}{Path(member.filename).suffix.lower()}"
                with archive.open(member) as src, target.open("wb") as out:
                    while block := src.read(1 << 20):
                        out.write(block)
                found.append(Source(target, f"{source.name}/{_member_name(member)}"))
    except DataError:
        raise
    except Exception as exc:
        raise DataError(
            f"{shown(source.name)}：无法读取，压缩包已损坏", english=f"{source.name}: {exc!r}"
        ) from exc
    if not found:
        raise DataError(f"{shown(source.name)}：压缩包中没有 .xlsx 或 .csv 文件", english="empty zip")
    return found


def _member_name(member: zipfile.ZipInfo) -> str:
    """Names stored without the UTF-8 flag are GBK on Chinese Windows; zipfile reads them as cp437."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("gb18030")
    except UnicodeError:
        return member.filename


def header_of(source: Source, limits: Limits) -> list[str]:
    """What recognisers look at: a CSV's first row, or a workbook's sheet names."""
    suffix = source.path.suffix.lower()
    if suffix == ".csv":
        frame = _csv(source, limits, n_rows=1)
        return [str(v).strip() for v in frame.row(0) if v is not None] if frame.height else []
    if suffix in EXCEL:
        with Workbook(source.path, source.name, limits) as book:
            return [s.name for s in book.sheets]
    return []


def read_source(source: Source, limits: Limits, include_hidden: bool = False) -> Read:
    """The grids of one .xlsx or .csv file (empty sheets left out)."""
    suffix = source.path.suffix.lower()
    if suffix == ".csv":
        frame = _csv(source, limits)
        return Read(grids=[Grid(source.name, Path(source.name).stem, frame)] if frame.height else [])
    if suffix in EXCEL:
        return _read_xlsx(source, limits, include_hidden)
    if suffix == ".xls":
        raise DataError(
            f"{shown(source.name)}：只能导入 .xlsx 或 .csv 文件（.xls 请先在 Excel 中另存为 .xlsx）",
            english=f"{source.name}: .xls",
        )
    raise DataError(f"{shown(source.name)}：只能导入 .xlsx 或 .csv 文件", english=f"{source.name}: {suffix}")


def _read_xlsx(source: Source, limits: Limits, include_hidden: bool) -> Read:
    read = Read()
    with Workbook(source.path, source.name, limits) as book:
        book.check_shared_strings()
        for sheet in book.sheets:
            scan = book.scan(sheet)
            if not scan.has_data:
                continue
            if sheet.state != "visible" and not include_hidden:
                read.notices.append(
                    Notice(
                        source.name,
                        sheet.name,
                        f"{STATE_NAMES[sheet.state]}的工作表有数据，已跳过（确需导入请加 --include-hidden）",
                    )
                )
                continue
            for address, formula in scan.formulas:
                read.problems.append(Problem.at_cell(source.name, sheet.name, address, formula, UNCACHED))
            for address, error in scan.errors:
                read.problems.append(
                    Problem.at_cell(source.name, sheet.name, address, error, "数值：该公式计算出错")
                )
            frame = sheet_values(book, sheet, scan)
            grid = Grid(source.name, sheet.name, frame, 1, scan.first_column, scan.merged)
            if scan.hidden_rows and not include_hidden:
                grid.cells = _without_rows(frame, scan.hidden_rows)
                rows = "、".join(str(r) for r in sorted(scan.hidden_rows)[:10])
                more = f" 等 {len(scan.hidden_rows)} 行" if len(scan.hidden_rows) > 10 else " 行"
                read.notices.append(
                    Notice(
                        source.name,
                        sheet.name,
                        f"第 {rows}{more}是隐藏行，已跳过（确需导入请加 --include-hidden）",
                    )
                )
            read.grids.append(grid)
    return read


def _without_rows(frame: pl.DataFrame, rows: set[int]) -> pl.DataFrame:
    """Hidden rows emptied (not removed, so that every other row keeps its number)."""
    hidden = pl.Series([r - 1 for r in sorted(rows)], dtype=pl.Int64)
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    return frame.with_columns(
        pl.when(index.is_in(hidden.implode())).then(None).otherwise(pl.col(c)).alias(c) for c in frame.columns
    )


def _decode(data: bytes, name: str) -> bytes:
    """UTF-8 as is; GB18030 (Chinese Windows) re-encoded as UTF-8."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return (
            data[3:]
            if data.startswith(b"\xef\xbb\xbf")
            else (data if encoding == "utf-8-sig" else text.encode())
        )
    raise DataError(
        f"{shown(name)}：无法识别文件编码，请保存为 UTF-8 或 GB18030", english=f"{name}: encoding"
    )


def _csv(source: Source, limits: Limits, n_rows: int | None = None) -> pl.DataFrame:
    size = source.path.stat().st_size
    if size > limits.max_file_bytes:
        raise DataError(
            f"{shown(source.name)}：文件 {size // 2**20} MB，超过上限（见设置 EDUPLAN_IMPORT_MAX_FILE_MB）",
            english=f"{source.name}: {size} bytes",
        )
    data = _decode(source.path.read_bytes(), source.name)
    if not data.strip():
        return pl.DataFrame()
    try:
        frame = pl.read_csv(
            io.BytesIO(data), has_header=False, infer_schema=False, n_rows=n_rows, raise_if_empty=False
        )
    except pl.exceptions.PolarsError as exc:
        raise DataError(
            f"{shown(source.name)}：无法按 CSV 读取（某行的列数多于第一行，或引号不成对）",
            english=f"{source.name}: {exc}",
        ) from exc
    if frame.height > limits.max_rows or frame.width > limits.max_columns:
        raise DataError(
            f"{shown(source.name)}：{frame.height:,} 行 {frame.width} 列，超过上限（见设置 EDUPLAN_IMPORT_MAX_ROWS、EDUPLAN_IMPORT_MAX_COLUMNS）",
            english=f"{source.name}: {frame.shape}",
        )
    longest = frame.select(pl.all().str.len_chars().max()).row(0) if frame.width else ()
    if any(n is not None and n > limits.max_cell_chars for n in longest):
        raise DataError(
            f"{shown(source.name)}：有超过 {limits.max_cell_chars} 个字符的单元格（见设置 EDUPLAN_IMPORT_MAX_CELL_CHARS）",
            english=f"{source.name}: a long cell",
        )
    return frame
