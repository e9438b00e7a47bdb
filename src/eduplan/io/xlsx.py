"""Reading .xlsx workbooks safely: a streaming scan of each sheet's XML, then its values through calamine.

The scan (Python's zipfile, which checks every part's size and checksum) reads each sheet in chunks and finds
what a value reader hides: hidden and very hidden sheets, hidden rows, formula cells without a cached value,
error cells, merged ranges, the used rows and columns. It refuses parts, rows, columns and shared strings
beyond the bounds of `limits` before anything is loaded whole. Only then are the values read, column-wise,
by fastexcel (calamine, in Rust) as text. Every failure is a `DataError` with one Chinese line naming the
file; the English cause goes to the log only.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

import polars as pl

from eduplan.errors import DataError
from eduplan.io.limits import Limits

CHUNK = 8 * 1024 * 1024
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
STATES = {"visible": "visible", "hidden": "hidden", "veryHidden": "very_hidden"}


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str  # visible, hidden or very_hidden
    part: str  # the sheet's XML inside the zip


@dataclass
class Scan:
    """What a sheet holds besides its values."""

    has_data: bool = False
    last_row: int = 0
    first_column: int = 0  # 0-based index of the leftmost used column
    hidden_rows: set[int] = field(default_factory=set)
    formulas: list[tuple[str, str]] = field(
        default_factory=list
    )  # (address, =formula) without a cached value
    errors: list[tuple[str, str]] = field(default_factory=list)  # (address, #DIV/0! …)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, col1, row2, col2), 1-based


def broken(name: str, cause: object) -> DataError:
    return DataError(
        f"{name}：无法读取，文件已损坏或不是有效的 Excel 文件（.xlsx）", english=f"{name}: {cause!r}"
    )


def column_letters(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, AA → 27."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


class Workbook:
    """An open .xlsx file: its sheets, a scan of each, and their values as text."""

    def __init__(self, path: Path, name: str, limits: Limits) -> None:
        self.path, self.name, self.limits = path, name, limits
        self._reader: Any = None
        try:
            self.zip = zipfile.ZipFile(path)
            total = sum(info.file_size for info in self.zip.infolist())
            self.sheets = self._sheets()
        except DataError:
            raise
        except Exception as exc:  # zipfile and ElementTree raise many kinds for a damaged file
            raise broken(name, exc) from exc
        if total > limits.max_file_bytes + limits.max_part_bytes:
            raise DataError(
                f"{name}：解压后共 {total // 2**20} MB，超过上限（见设置 EDUPLAN_IMPORT_MAX_FILE_MB）",
                english=f"{name}: {total} bytes uncompressed",
            )

    def close(self) -> None:
        self.zip.close()

    def reader(self) -> Any:
        """fastexcel's reader of this file, opened once (it parses the shared strings when opened)."""
        if self._reader is None:
            import fastexcel

            self._reader = fastexcel.read_excel(self.path)
        return self._reader

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _xml(self, part: str) -> ElementTree.Element:
        info = self.zip.getinfo(part)
        if info.file_size > 16 * 2**20:
            raise DataError(f"{self.name}：{part} 过大，不像是正常的 Excel 文件", english=f"{part} too large")
        return ElementTree.fromstring(self.zip.read(part))

    def _sheets(self) -> list[SheetInfo]:
        book = self._xml("xl/workbook.xml")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{PKG_REL}Relationship")}
        found = []
        for sheet in book.iter(f"{MAIN}sheet"):
            target = targets.get(sheet.get(f"{REL}id"), "")
            part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            state = STATES.get(sheet.get("state", "visible"), "hidden")
            found.append(SheetInfo(sheet.get("name", ""), state, part))
        return found

    def _chunks(self, part: str) -> Iterator[bytes]:
        try:
            info = self.zip.getinfo(part)
        except KeyError as exc:
            raise broken(self.name, exc) from exc
        if info.file_size > self.limits.max_part_bytes:
            raise DataError(
                f"{self.name}：{part} 解压后 {info.file_size // 2**20} MB，超过上限（见设置 EDUPLAN_IMPORT_MAX_PART_MB）",
                english=f"{part}: {info.file_size} bytes",
            )
        with self.zip.open(info) as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    def check_shared_strings(self) -> None:
        """Refuse a shared-string table with a string longer than a cell may hold, before calamine loads it."""
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return
        longest = 4 * self.limits.max_cell_chars + 1024  # bytes: a character takes at most 4 in UTF-8
        carry = b""
        for chunk in self._chunks("xl/sharedStrings.xml"):
            block = carry + chunk
            cut = block.rfind(b"<si")
            whole, carry = (block[:cut], block[cut:]) if cut > 0 else (b"", block)
            if len(carry) > longest or any(len(part) > longest for part in whole.split(b"<si")):
                raise self._too_long("共享字符串表")

    def _too_long(self, where: str) -> DataError:
        return DataError(
            f"{self.name}：{where}中有超过 {self.limits.max_cell_chars} 个字符的单元格（见设置 EDUPLAN_IMPORT_MAX_CELL_CHARS）",
            english=f"{self.name}: a cell longer than {self.limits.max_cell_chars}",
        )

    def scan(self, sheet: SheetInfo) -> Scan:
        """Read the sheet's XML once, in chunks of whole rows, and refuse what is beyond the bounds."""
        scan = Scan(first_column=-1)
        patterns: _Patterns | None = None
        carry = b""
        longest_row = self.limits.max_columns * (4 * self.limits.max_cell_chars + 256) + CHUNK
        for chunk in self._chunks(sheet.part):
            block = carry + chunk
            if patterns is None:
                patterns = _Patterns.of(block, self.limits.max_columns)
            cut = block.rfind(patterns.row_end)
            whole, carry = (
                (block[: cut + len(patterns.row_end)], block[cut + len(patterns.row_end) :])
                if cut >= 0
                else (b"", block)
            )
            if len(carry) > longest_row:
                raise self._too_long(f"工作表「{sheet.name}」")
            self._scan_block(sheet, patterns, whole, scan)
        if patterns is not None:
            self._scan_block(sheet, patterns, carry, scan)
        scan.first_column = max(scan.first_column, 0)
        return scan

    def _scan_block(self, sheet: SheetInfo, p: _Patterns, block: bytes, scan: Scan) -> None:
        if not block:
            return
        if p.beyond.search(block):
            raise DataError(
                f"{self.name}：工作表「{sheet.name}」超过 {self.limits.max_columns} 列（见设置 EDUPLAN_IMPORT_MAX_COLUMNS）",
                english=f"{sheet.name}: beyond column {self.limits.max_columns}",
            )
        scan.has_data = scan.has_data or p.value.search(block) is not None
        rows = list(p.row_number.finditer(block, max(0, len(block) - 65536))) or list(
            p.row_number.finditer(block)
        )
        if rows:
            scan.last_row = max(scan.last_row, int(rows[-1].group(1)))
            if scan.last_row > self.limits.max_rows:
                raise DataError(
                    f"{self.name}：工作表「{sheet.name}」超过 {self.limits.max_rows:,} 行（见设置 EDUPLAN_IMPORT_MAX_ROWS）",
                    english=f"{sheet.name}: beyond row {self.limits.max_rows}",
                )
        if scan.first_column != 0:
            scan.first_column = _first_column(p, block, scan.first_column)
        if b'hidden="' in block:
            scan.hidden_rows.update(int(m.group(1)) for m in p.hidden_row.finditer(block))
        if p.formula.search(block):
            scan.formulas.extend(_uncached_formulas(p, block))
        if b't="e"' in block:
            scan.errors.extend(_error_cells(p, block))
        if b"mergeCell " in block:
            for m in p.merge.finditer(block):
                scan.merged.append(_range(m.group(1).decode()))


