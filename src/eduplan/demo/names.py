"""Pools of place names for the synthetic county. Invented; any match with a real place is chance."""

from __future__ import annotations

# Township names: the county town is always 城关镇; the rest are drawn from this pool.
TOWNSHIPS = (
    "东山", "西河", "南岭", "北坪", "石桥", "龙泉", "黄田", "水口", "梅岭", "桃源",
    "青石", "长坑", "白云", "古塘", "大坪", "新村", "马岭", "湖口", "松林", "珠玑",
    "坪田", "江头", "百顺", "油山", "帽子峰", "界址", "乌迳", "孔江", "苍石", "邓坊",
    "全安", "澜河", "主田", "古市", "黄坑", "南亩", "雄州", "凤岗", "竹溪", "双溪",
)  # fmt: skip

# Village names for 村小 and 教学点.
VILLAGES = (
    "上坪", "下洞", "塘背", "岭头", "坑口", "石门", "黄坑", "新田", "大塘", "竹园",
    "水东", "高桥", "社背", "横岭", "楼下", "中站", "官田", "山下", "河背", "车田",
    "梅子", "杨梅", "樟树", "长岭", "洋坑", "下村", "上寨", "老屋", "石塘", "新龙",
)  # fmt: skip

# Names of the province's other counties (the first county is always 示例县).
COUNTIES = (
    "安平", "宁远", "临川", "清河", "永和", "平乐", "长宁", "丰城", "崇安", "德化",
    "泰和", "怀远", "昌乐", "广德", "连山", "新丰", "仁化", "始兴", "乐昌", "和平",
    "龙川", "紫金", "连平", "大埔", "蕉岭", "五华", "兴宁", "丰顺", "陆河", "惠来",
)  # fmt: skip

# Names of 民办 kindergartens.
KG_BRANDS = (
    "阳光", "蓝天", "启航", "小太阳", "童心", "育英", "金苹果", "博雅", "七彩", "贝贝",
    "星星", "春苗", "智慧树", "爱心", "小天鹅", "明珠", "彩虹", "快乐", "希望", "苗苗",
)  # fmt: skip

CHINESE_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def ordinal(i: int) -> str:
    """1 -> 一, 12 -> 十二 (up to 99)."""
    if i <= 10:
        return CHINESE_ORDINALS[i - 1]
    tens, ones = divmod(i, 10)
    head = "" if tens == 1 else CHINESE_ORDINALS[tens - 1]
    return head + "十" + (CHINESE_ORDINALS[ones - 1] if ones else "")


def county_names(n: int) -> list[str]:
    """n distinct county names: the pool's, then pairs of their characters, then the same with 新."""
    out: list[str] = []
    seen: set[str] = set()
    candidates = [c for c in COUNTIES] + [a[0] + b[1] for a in COUNTIES for b in COUNTIES]
    for prefix in ("", "新", "东", "西", "南", "北"):
        for c in candidates:
            name = prefix + c + "县"
            if name not in seen:
                seen.add(name)
                out.append(name)
                if len(out) == n:
                    return out
    raise ValueError(f"no more than {len(out)} county names")
