from __future__ import annotations

from django import forms
from django.conf import settings

from eduplan.text.readers import SUFFIXES


class UploadForm(forms.Form):
    file = forms.FileField(
        label="规划文件", help_text="支持 .txt（UTF-8 或 GB18030）、.html、.docx、带文字层的 .pdf"
    )
    region_code = forms.RegexField(
        label="所属区划代码", regex=r"^\d{2}(\d{2}(\d{2})?)?$", help_text="县 6 位、市 4 位、省 2 位",
        error_messages={"invalid": "区划代码应为 2、4 或 6 位数字"},
    )  # fmt: skip
    region_name = forms.CharField(label="所属区划名称", max_length=100, required=False)

    def clean_file(self) -> object:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError("不支持的文件类型，请上传 .txt、.html、.docx 或 .pdf")
        limit = settings.EDUPLAN_DOCUMENT_MAX_BYTES
        if f.size > limit:
            raise forms.ValidationError(
                f"文件过大（{f.size / 1048576:.1f} MB），上限为 {limit / 1048576:.1f} MB"
            )
        problem = content_problem(f.name, f.read(65536))
        f.seek(0)
        if problem:
            raise forms.ValidationError(problem)
        return f


def content_problem(name: str, head: bytes) -> str | None:
    """Why the first bytes of a file are not what its suffix says (Chinese), else None: a .pdf starts with
    %PDF-, a .docx is a zip (Word's container), text and HTML hold no NUL bytes."""
    suffix = name.lower().rsplit(".", 1)[-1]
    if suffix == "pdf" and not head.startswith(b"%PDF-"):
        return "文件内容不是 PDF，请确认文件类型"
    if suffix == "docx" and not head.startswith(b"PK\x03\x04"):
        return "文件内容不是 Word（.docx）文档，请确认文件类型（旧版 .doc 请先另存为 .docx）"
    if (
        suffix in ("txt", "html", "htm")
        and b"\x00" in head
        and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        return "文件内容不是文本或网页（含二进制数据），请确认文件类型"
    return None
