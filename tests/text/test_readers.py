"""Readers: .docx (made with python-docx), .html, GB18030 .txt, .pdf (an ASCII text layer written by hand).

The PDF test covers the extraction path only with ASCII text: writing a PDF whose text layer holds Chinese
needs an embedded CID font, which neither reportlab (not installed) nor pypdf can produce here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eduplan.cli import main
from eduplan.errors import DataError, NotFound
from eduplan.text.readers import read_document
from eduplan.text.statements import extract

PLAN = "某县教育事业“十四五”发展规划\n到2025年，学前三年毛入园率达到95%以上。"


def _values(text: str) -> list[tuple[str, float | None, int | None]]:
    return [(s.unit, s.value, s.year) for s in extract(text).statements]


def test_gb18030_txt(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN.encode("gb18030"))
    assert read_document(path) == PLAN
    assert _values(read_document(path)) == [("%", 95, 2025)]


def test_utf8_bom_txt(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"\xef\xbb\xbf" + PLAN.encode("utf-8"))
    assert read_document(path) == PLAN


def test_html_drops_scripts_and_keeps_cells_apart(tmp_path: Path) -> None:
    html = (
        "<html><head><title>x</title><script>var a=100%;</script></head><body>"
        "<div>某县教育事业“十四五”发展规划</div><p>到2025年，学前三年毛入园率达到95%以上。</p>"
        "<table><tr><td>2020年</td><td>2025年</td></tr>"
        "<tr><td>高中阶段毛入学率(%)</td><td>91</td><td>96</td></tr></table></body></html>"
    )
    path = tmp_path / "plan.html"
    path.write_text(html, encoding="utf-8")
    text = read_document(path)
    assert "var a" not in text
    # 95% from the sentence; 91 (2020) and 96 (2025) from the table, one cell per line.
    assert _values(text) == [("%", 95, 2025), ("%", 91, 2020), ("%", 96, 2025)]


def test_docx_paragraphs_and_table(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in PLAN.split("\n"):
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["指标", "2020年", "2025年"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["九年义务教育巩固率(%)", "96", "97"], strict=True):
        cell.text = text
    path = tmp_path / "plan.docx"
    document.save(str(path))
    text = read_document(path)
    assert text.splitlines()[:2] == PLAN.split("\n")
    assert _values(text) == [("%", 95, 2025), ("%", 96, 2020), ("%", 97, 2025)]


def _ascii_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text, offsets in the xref table computed exactly."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td"]
    for line in lines:
        ops += [f"({line}) Tj", "0 -16 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_layer_ascii(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(_ascii_pdf(["Plan 2021-2025", "Target 95.5% by 2025"]))
    text = read_document(path)
    assert "Target 95.5% by 2025" in text
    # No Chinese context words, so no year is attached; the number and unit still come through.
    assert [(s.value, s.unit) for s in extract(text).statements] == [(95.5, "%")]


def test_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(NotFound):
        read_document(tmp_path / "missing.txt")
    bad = tmp_path / "plan.xls"
    bad.write_bytes(b"x")
    with pytest.raises(DataError):
        read_document(bad)
    broken = tmp_path / "plan.docx"
    broken.write_bytes(b"not a zip")
    assert main(["extract", str(broken)]) == 1
    assert "无法读取文件" in capsys.readouterr().err


def test_cli_table_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    assert main(["extract", "--format", "table", str(path)]) == 0
    out = capsys.readouterr().out
    assert "学前三年毛入园率" in out and "目标" in out and "95" in out


def test_pdf_line_wraps_are_joined_but_headings_and_cells_kept() -> None:
    from eduplan.text.readers import unwrap

    text = (
        "到2025年，全县学前三年毛入园率达到95%以上，义务教育巩\n固率达到99%。\n二、主要任务\n学前教育\n95\n"
    )
    assert (
        unwrap(text)
        == "到2025年，全县学前三年毛入园率达到95%以上，义务教育巩固率达到99%。\n二、主要任务\n学前教育\n95\n"
    )


def test_output_cut_short_by_the_reader_is_no_error(tmp_path: Path) -> None:
    """`eduplan extract … --explain | head -1`: the reader closes the pipe; no traceback, no error message."""
    import subprocess
    import sys

    path = tmp_path / "plan.txt"
    lines = "".join(f"第{i}项学校的达标率达到{i}%以上。" for i in range(1, 1000))
    path.write_text(PLAN + "\n" + lines, encoding="utf-8")  # far more output than the pipe's buffer holds
    proc = subprocess.Popen(
        [sys.executable, "-m", "eduplan.cli", "extract", "--explain", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"# plan.txt")
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait() == 141
    assert "Traceback" not in err and "错误" not in err