@dataclass(frozen=True)
class _Patterns:
    """Byte patterns of one sheet's XML, which may or may not prefix its tags (x:row)."""

    prefix: bytes
    row_end: bytes
    beyond: re.Pattern[bytes]
    value: re.Pattern[bytes]
    row_number: re.Pattern[bytes]
    hidden_row: re.Pattern[bytes]
    formula: re.Pattern[bytes]
    cell_start: bytes
    merge: re.Pattern[bytes]

    @classmethod
    def of(cls, head: bytes, max_columns: int) -> _Patterns:
        found = re.search(rb"<([\w.-]+:)?worksheet\b", head[:4096])
        p = re.escape(found.group(1)) if found and found.group(1) else b""
        raw = found.group(1) if found and found.group(1) else b""
        return cls(
            prefix=raw,
            row_end=b"</" + raw + b"row>",
            beyond=re.compile(b"<" + p + b'c r="' + _beyond(column_letters(max_columns)).encode() + rb"\d"),
            value=re.compile(b"<" + p + rb"(?:v|is)>"),
            row_number=re.compile(b"<" + p + rb'row\b[^>]*?\br="(\d+)"'),
            hidden_row=re.compile(b"<" + p + rb'row\b(?=[^>]*?\bhidden="(?:1|true)")[^>]*?\br="(\d+)"'),
            formula=re.compile(b"<" + p + rb"f[ >/]"),
            cell_start=b"<" + raw + b"c ",
            merge=re.compile(b"<" + p + rb'mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"'),
        )


