"""Every page download is neutralised (OWASP): no cell starts a formula, plain numbers stay numbers."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from eduplan.io.text import restore_text
from eduplan.web.downloads import CSV, attachment


def test_an_xlsx_download_carries_no_formula() -> None:
    book = Workbook()
    book.active.append(["=1+1", "+SUM(A1)", "@x", "-x", -5, "普通", '=HYPERLINK("http://x")'])
    buffer = io.BytesIO()
    book.save(buffer)
    response = attachment(buffer.getvalue(), "a.xlsx")
    cells = next(load_workbook(io.BytesIO(response.content)).active.iter_rows())
    assert [c.value for c in cells] == [
        "'=1+1",
        "'+SUM(A1)",
        "'@x",
        "'-x",
        -5,
        "普通",
        '\'=HYPERLINK("http://x")',
    ]
    assert all(c.data_type != "f" for c in cells)
    assert restore_text(cells[0].value) == "=1+1"


def test_a_csv_download_keeps_its_bom_and_numbers() -> None:
    response = attachment("\ufeff名称,数值\n=1+1,-5\n\t隐藏,3.5\n", "a.csv", CSV)
    text = response.content.decode("utf-8")
    assert text == "\ufeff名称,数值\n'=1+1,-5\n'\t隐藏,3.5\n"
