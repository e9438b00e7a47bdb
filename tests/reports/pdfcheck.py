"""Checks of a real PDF with poppler: its fonts (pdffonts), its text (pdftotext), its pages as images (pdftoppm),
and an image-based tofu check of every character it shows, in each of the report's fonts.

The tofu check sets each character apart (one per "word") in a probe document with the report's own styles, made
into a PDF by the same LibreOffice conversion. pdftotext -bbox gives each character's box; the page rendered at
144 dpi gives its pixels. A font without a glyph draws its .notdef box, the same for every missing character: so a
character whose ink equals that of U+E000 (a private-use character no font has) on the same line, or that has no
ink at all, is missing.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from eduplan.reports import pdf
from eduplan.reports.official import blank_document

DPI = 144
REFERENCE = "\ue000"
STYLES = ("公文正文", "公文标题1", "公文标题2", "公文大标题")  # 仿宋, 黑体, 楷体, 小标宋
WORD = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, type, emb, sub, uni of every font."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name, type (one or two words), encoding, emb, sub, uni, object, generation
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pages(path: Path, folder: Path, dpi: int = 50) -> list[np.ndarray]:
    """Every page as a grey image (True where there is ink)."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(path), str(folder / "page")], check=True)
    return [np.asarray(Image.open(p).convert("L")) < 128 for p in sorted(folder.glob("page-*.png"))]


def _ink(image: np.ndarray, box: tuple[float, ...]) -> np.ndarray:
    x0, y0, x1, y1 = (v * DPI / 72 for v in box)
    crop = image[int(y0) : int(np.ceil(y1)), int(x0) : int(np.ceil(x1))]
    ys, xs = np.nonzero(crop)
    return crop[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] if len(ys) else crop[:0, :0]


def missing_glyphs(chars: set[str], per_line: int = 12) -> set[str]:
    """The characters of `chars` that the report's fonts cannot draw (tofu), by the image comparison above."""
    shown = sorted(c for c in chars if not c.isspace())
    doc = blank_document()
    for style in STYLES:
        for i in range(0, len(shown), per_line):
            doc.add_paragraph(" ".join([REFERENCE, *shown[i : i + per_line]]), style=style)
    buffer = io.BytesIO()
    doc.save(buffer)
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.pdf"
        probe.write_bytes(pdf.to_pdf(buffer.getvalue()))
        images = pages(probe, Path(tmp), DPI)
        boxes = subprocess.run(["pdftotext", "-bbox", str(probe), "-"], capture_output=True, text=True).stdout
    missing: set[str] = set()
    seen: set[str] = set()
    for image, page in zip(images, boxes.split("<page ")[1:], strict=True):
        reference = None
        for m in WORD.finditer(page):
            ink = _ink(image, tuple(float(v) for v in m.groups()[:4]))
            if m.group(5) == REFERENCE:
                reference = ink
                continue
            seen.add(m.group(5))
            same = reference is not None and ink.shape == reference.shape and (ink == reference).mean() > 0.9
            if same or ink.size == 0:
                missing.add(m.group(5))
    # A character pdftotext did not report as a word was not drawn as itself either.
    return missing | (set(shown) - seen - {REFERENCE})
