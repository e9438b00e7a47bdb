"""The teacher records (专任教师名册): one row per teacher and school year, anonymous ids only.

The model is generated from `eduplan.facts.TEACHERS` like the schools app's tables, and registered with the
store so that import, export, templates, load_facts and save_facts handle it like any other table.
"""

from __future__ import annotations

from django.db import models

from eduplan import facts, store
from eduplan.web.schools.models import School, add_columns, model_field


class Teacher(models.Model):
    teacher = model_field(facts.TEACHERS.by_name["teacher"])
    year = model_field(facts.YEAR)
    school = models.ForeignKey(School, models.CASCADE, related_name="teachers", verbose_name="学校")

    class Meta:
        verbose_name = verbose_name_plural = facts.TEACHERS.label
        constraints = (models.UniqueConstraint(fields=["teacher", "year"], name="teacher_year_key"),)
        indexes = (models.Index(fields=["school", "year"], name="teacher_school_year"),)

    def __str__(self) -> str:
        return f"{self.teacher}（{self.year}）"


add_columns(Teacher, facts.TEACHERS, ("teacher", "year", "school"))
store.register("teachers", Teacher)  # stored, loaded, imported and exported like every table of facts.py
