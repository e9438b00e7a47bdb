"""What kind of document a text is — a plan, a work summary, a 统计公报 … — from its title, metadata and cues.

The genre sets the default kind of a statement whose own clause says nothing about tense: a 统计公报 reports
values reached (baselines), a plan or a 目标任务分解表 sets targets (commitments), a 标准/指标体系 sets thresholds
that have no horizon. Clause cues (到2025年, 力争 / 已, 截至) still override the default (see modality.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (code, Chinese label, default kind, whether the document has a horizon of its own)
GENRES: dict[str, tuple[str, str, bool]] = {
    "plan": ("发展规划", "commitment", True),
    "action": ("行动计划/实施方案", "commitment", True),
    "workplan": ("工作要点/工作计划", "commitment", True),
    "tasks": ("目标任务分解表", "commitment", True),
    "standard": ("标准/指标体系", "commitment", False),
    "summary": ("工作总结/汇报", "baseline", False),
    "bulletin": ("统计公报/统计数据", "baseline", False),
    "monitoring": ("监测/评估报告", "baseline", False),
    "news": ("新闻报道", "baseline", False),
    "template": ("模板", "commitment", True),
    # Neither title nor body names the genre: each number is weighed on its own words (see statements._by_default).
    "other": ("未能判定", "commitment", True),
}

# Title words, most specific first: 政府工作报告重点工作任务分解表 is a task table, not a report; 工作总结及
# 2025年工作计划 is a summary first.
_TITLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "template",
        re.compile(r"(?:^|[^a-wyzA-WYZ])(?:[xX]{2}|20[xX]{2}|[xX][xX]?[县市区镇乡])|模板|范本|样表"),
    ),
    (
        "tasks",
        re.compile(
            r"分解表|任务分解|责任分工|分工方案|任务清单|目标任务表|绩效目标|绩效指标|绩效评价指标|目标责任书|目标责任制"
        ),
    ),
    (
        "standard",
        re.compile(
            r"指标体系|评估标准|指标标准|评价标准|评估细则|评估办法|评估具体办法|建设标准|办学标准|"
            r"督导评估(?:实施)?(?:办法|细则|方案)|标准(?:\((?:试行|暂行)\))?[?？]?$|办学条件指标|指标\((?:试行|暂行)\)$"
        ),
    ),
    ("bulletin", re.compile(r"统计公报|统计数据|统计快报|事业发展基本情况|统计简况|统计分析")),
    (
        "monitoring",
        re.compile(
            r"监测报告|评估报告|评价报告|督导报告|督导意见书|验收报告|监测结果|进展情况通报|进度通报|"
            r"(?:督导|评估|检查)[\u4e00-\u9fff]{0,6}反馈(?:意见|报告)?"
        ),
    ),
    ("summary", re.compile(r"总结|汇报|工作报告|述职|情况报告|完成情况|自查报告|自评报告|讲话")),
    (
        "workplan",
        re.compile(
            r"工作要点|工作[\u4e00-\u9fff]{0,2}计划|工作安排|工作思路|工作打算|计划要点|学年度?[\u4e00-\u9fff]{0,4}计划|"
            r"为民办实事|民生实事"
        ),
    ),
    ("action", re.compile(r"行动计划|行动方案|实施方案|攻坚计划|提升计划|专项行动|工程方案")),
    ("plan", re.compile(r"规划|纲要|若干意见|实施意见|发展意见")),
)
_NEWS = re.compile(
    r"新华社|中新网|中新经纬|人民网|央广网|央视|记者|通讯员|责任编辑|[日晚]电|据介绍|据悉|日前|近日|发布会|"
    r"来源[:：]?[^\n]{0,12}(?:网|报|新闻|电视台|客户端)|本报讯|消息[,，]|新闻动态|新闻中心|要闻|作者[:：]"
)
_FUTURE = re.compile(
    # --实现更高标准的普及教育, ——建成更加先进的教育设施: the aims a plan lists
    r"(?:^|\n)\s*(?:--|——)(?:实现|建成|提供|构建|形成|实施|打造)更|到(?:19|20)\d\d年|力争|确保|争取|将达到|将新增|目标|预计|计划|(?<![的线本体关作级件])要求(?![的,，。])"
)
_PAST = re.compile(
    r"比上年|同比|较上年|比去年|已经|已达|累计|截至|截止|共有|完成了|实现了|取得了|提升至|提高到了"
)
_ADDRESS = re.compile(r"(?:^|\n)\s*(?:同志们|各位领导|尊敬的各位|各位代表|各位委员)[^\n]{0,20}[:：,，!！]")
_REPORT_TITLE = re.compile(r"总结|汇报|报告|情况")
_PLAN_SHAPE = re.compile(
    r"(?:^|\n)\s*(?:[一二三四五六七八九十]+[、.]|第[一二三四五六七八九十]+[章部分]|\([一二三四五六七八九十]+\))\s*"
    r"(指导思想|基本原则|发展目标|主要目标|总体目标|具体目标|保障措施|组织保障|重点任务|主要任务)"
)
_YEAR_NAMED = re.compile(r"(?:19|20)\d\d年")
_BLANK = re.compile(r"\(\s*\)|（\s*）|[xX]{1,4}(?:%|个|所|人|名|万|年)|_{3,}")


@dataclass(frozen=True)
class Genre:
    """A document's genre and the evidence for it."""

    code: str
    cues: tuple[str, ...]
    # A template's kind is its model's: a report template reports, a plan template plans.
    kind: str | None = None

    @property
    def label(self) -> str:
        return GENRES[self.code][0]

    @property
    def default_kind(self) -> str:
        return self.kind or GENRES[self.code][1]

    @property
    def has_horizon(self) -> bool:
        return GENRES[self.code][2]


