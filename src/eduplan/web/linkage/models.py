"""The registers (personal data, kept apart from the generic facts), the linkage runs, reviews and the 台账.

Ids are stored as a keyed hash (to match on) and a sealed copy (to show, unmasked, to those allowed); the
key lives outside the database (`eduplan.linkage.protect`). Register rows carry `updated` for the retention
purge (`eduplan linkage purge`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from eduplan.linkage.ids import PROBLEMS


class Person(models.Model):
    """Columns every register of people shares."""

    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1)
    birth = models.CharField("出生日期", max_length=10)
    id_hash = models.CharField("身份证号（密钥散列）", max_length=64, blank=True)
    id_sealed = models.TextField("身份证号（加密）", blank=True)
    id_birth = models.CharField("身份证号中的出生日期", max_length=10, blank=True)
    id_problem = models.CharField("身份证号问题", max_length=10, blank=True, choices=list(PROBLEMS.items()))
    updated = models.DateTimeField("最后导入", auto_now=True)

    class Meta:
        abstract = True


class Child(Person):
    """户籍（或常住）登记的儿童少年."""

    person_no = models.CharField("人员编号", max_length=40, unique=True)
    township = models.CharField("乡镇代码", max_length=9)
    county = models.CharField("县级区划代码", max_length=6, db_index=True)
    village = models.CharField("村社区", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "户籍适龄儿童"


class Pupil(Person):
    """学籍 record, of a school in or outside the county (`county` empty when the school is not known)."""

    student_no = models.CharField("学籍号", max_length=40, unique=True)
    school = models.CharField("学校标识码", max_length=10)
    county = models.CharField("学校所在县", max_length=6, blank=True, db_index=True)
    grade = models.CharField("年级", max_length=20, blank=True)
    status = models.CharField("学籍状态", max_length=10)

    class Meta:
        verbose_name = verbose_name_plural = "学籍"


class Situation(models.Model):
    person_no = models.CharField("人员编号", max_length=40)
    kind = models.CharField("类别", max_length=20)
    evidence = models.CharField("原因或证明材料", max_length=200)
    since = models.CharField("起始日期", max_length=10, blank=True)
    until = models.CharField("截止日期", max_length=10, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "特殊情况"
        constraints = (models.UniqueConstraint(fields=["person_no", "kind"], name="linkage_situation_key"),)


class Needy(Person):
    """One entry of a 困难家庭 list of one year."""

    year = models.IntegerField("学年")
    kind = models.CharField("困难类别", max_length=20)
    person_no = models.CharField("人员编号", max_length=40)
    township = models.CharField("乡镇代码", max_length=9)
    county = models.CharField("县级区划代码", max_length=6, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "困难家庭学生名单"
        constraints = (
            models.UniqueConstraint(fields=["year", "kind", "person_no"], name="linkage_needy_key"),
        )


class Aid(models.Model):
    student_no = models.CharField("学籍号", max_length=40, db_index=True)
    year = models.IntegerField("学年")
    item = models.CharField("资助项目", max_length=100)
    amount = models.FloatField("金额（元）", null=True, blank=True)
    paid_on = models.CharField("发放日期", max_length=10, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "资助发放记录"
        constraints = (
            models.UniqueConstraint(fields=["student_no", "year", "item"], name="linkage_aid_key"),
        )


class Run(models.Model):
    """One linkage of a county's registers for a school year; the latest per (county, year) is shown."""

    county = models.CharField("县级区划代码", max_length=6)
    year = models.IntegerField("学年")
    created = models.DateTimeField("比对时间", auto_now_add=True)
    accept = models.FloatField("确认阈值（匹配概率）")
    review = models.FloatField("人工核对下限（匹配概率）")
    model = models.JSONField("模型参数")
    counts = models.JSONField("比对计数")
    summary = models.JSONField("结果汇总（不含个人信息）")

    class Meta:
        indexes = (models.Index(fields=["county", "year", "created"]),)


class Outcome(models.Model):
    """One compulsory-age child's outcome in a run."""

    run = models.ForeignKey(Run, models.CASCADE, related_name="outcomes")
    person_no = models.CharField(max_length=40)
    township = models.CharField(max_length=9)
    student_no = models.CharField(max_length=40, blank=True)
    school = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, blank=True)
    situation = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=12, db_index=True)
    reason = models.CharField(max_length=20, blank=True)
    reason_text = models.CharField(max_length=100, blank=True)


class Pair(models.Model):
    """A link (or a candidate for review) found in a run: left is a child (户籍) or a needy list entry."""

    run = models.ForeignKey(Run, models.CASCADE, related_name="pairs")
    side = models.CharField(max_length=10)  # household | needy
    left_id = models.CharField(max_length=40)
    right_id = models.CharField(max_length=40)
    method = models.CharField(max_length=10)  # id | model | clerical
    band = models.CharField(max_length=10)  # match | review
    probability = models.FloatField()

    class Meta:
        indexes = (models.Index(fields=["run", "side", "band"]),)


class Decision(models.Model):
    """A person's answer on a reviewed pair; later runs obey it."""

    side = models.CharField(max_length=10)
    left_id = models.CharField(max_length=40)
    right_id = models.CharField(max_length=40)
    same = models.BooleanField("是同一人")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["side", "left_id", "right_id"], name="linkage_decision_key"),
        )


CASE_STATUSES = {
    "checking": "核查中",
    "returned": "已劝返复学",
    "home_taught": "送教上门",
    "away_verified": "外出就读已核实",
    "other": "其他",
}
OWNER_KINDS = {"township": "乡镇", "school": "学校"}


class Case(models.Model):
    """台账: one suspected child of one school year, followed until closed (一人一案, 动态销号)."""

    county = models.CharField("县级区划代码", max_length=6, db_index=True)
    year = models.IntegerField("学年")
    person_no = models.CharField("人员编号", max_length=40)
    township = models.CharField("乡镇代码", max_length=9)
    school = models.CharField("学校标识码", max_length=10, blank=True)
    reason = models.CharField("疑似原因", max_length=100)
    owner_kind = models.CharField(
        "责任主体", max_length=10, choices=list(OWNER_KINDS.items()), default="township"
    )
    owner = models.CharField("责任单位代码", max_length=10)
    status = models.CharField("状态", max_length=16, choices=list(CASE_STATUSES.items()), default="checking")
    opened_on = models.DateField("立案日期")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    notes = models.TextField("核查记录", blank=True)
    in_latest_run = models.BooleanField("最近一次比对仍疑似", default=True)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "控辍保学台账"
        constraints = (models.UniqueConstraint(fields=["year", "person_no"], name="linkage_case_key"),)

    @property
    def status_name(self) -> str:
        return CASE_STATUSES.get(self.status, self.status)
