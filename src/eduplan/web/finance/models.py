"""Money as stored facts (学校经费, 县级教育经费: tables of facts.py) and each county's edited unit costs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from eduplan import facts, store
from eduplan.web.schools.models import OrgUnit, School, add_columns, model_field


class SchoolFinance(models.Model):
    """A school's 公用经费 allocated in a school year, and the budget lines the bureau tracks."""

    school = models.ForeignKey(School, models.CASCADE, verbose_name="学校")
    year = model_field(facts.YEAR)

    class Meta:
        verbose_name = verbose_name_plural = facts.SCHOOL_FINANCE.label
        constraints = (models.UniqueConstraint(fields=["school", "year"], name="school_finance_key"),)


add_columns(SchoolFinance, facts.SCHOOL_FINANCE, ("school", "year"))


class CountyFinance(models.Model):
    """A county's 一般公共预算教育支出, the students it covers and the pay of teachers and civil servants."""

    county = models.ForeignKey(OrgUnit, models.CASCADE, verbose_name="县（区）")
    year = model_field(facts.COUNTY_FINANCE.by_name["year"])

    class Meta:
        verbose_name = verbose_name_plural = facts.COUNTY_FINANCE.label
        constraints = (models.UniqueConstraint(fields=["county", "year"], name="county_finance_key"),)


add_columns(CountyFinance, facts.COUNTY_FINANCE, ("county", "year"))

# Stored, loaded, imported and exported like every other table of facts.py.
store.register("school_finance", SchoolFinance)
store.register("county_finance", CountyFinance)


class UnitCost(models.Model):
    """A county's own value of one unit cost (per place, classroom, m², teacher post), replacing ours."""

    county = models.CharField("县级区划代码", max_length=6)
    key = models.CharField("单位成本", max_length=40)
    value = models.FloatField("金额（元）")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位成本（本县）"
        constraints = (models.UniqueConstraint(fields=["county", "key"], name="finance_unit_cost_key"),)
        ordering = ("county", "key")

    def __str__(self) -> str:
        return f"{self.county} {self.key} = {self.value:g}"
