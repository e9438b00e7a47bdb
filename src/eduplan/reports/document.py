"""A document as a list of blocks (headings, paragraphs, tables, figures): what the report says, before any
layout. `official.write_docx` lays it out as a Chinese official document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

_REF = re.compile(r"⟦表:([a-z_]+)⟧")


def ref(key: str) -> str:
    """A reference to the table `key` in a paragraph ("见" + ref("targets")), numbered by `Document.numbered`."""
    return f"⟦表:{key}⟧"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: 一、 (黑体)  2: （一） (楷体)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    widths: tuple[float, ...]  # centimetres, summing to the text width (15.6 cm)
    note: str = ""
    small: bool = False  # 小五 (9 pt) instead of 五号 (10.5 pt): for tables of many columns


@dataclass(frozen=True)
class Figure:
    """A bar chart: one bar per label. The shell renders it (server-side SVG to PNG)."""

    caption: str
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    colors: tuple[str, ...] = ()
    unit: str = ""


Block = Heading | Paragraph | Table | Figure


@dataclass
class Document:
    title: str
    signature: str  # 发文机关署名
    issued: date  # 成文日期
    blocks: list[Block] = field(default_factory=list)

    def numbered(self) -> Document:
        """References to tables replaced by their numbers (表1, 表2 … in the order the tables appear)."""
        numbers = {t.key: f"表{i}" for i, t in enumerate(self.tables(), start=1)}

        def resolve(text: str) -> str:
            return _REF.sub(lambda m: numbers.get(m.group(1), "下表"), text)

        blocks = [replace(b, text=resolve(b.text)) if isinstance(b, Paragraph) else b for b in self.blocks]
        return Document(self.title, self.signature, self.issued, blocks)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """Every heading and paragraph, one per line (for checks and plain-text previews)."""
        return "\n".join(b.text for b in self.blocks if isinstance(b, Heading | Paragraph))
