"""The import history: who imported which files when, what it did per table, and what it changed (so that
it can be undone). The journal is the changed rows in codes, never database ids, as compressed Arrow."""

from __future__ import annotations

from django.db import models


class ImportBatch(models.Model):
    created = models.DateTimeField("导入时间", auto_now_add=True)
    user = models.CharField("导入人", max_length=150, blank=True)
    via = models.CharField("方式", max_length=20, choices=[("cli", "命令行"), ("web", "网页")])
    files = models.JSONField("文件", default=list)  # [{name, sha256, size, kind}]
    counts = models.JSONField("结果", default=dict)  # {table: {created, updated, unchanged}}
    counties = models.JSONField("涉及区县", default=list)
    journal = models.BinaryField("变更记录", editable=False)
    undone = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.CharField("撤销人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据导入记录"
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"第 {self.pk} 次导入（{self.created:%Y-%m-%d %H:%M}）"


class DataVersion(models.Model):
    """A number per county and school year that moves on every write to its data (import, edit, approval,
    undo). Year 0 stands for data of no particular year (schools, org units): it belongs to every year.
    Stored results name the versions they were computed from, so a page can tell fresh from stale."""

    county = models.CharField("区县代码", max_length=12)
    year = models.IntegerField("学年")
    version = models.BigIntegerField("版本", default=0)
    changed = models.DateTimeField("变更时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据版本"
        constraints = (models.UniqueConstraint(fields=["county", "year"], name="data_version_county_year"),)

    def __str__(self) -> str:
        return f"{self.county} {self.year} v{self.version}"