def detect(title: str | None, text: str, written: int | None = None) -> Genre:
    """The genre named by the title, else the one the cue density of the text points to.

    `written` is the year the document is dated, when known: a text whose every named year lies before it and that
    names no target year reports on the past.
    """
    head = text[:3000]
    if title:
        for code, pattern in _TITLE_RULES:
            m = pattern.search(title)
            if m and not (code == "template" and not _template_body(head)):
                kind = "baseline" if code == "template" and _REPORT_TITLE.search(title) else None
                return Genre(code, (f"标题含“{m.group(0)}”",), kind)
    # 特制定本标准: a text that names itself a standard sets thresholds, whatever its page looks like.
    standard = re.search(r"制定本标准|本标准(?:所称|适用|规定)", head)
    if standard:
        return Genre("standard", (f"正文含“{standard.group(0)}”",))
    news = _NEWS.findall(head)
    if len(news) >= 2 or (news and len(head) < 1500):
        return Genre("news", tuple(f"新闻用语“{w}”" for w in dict.fromkeys(news))[:3])
    if len(_BLANK.findall(head)) >= 3:
        return Genre("template", ("多处留空待填",))
    # A speech or a report to a meeting opens by addressing it (同志们, 各位领导): it looks back on work done.
    if _ADDRESS.search(head[:400]):
        return Genre("summary", ("讲话或汇报的称呼语",))
    future, past = len(_FUTURE.findall(text)), len(_PAST.findall(text))
    # A text that sets no target at all (no 到2025年, 力争, 目标 …) reports; a plan always names what it aims at.
    years = [int(y) for y in re.findall(r"(?<![到至\d])((?:19|20)\d\d)年", text)]
    looking_back = bool(
        written and years and max(years) < written and not re.search(r"到(?:19|20)\d\d年", text)
    )
    if past > future or (future == 0 and _YEAR_NAMED.search(text)) or looking_back:
        return Genre("summary", (f"过去式用语 {past} 处，目标用语 {future} 处",))
    # A plan is built like one (指导思想, 主要目标, 保障措施 as its sections); else the genre stays open.
    shape = _PLAN_SHAPE.search(text)
    if shape:
        return Genre("plan", (f"含规划章节“{shape.group(1)}”", f"目标用语 {future} 处，过去式用语 {past} 处"))
    return Genre("other", (f"标题未写明类型；目标用语 {future} 处，过去式用语 {past} 处",))


def _template_body(head: str) -> bool:
    """A title with xx is a template only if the body leaves numbers blank too (xx%, ( ), 20xx年)."""
    return len(_BLANK.findall(head)) + len(re.findall(r"20[xX]{2}年|[xX]{2}", head)) >= 2