def _beyond(last: str) -> str:
    """A regex of column letters after `last` (AB → AC..AZ, B..Z followed by a letter, any three letters …)."""
    options = [f"[A-Z]{{{len(last) + 1},}}"]
    for i in range(len(last)):
        if last[i] < "Z":
            tail = "[A-Z]" * (len(last) - i - 1)
            options.append(f"{last[:i]}[{chr(ord(last[i]) + 1)}-Z]{tail}")
    return "(?:" + "|".join(options) + ")"


def _first_column(p: _Patterns, block: bytes, best: int) -> int:
    """The leftmost column with a cell in `block` or before (0-based); -1 when none yet."""
    stop = best if best >= 0 else 702
    for index in range(stop):
        if re.search(p.cell_start + b'r="' + column_letters(index + 1).encode() + rb"\d", block):
            return index
    return best


def _cells_around(p: _Patterns, block: bytes, positions: Iterator[int]) -> Iterator[tuple[str, bytes]]:
    """(address, XML) of the cell around each position."""
    end_tag = b"</" + p.prefix + b"c>"
    for pos in positions:
        start = block.rfind(p.cell_start, 0, pos)
        end = block.find(end_tag, pos)
        if start < 0 or end < 0:
            continue
        cell = block[start:end]
        address = re.search(rb'\br="([A-Z]+\d+)"', cell[: cell.find(b">") + 1])
        if address:
            yield address.group(1).decode(), cell


def _uncached_formulas(p: _Patterns, block: bytes) -> list[tuple[str, str]]:
    cached = re.compile(b"<" + re.escape(p.prefix) + rb"v>[^<]+<")
    text = re.compile(b"<" + re.escape(p.prefix) + rb"f\b[^>]*>([^<]*)<")
    found = []
    for address, cell in _cells_around(p, block, (m.start() for m in p.formula.finditer(block))):
        if not cached.search(cell):
            formula = text.search(cell)
            shown = formula.group(1).decode("utf-8", "replace") if formula else "（共享公式）"
            found.append(
                (address, "=" + shown.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
            )
    return found


def _error_cells(p: _Patterns, block: bytes) -> list[tuple[str, str]]:
    value = re.compile(b"<" + re.escape(p.prefix) + rb"v>([^<]*)<")
    found = []
    for address, cell in _cells_around(p, block, (m.start() for m in re.finditer(rb't="e"', block))):
        shown = value.search(cell)
        found.append((address, shown.group(1).decode("utf-8", "replace") if shown else "#错误"))
    return found


def _range(ref: str) -> tuple[int, int, int, int]:
    first, last = ref.split(":")
    a, b = re.fullmatch(r"([A-Z]+)(\d+)", first), re.fullmatch(r"([A-Z]+)(\d+)", last)
    assert a and b
    return int(a.group(2)), column_index(a.group(1)), int(b.group(2)), column_index(b.group(1))


def sheet_values(workbook: Workbook, sheet: SheetInfo, scan: Scan) -> pl.DataFrame:
    """The sheet's values as text from row 1 (empty cells null), one column per used column from
    `scan.first_column`."""
    if not scan.has_data:
        return pl.DataFrame()
    try:
        frame = (
            workbook.reader()
            .load_sheet(sheet.name, header_row=None, skip_rows=0, dtypes="string")
            .to_polars()
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's panics (a damaged part) arrive as BaseException
        raise broken(workbook.name, exc) from exc
    if (
        frame.height > workbook.limits.max_rows or frame.width > workbook.limits.max_columns
    ):  # rows without r=""
        raise DataError(
            f"{workbook.name}：工作表「{sheet.name}」有 {frame.height:,} 行 {frame.width} 列，超过上限（见设置 "
            "EDUPLAN_IMPORT_MAX_ROWS、EDUPLAN_IMPORT_MAX_COLUMNS）",
            english=f"{sheet.name}: {frame.shape}",
        )
    longest = frame.select(pl.all().str.len_chars().max()).row(0) if frame.width else ()
    if any(n is not None and n > workbook.limits.max_cell_chars for n in longest):
        raise workbook._too_long(f"工作表「{sheet.name}」")
    return frame
