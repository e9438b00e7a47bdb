"""Catalogue: validation at load, aliases that plan phrases (gold seed statements) match through `match()`."""

from __future__ import annotations

import copy

import pytest
import yaml

from eduplan.errors import ConfigError
from eduplan.indicators.catalogue import load_catalogue, normalise, parse_catalogue

# (phrase as written in the seed plans, catalogue code) — every coded `indicator` of the gold seed statements.
GOLD_PHRASES = [
    ("中小学生综合素质评价合格率", "comprehensive_quality_pass_rate"),
    ("义务教育适龄儿童入学率", "compulsory_enrollment_rate"),
    ("义务教育巩固率", "compulsory_retention_rate"),
    ("九年义务教育巩固率", "compulsory_retention_rate"),
    ("继续教育年参与率", "continuing_education_participation"),
    ("常住残障儿童入学率", "disabled_compulsory_enrollment_rate"),
    ("残疾儿童入学率", "disabled_compulsory_enrollment_rate"),
    ("残疾儿童少年义务教育入学率巩固率", "disabled_compulsory_enrollment_rate"),
    ("适龄残疾儿童少年义务教育入学率", "disabled_compulsory_enrollment_rate"),
    ("有学习能力的残疾儿童少年接受高中阶段教育的比例", "disabled_senior_enrollment_share"),
    ("义务教育学区化、集团化办学覆盖率", "district_group_coverage"),
    ("中职学校“双师型”教师占专业教师比例", "dual_qualified_teacher_share"),
    ("中职学校“双师型”教师占比", "dual_qualified_teacher_share"),
    ("双师型教师占比", "dual_qualified_teacher_share"),
    ("初中阶段毛入学率", "junior_ger"),
    ("初中本科以上学历专任教师占比", "junior_teacher_bachelor_share"),
    ("初中教师研究生学历(学位)占比", "junior_teacher_postgrad_share"),
    ("义务教育阶段大班额比例", "large_class_share"),
    ("流动人口随迁子女接受义务教育率", "migrant_children_compulsory_rate"),
    ("进城务工人员子女与县城人员子女享有同等受教育权利比例", "migrant_children_compulsory_rate"),
    ("随迁子女入读公办学校比例", "migrant_children_public_share"),
    ("儿童青少年总体近视率", "myopia_rate"),
    ("学生体质健康优良率", "physical_health_good_rate"),
    ("学生体质健康标准合格率", "physical_health_pass_rate"),
    ("贫困学生免助学覆盖率", "poor_student_aid_coverage"),
    ("3—5周岁幼儿毛入园率", "preschool_ger"),
    ("农村3—5周岁幼儿毛入园率", "preschool_ger"),
    ("学前三年普及率", "preschool_ger"),
    ("学前三年毛入园率", "preschool_ger"),
    ("学前教育三年毛入园率", "preschool_ger"),
    ("公办和普惠性幼儿园占比", "preschool_inclusive_kg_share"),
    ("公办和普惠性幼儿园在园幼儿占比", "preschool_inclusive_share"),
    ("公办幼儿园和普惠性民办幼儿园在园幼儿数占比", "preschool_inclusive_share"),
    ("学前教育普惠率", "preschool_inclusive_share"),
    ("普惠性幼儿园覆盖率", "preschool_inclusive_share"),
    ("普惠率", "preschool_inclusive_share"),
    ("入读公办幼儿园率", "preschool_public_share"),
    ("公办园在园幼儿占比", "preschool_public_share"),
    ("公办园幼儿占比", "preschool_public_share"),
    ("小学阶段毛入学率", "primary_ger"),
    ("小学专科以上学历专任教师占比", "primary_teacher_college_share"),
    ("小学教师研究生学历(学位)占比", "primary_teacher_postgrad_share"),
    ("校长交流比例", "principal_exchange_rate"),
    ("45岁以下乡村校(园)长占比", "rural_principal_under45_share"),
    ("高中阶段教育毛入学率", "senior_secondary_ger"),
    ("高中阶段毛入学率", "senior_secondary_ger"),
    ("普通高中研究生以上学历或硕士以上学位专任教师占比", "senior_teacher_postgrad_share"),
    ("高中教师研究生学历(学位)占比", "senior_teacher_postgrad_share"),
    ("县域内每学年教师交流人数比例", "teacher_exchange_rate"),
    ("教师交流比例", "teacher_exchange_rate"),
    ("继续教育培训学时", "teacher_training_hours"),
    ("一次性就业率", "vocational_employment_rate"),
    ("中职升学、就业率", "vocational_employment_rate"),
    ("中等职业学校在校学生数", "vocational_enrollment"),
    ("高中阶段职普比", "vocational_general_ratio"),
    ("主干专业(群)设置与本地产业匹配度", "vocational_major_industry_match"),
    ("职业技能鉴定通过率", "vocational_skill_cert_pass_rate"),
    ("各级各类职业培训累计人次", "vocational_training_persontimes"),
    ("年各类职业技能培训人次", "vocational_training_persontimes"),
]
# Phrases the gold leaves without a code: match() must not claim them.
UNCODED = [
    "“三通两平台”建设",
    "“同上一堂思政课”网络精品课",
    "“大兴式”示范学校",
    "“无诈校园”",
    "三星级以上党支部",
    "三湾、朝先、美好家园等学校增加学位",
    "不足100人的农村小学按人数拨付公用经费",
    "不足500人的农村初中按人数拨付公用经费",
    "专兼职督学",
    "专家型校长",
    "专项运动技能",
    "中小学高水平艺术团队",
    "中考“指标到校”分配比例",
    "临时聘用人员工资",
    "义务教育生均公用经费标准增幅",
    "乡村小规模学校公用经费拨付人数",
    "乡村教师专项培训",
    "乡镇公办中心幼儿园",
    "乡镇寄宿制中心小学和初中或九年一贯制学校",
    "乡镇寄宿制学校或九年一贯制学校",
    "乡镇独立公办幼儿园",
    "体育传统特色学校",
    "健身步道",
    "健身联系站点",
    "光纤专网、校园网和高速无线局域网升级改造学校数",
    "光纤专网、校园网和高速无线局域网升级改造点数",
    "党建示范点",
    "全民健身活动",
    "初中配置人口门槛",
    "劳动教育示范学校",
    "南丰二中增加学位",
    "南丰二中新建教学楼",
    "县中心城区公办幼儿园",
    "县中心城区新建公办幼儿园",
    "县城区每年新增有效学位",
    "县级及以上平安校园",
    "县级学科带头人和骨干教师评选周期",
    "县职教中心专业设置",
    "发展共同体",
    "城乡学前教育一体化管理资源中心试点镇",
]


