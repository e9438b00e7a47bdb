"""Whether a quantified clause states a target (commitment) or a value reached (baseline), and why.

The decision runs from the narrowest evidence to the broadest: a quoted target (“达到95%”的目标), then the
clause's own tense words (到2025年 / 力争 / 确保 versus 已 / 截至 / 共有), then a year named before the document was
written (or after it), then the role of the section (发展基础 / 主要目标), and last the genre's default.
"""

from __future__ import annotations

import re

# A number that names a target: 4%的《纲要》目标, “达到70%”的目标, 这是…约束性目标.
# 低于10‰和13‰的《纲要》目标: each number of a list before 的…目标 is a target quoted.
_QUOTED_TARGET = re.compile(
    r"^(?:[和、及与]\d+(?:\.\d+)?[%‰])*[”\"’]?(?:的)?(?:《[^《》]{1,30}》)?(?:规划|预期|约束性|防控|工作|发展)?目标"
)
_THIS_IS_TARGET = re.compile(r"^[,，]这是[^。;；]{0,40}目标")
# 到2025年 is a due year, but 由2013年的1.44亿元提高到2016年的3.6亿元 names the year of a value reached (年的).
# 将 marks the future before a verb (将新建, 将大力发展), not as the object marker of 将学前教育纳入….
FUTURE = re.compile(
    r"(?:到|(?<!截)至)(?:19|20)\d\d年(?!的)|(?:到|至)[“\"]?十[一二三四五六七]五[”\"]?末|力争|确保|(?<!积极)争取(?!中央|省级|省|上级|资金|项目|到位)|努力|"
    r"将(?:要|会|在|于|达到|达|实现|新增|新建|改扩建|新改扩建|建设|建成|增加|提高|提升|超过|保持|控制|完成|开展|实施|"
    r"推进|推动|加快|加大|大力|继续|全面|重点|进一步|投入|启动|打造|创建|扩大|落实)|"
    r"计划(?:到|在|新建|新增|投入|完成|改扩建|建设)|拟|预计|"
    # 要达到70%, 年内要实现: 要 before a verb of attaining is a requirement, not the 要 of 重要 or 主要.
    r"(?<![重主需纪摘提概])要(?:基本)?(?:达到|达|实现|完成|保持|超过|提高|提升|新增|新建|建成|控制)|"
    r"目标(?!任务的|的\d)|(?<![总新高和的线本体关作级件])要求(?![的,，。;；)”\"])|必须|须|应当|"
    r"(?<![相供适反对响答效])应(?:保证|达到|达|为|有|在|确保|不低于|不少于|不超过|不小于|不大于|不宜|控制在|配备|配|设)|"
    # 全日制幼儿园一般配一人, 一律平均每班配…: what a rule sets in general
    r"一般(?=[应配设为不在以])|一律|不得|不宜|不低于|不少于|不超过|不高于|不小于|不大于|明年|下一步|今后"
)
# 比上年 / 同比 are comparisons, not tense: in a report they mark a change of a value reached, in a plan a
# targeted change (比上年提高3个百分点); the genre and section decide (see statements._compared).
PAST = re.compile(
    r"已经|已达|已有|已[\u4e00-\u9fff]|累计|截至|截止|共有|现有|目前|如今|完成了|实现了|"
    r"达到了|提升至|提升了|提高了|增长了|位居|居全省|居全市|今年以来|以来|"
    # 国家卫健委2022年监测显示,…近视率达53.6%: what a survey or statistics showed.
    r"(?:监测|统计|调查|数据|结果)显示"
)
# A comparison with an earlier value: the number after it is a change, not a level.
COMPARISON = re.compile(
    r"(?:(?<![占之对])比|较|与)(?:上年|去年|上一年|同期|(?:19|20)\d\d年(?:底|末)?|[“\"]?十[一二三四五六七]五[”\"]?(?:期间|时期|末|初)?)"
    r"(?:相比)?(?:同期)?|同比|环比|"
    r"(?<![占之对])比[\u4e00-\u9fff]{1,6}?(?:时|前|初|末|底)(?=提高|增加|增长|下降|减少|降低|上升)"
)
# 高于全国平均水平16.57个百分点, 超出规划指标20%: a gap to another value, not a level.
GAP = re.compile(r"(?<!不)(?:高出|高于|低于|超出|领先)[\u4e00-\u9fff“”]{1,14}$")
REVIEW_SECTION = re.compile(
    r"成就|成绩|回顾|现状|进展|总结|发展基础|工作基础|现有基础|现实基础|发展环境|背景|主要成效|工作成效|主要做法|"
    r"取得(?:了|的|长足|显著|明显|突破性)|完成情况|基本情况"
)
TARGET_SECTION = re.compile(
    # (目标 as a section's topic — 主要目标, 目标任务 — not as a slogan's object: 紧盯目标,履行职责)
    r"(?<!紧盯)(?<!围绕)(?<!对标)目标|任务|举措|措施|计划|思路|打算|要点|重点工作|工作安排|主要指标|发展指标|指标和标准|评估标准|具体标准"
)
# In a report (a summary, a bulletin, news) only a heading that looks ahead sets targets: 上半年重点工作 reviews.
AHEAD_SECTION = re.compile(r"计划|打算|思路|安排|下一步|下半年|明年|展望|目标任务|主要目标|工作要点")


QUOTED = "引用的目标值"
NORM = "对照的标准值"
# 未达到0.9人的标准, 均达到国家规定的小于或等于0.50、0.45的要求: a value set against the standard it is measured by.
_MEASURED_BY = re.compile(r"达到|达不到|低于|高于|符合|规定的")
_NORM_AFTER = re.compile(r"^(?:[和、及与]\d+(?:\.\d+)?[%‰]?)*的(?:国家|省级?|市级?)?(?:标准|要求)")


def quoted_target(after: str) -> bool:
    """Whether the words right after a number make it a target that is quoted (…的目标, 这是…目标)."""
    return bool(_QUOTED_TARGET.match(after) or _THIS_IS_TARGET.match(after))


def clause_kind(clause: str, after: str) -> tuple[str | None, str]:
    """The kind the clause's own words give (None when they say nothing) and the cue that decided."""
    if quoted_target(after):
        return "commitment", QUOTED
    if _NORM_AFTER.match(after) and _MEASURED_BY.search(clause):
        return "commitment", NORM
    future = list(FUTURE.finditer(clause))
    past = list(PAST.finditer(clause))
    if past and (not future or past[-1].start() > future[-1].start()):
        return "baseline", f"现状用语“{past[-1].group(0)}”"
    if future:
        return "commitment", f"目标用语“{future[-1].group(0)}”"
    return None, ""


def section_kind(heading_texts: list[str], reporting: bool = False) -> tuple[str | None, str]:
    """The kind the innermost heading with a role gives (发展基础 → baseline, 主要目标 → commitment)."""
    for text in reversed(heading_texts):
        if REVIEW_SECTION.search(text):
            return "baseline", f"所在章节“{text[:20]}”为回顾"
        if TARGET_SECTION.search(text) and (not reporting or AHEAD_SECTION.search(text)):
            return "commitment", f"所在章节“{text[:20]}”为目标任务"
    return None, ""
