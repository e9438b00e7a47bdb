from __future__ import annotations

from django.db import models


class Generation(models.Model):
    """One row (id 1): moved on by every database write that can change a page; part of every cached page's key."""

    value = models.BigIntegerField("代数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "页面缓存代数"