@pytest.mark.parametrize(("phrase", "code"), GOLD_PHRASES)
def test_gold_phrase_matches(phrase: str, code: str) -> None:
    assert load_catalogue().match(phrase) == code


@pytest.mark.parametrize("phrase", UNCODED)
def test_uncoded_phrase_does_not_match(phrase: str) -> None:
    assert load_catalogue().match(phrase) is None


def test_size_and_every_gold_code_present() -> None:
    catalogue = load_catalogue()
    assert len(catalogue) >= 40
    assert {code for _, code in GOLD_PHRASES} <= set(catalogue.indicators)


def test_every_indicator_names_its_source_and_rule() -> None:
    for ind in load_catalogue():
        assert ind.source and all(s.document for s in ind.source), ind.code
        assert ind.numerator_label, ind.code
        if ind.unit == "%":
            assert ind.scale == 100, ind.code


def test_documented_choices() -> None:
    catalogue = load_catalogue()
    assert "含56" in catalogue.get("large_class_share").note
    assert "教督〔2017〕6号" in catalogue.get("qualified_teachers_per100_primary").source_text
    assert catalogue.get("qualified_teachers_per100_primary").numerator.count("+") == 2  # 专科及以上
    assert catalogue.get("qualified_teachers_per100_junior").numerator.count("+") == 1  # 本科及以上


def test_normalise_folds_width_dashes_quotes() -> None:
    assert normalise("3—5周岁") == normalise("3-5周岁") == normalise("３－５周岁")
    assert normalise("“双师型”") == normalise('"双师型"') == "双师型"


def _raw() -> dict:
    from importlib import resources

    return yaml.safe_load(resources.files("eduplan.indicators").joinpath("catalogue.yaml").read_text("utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"unit": "斤"}, "单位"),
        ({"direction": "up"}, "direction"),
        ({"numerator": "no_such_column"}, "未知数据列"),
        ({"numerator": "enrollment[age=3]"}, "不能按"),
        ({"source": ["nowhere"]}, "未定义的来源"),
    ],
)
def test_bad_entries_are_refused_at_load(change: dict, message: str) -> None:
    raw = copy.deepcopy(_raw())
    raw["indicators"][0] |= change
    with pytest.raises(ConfigError, match=message):
        parse_catalogue(raw)


def test_duplicate_alias_refused() -> None:
    raw = copy.deepcopy(_raw())
    raw["indicators"][1]["aliases"].append(raw["indicators"][0]["name"])
    with pytest.raises(ConfigError, match="同时属于"):
        parse_catalogue(raw)
