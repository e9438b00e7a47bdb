from __future__ import annotations

from django import forms

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
        return f
