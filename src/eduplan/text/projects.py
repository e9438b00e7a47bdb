"""Construction projects named in a plan: 新建/改扩建 a named school, the places it adds, the year.

2019-2021年，新建河东区高中和桥背学校，增加学位9360个。 → new, 河东区高中和桥背学校, 9360, 2021
2019年，南丰二中新建1栋教学楼，增加学位1000个。        → new, 南丰二中 1栋教学楼, 1000, 2019
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from eduplan.text.normalise import Normalised

_KIND = {"新建": "new", "迁建": "new", "改扩建": "expand", "扩建": "expand", "改建": "expand", "续建": "new",
         "配建": "bundled"}  # fmt: skip
KIND_LABELS = {"new": "新建", "expand": "改扩建", "bundled": "配建"}  # how the CLI and the web name each kind
_SCHOOL = r"(?:小学|中学|初中|高中|幼儿园|学校|分校|校区|分园|职中|教学楼|综合楼|宿舍楼|实验楼)"
_VERBS = r"改扩建|新建|扩建|迁建|改建|续建|配建"
# The name runs (greedily, never across another verb or a clause mark) to its last school word.
_PROJECT = re.compile(
    rf"(?P<verb>{_VERBS})(?!设)(?P<name>(?:(?!{_VERBS})[^,，;；。:：]){{1,24}}{_SCHOOL})"
    rf"(?![\u4e00-\u9fff]{{0,2}}(?:建设|布局|标准|工程))"
)
_PLACES = re.compile(
    r"(?:增加|新增|提供)(?:优质|有效)?(?:学位|学额)(?P<n>\d+(?:\.\d+)?)(?P<wan>万)?(?:个|余个|多个)"
)
_YEAR = re.compile(r"(?<![\d.])(?P<a>(?:19|20)\d\d)(?:-(?P<b>(?:19|20)\d\d))?年")
# Kinds of school, not names of one: 新建中小学校6所 is a count, 新建公办幼儿园 a policy.
_GENERIC = re.compile(
    r"^(?:、|和|或|及|为|成|的|了|工程|项目|一批|一所|多所|公办|民办|普惠|农村|城区|城镇|乡镇|寄宿制|标准化|规范化)"
    r"|中小学|配套|各类|\d+所|规模"
)
_NEGATED = re.compile(r"(?:未按[^,，;；。]{0,6}|不得|严禁|禁止|不再)$")


@dataclass(frozen=True)
class ProjectRow:
    """One building project as the plan names it."""

    kind: str  # new, expand, bundled
    name: str
    places: int | None
    year: int | None
    quote: str
    start: int = 0
    end: int = 0

    def row(self) -> dict[str, object]:
        out = asdict(self)
        del out["start"], out["end"]
        return out


def find_projects(norm: Normalised, horizon: int | None) -> list[ProjectRow]:
    """Every named building project of the normalised document."""
    out: list[ProjectRow] = []
    pos = 0
    for sentence in re.split(r"(?<=[。\n])", norm.text):
        out.extend(_sentence(norm, sentence, pos, horizon))
        pos += len(sentence)
    return out


def _sentence(norm: Normalised, sentence: str, base: int, horizon: int | None) -> list[ProjectRow]:
    out: list[ProjectRow] = []
    for m in _PROJECT.finditer(sentence):
        name = re.sub(r"^(?:含|了)", "", m.group("name"))
        if len(name) < 4 or _GENERIC.search(name) or _NEGATED.search(sentence[: m.start()]):
            continue
        if re.match(r"\d+[栋幢座个]", name):  # 南丰二中新建1栋教学楼: the school is the subject before
            subject = re.split(r"[,，;；。:：、]", sentence[: m.start()])[-1]
            subject = _YEAR.sub("", subject).strip()
            name = f"{subject} {name}".strip()
        places = _PLACES.search(sentence, m.end())
        years = [int(y.group("b") or y.group("a")) for y in _YEAR.finditer(sentence, 0, m.start())]
        n = None
        if places:
            n = round(float(places.group("n")) * (10_000 if places.group("wan") else 1))
        end = places.end() if places else m.end()
        start = max(0, *(sentence.rfind(c, 0, m.start()) + 1 for c in ",，、;"))
        out.append(
            ProjectRow(
                kind=_KIND[m.group("verb")],
                name=name,
                places=n,
                year=years[-1] if years else horizon,
                quote=norm.quote(base + start, base + end),
                start=base + m.start(),
                end=base + end,
            )
        )
    return out
