"""Indicator phrase → catalogue code, through aliases (ours, and the indicator catalogue's when it has them)."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from eduplan.text.normalise import to_simplified

_PUNCT = re.compile(r"[\s\u3000\xa0“”\"'‘’《》()（）\[\]、,，:：;；·\-—.。]")
_SHARE_OF = re.compile(r"占[\u4e00-\u9fff]{1,12}?的?(?:比例|比重)$")
FUZZY = 0.6  # character-bigram Dice above which a phrase is taken as an alias's paraphrase


def fold(text: str) -> str:
    """Simplified, without spaces and punctuation: the form aliases are compared in."""
    return _PUNCT.sub("", to_simplified(text or ""))


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or list(text)


def dice(a: str, b: str) -> float:
    """Character-bigram Dice coefficient of two folded phrases (multiset)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    pool: dict[str, int] = {}
    for g in y:
        pool[g] = pool.get(g, 0) + 1
    common = 0
    for g in x:
        if pool.get(g):
            pool[g] -= 1
            common += 1
    return 2 * common / (len(x) + len(y))


def _catalogue_aliases() -> list[tuple[str, str]]:
    """(alias, code) pairs from eduplan.indicators.catalogue, if that module exposes aliases."""
    try:
        from eduplan.indicators import catalogue as cat  # type: ignore[attr-defined]
    except Exception:  # the catalogue is optional here: our own table stands alone
        return []
    entries: Any = None
    for name in ("load_catalogue", "load", "catalogue", "indicators", "all_indicators"):
        obj = getattr(cat, name, None)
        if obj is None:
            continue
        try:
            entries = obj() if callable(obj) else obj
        except Exception:
            continue
        break
    pairs: list[tuple[str, str]] = []
    items = entries.values() if isinstance(entries, dict) else (entries or [])
    for entry in items:
        get = entry.get if isinstance(entry, dict) else lambda k, e=entry: getattr(e, k, None)
        code = get("code")
        if not code:
            continue
        for alias in [get("name"), *(get("aliases") or [])]:
            if isinstance(alias, str) and alias:
                pairs.append((fold(alias), str(code)))
    return pairs


@cache
def aliases() -> tuple[tuple[str, str], ...]:
    """(folded alias, code), longest alias first; ours take precedence over the catalogue's on a tie."""
    data = yaml.safe_load(resources.files("eduplan.text").joinpath("data/aliases.yaml").read_text("utf-8"))
    pairs = [(fold(a), str(row["code"])) for row in data for a in row["aliases"]]
    pairs += _catalogue_aliases()
    seen: set[str] = set()
    unique = []
    for alias, code in pairs:
        if alias and alias not in seen:
            seen.add(alias)
            unique.append((alias, code))
    return tuple(sorted(unique, key=lambda p: -len(p[0])))


@cache
def _by_last_char() -> dict[str, list[tuple[str, str, Counter[str], int]]]:
    """Aliases grouped by their last character: a paraphrase must end like its alias (率, 占比, 比例); each with
    its bigrams counted once, for Dice."""
    groups: dict[str, list[tuple[str, str, Counter[str], int]]] = {}
    for alias, code in aliases():
        grams = _bigrams(alias)
        groups.setdefault(alias[-1], []).append((alias, code, Counter(grams), len(grams)))
    return groups


@lru_cache(maxsize=8192)
def match_code(indicator: str) -> str | None:
    """The code of the longest alias contained in `indicator`, else of the most alike alias above FUZZY."""
    text = fold(indicator)
    if not text:
        return None
    # 普惠性幼儿园占全国幼儿园的比例 says 普惠性幼儿园占比; 比率 is 比例.
    text = _SHARE_OF.sub("占比", text).replace("比率", "比例")
    for alias, code in aliases():
        if alias in text:
            return code
    # A paraphrase must at least end like the alias (率, 占比, 比例): 普惠县 is no 普惠率.
    # (the rival-word check is the costly one: only paraphrases alike enough to count are put to it)
    grams = Counter(_bigrams(text))
    n = sum(grams.values())
    alike = sorted(
        (
            (score, code, alias)
            for alias, code, theirs, m in _by_last_char().get(text[-1], [])
            # Dice cannot reach FUZZY when the lengths differ too much: skip the count
            if 2 * min(n, m) >= FUZZY * (n + m)
            and (score := 2 * sum(min(c, theirs[g]) for g, c in grams.items()) / (n + m)) >= FUZZY
        ),
        reverse=True,
    )
    return next((code for _, code, alias in alike if not _conflict(text, alias)), None)


# Words that set indicators apart however alike the rest reads: 高等/高中 教育毛入学率, 净/毛 入学率, 公办/民办,
# 入学率/毕业率, 标准班额/大班额. A paraphrase naming one of a group may not match an alias naming another; one that
# names no school level may not match an alias of one level (专任教师研究生学历占比 is no 小学 indicator).
_RIVALS: tuple[tuple[re.Pattern[str], dict[str, str], bool], ...] = tuple(
    (re.compile("|".join(sorted(words, key=len, reverse=True))), words, level)
    for words, level in (
        ({"学前": "学前", "幼儿": "学前", "小学": "小学", "初中": "初中", "高中": "高中", "高等": "高等",
          "中职": "中职", "中等职业": "中职", "高校": "高等"}, True),
        ({"净": "净", "毛": "毛"}, False),
        ({"公办": "公办", "民办": "民办"}, False),
        ({w: w for w in ("入学", "毕业", "巩固", "升学", "辍学", "就业", "合格", "优良", "达标", "覆盖", "普及")}, False),
        ({"标准班额": "标准", "大班额": "大"}, False),
    )
)  # fmt: skip


def _conflict(text: str, alias: str) -> bool:
    """Whether `text` and `alias` name different members of one group of rival words."""
    for pattern, canon, level in _RIVALS:
        mine = {canon[w] for w in pattern.findall(text)}
        theirs = {canon[w] for w in pattern.findall(alias)}
        if theirs and not mine & theirs and (mine or level):
            return True
    return False
