"""Synthetic registers with known truth: 户籍 children, 学籍, special situations, needy lists and aid.

Every child has a fate (in school in the county, in another county, documented away, dropped out …) and
every 学籍 record knows whose it is, so linkage quality is measured, not guessed. The 学籍 side carries the
errors real registers have: missing and mistyped ids, homophone and mistyped names, Traditional characters,
day and month swapped, wrong birth dates and sexes; the 户籍 side carries 15-digit and missing ids. Migrant
children in county schools (in 学籍, not in 户籍) and twins make false links possible. Vectorised: a province
(a million children) takes seconds. Names, places and ids are invented; any match with a real person is chance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from eduplan.linkage.ids import check_characters, check_ids
from eduplan.linkage.registers import prepare
from eduplan.linkage.schooling import Registers

# Common surnames (with rough weights) and given-name characters; homophones among them are found by pinyin.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "章柳祝"
)
GIVEN = (
    "欣心新鑫馨怡仪宜依伊一奕亦轩萱宣睿瑞锐子梓紫涵寒晗含浩昊皓宇雨语羽思斯佳家嘉明铭鸣杰洁婕婷亭庭晨辰臣"
    "琪琦淇祺博波伯文雯闻俊骏峻然冉雅亚娅静晶菁诗世若可天添泽译逸艺彤桐童乐悦月越安俊凯楷凡帆梦蒙玲琳霖"
    "航杭豪昊志智致翔祥向伟维玮磊蕾雷晓小筱雪学宏鸿红华桦辉慧惠蕙涛韬婉菀宁凝妍岩言颖英盈"
)
GRADES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级")


@dataclass(frozen=True)
class Noise:
    """Share of records carrying each error (independently)."""

    pupil_id_missing: float = 0.06
    pupil_id_typo: float = 0.015
    child_id_missing: float = 0.03
    child_id_old: float = 0.04  # written in the old 15-digit form (century and check character left out)
    homophone: float = 0.03
    typo: float = 0.015
    traditional: float = 0.01
    swapped: float = 0.02  # day and month swapped (when the swap is a date)
    date_typo: float = 0.005
    sex_wrong: float = 0.002


@dataclass(frozen=True)
class Fates:
    """Share of compulsory-age children by fate; the rest are in school in the county."""

    outside: float = 0.03  # in a school of another county (their 学籍 is in the extract)
    away_documented: float = 0.01  # gone with the family, 外出就读 evidence on file, no 学籍 in the extract
    special: float = 0.006  # 送教上门, 暂缓入学, 死亡, 出国（境）: documented, no 学籍
    unrecorded: float = 0.01  # out of school or gone without a trace: no 学籍 (truth: suspected)
    left: float = 0.005  # 学籍 says 辍学 or 休学, nothing documented (truth: suspected)
    sick_leave: float = 0.002  # 学籍 says 休学, 因病休学 documented
    migrants: float = 0.08  # 学籍 records of children not in this 户籍, per child
    twins: float = 0.01
    needy: float = 0.06
    aided: float = 0.93  # of needy children in school


@dataclass(frozen=True)
class Places:
    """Where children live and study: townships, the schools in each, and schools outside."""

    townships: tuple[str, ...]
    schools: dict[str, tuple[str, ...]]
    outside: tuple[str, ...]
    counties: tuple[str, ...] = ()

    @classmethod
    def from_frames(cls, org_units: pl.DataFrame, schools: pl.DataFrame, county: str) -> Places:
        """The county's townships and its open primary and junior schools (from the facts' frames)."""
        towns = tuple(
            sorted(org_units.filter((pl.col("level") == "township") & (pl.col("parent") == county))["code"])
        )
        compulsory = schools.filter(
            pl.col("township").is_in(towns)
            & pl.col("school_type").is_in(["primary", "teaching_point", "junior", "nine_year", "twelve_year", "complete_secondary"])
            & pl.col("closed_year").is_null()
        )  # fmt: skip
        by_town = {t: tuple(sorted(compulsory.filter(pl.col("township") == t)["code"])) for t in towns}
        fallback = tuple(sorted(compulsory["code"]))
        by_town = {t: s or fallback for t, s in by_town.items()}
        outside = tuple(f"1{n:09d}" for n in range(1_000_000, 1_000_040))  # codes of no school in the county
        return cls(towns, by_town, outside, (county,))

    @classmethod
    def province(cls, counties: int, townships: int = 12, schools: int = 3) -> Places:
        """Invented counties 99ccnn with `townships` each and `schools` schools per township."""
        codes = tuple(f"99{c // 20 + 1:02d}{c % 20 + 1:02d}" for c in range(counties))
        towns = tuple(f"{c}{t + 1:03d}" for c in codes for t in range(townships))
        by_town = {t: tuple(f"1{t[1:]}{s}" for s in range(schools)) for t in towns}
        outside = tuple(f"2{n:09d}" for n in range(40))
        return cls(towns, by_town, outside, codes)


@dataclass
class Synthetic:
    household: pl.DataFrame
    enrolment: pl.DataFrame
    situation: pl.DataFrame
    needy: pl.DataFrame
    aid: pl.DataFrame
    truth: pl.DataFrame  # one row per child: person_no, fate, student_no (its 学籍 record, if any), suspected
    pupil_truth: pl.DataFrame  # one row per 学籍 record: student_no, person_no (null for migrants)
    needy_truth: pl.DataFrame = field(default_factory=pl.DataFrame)  # needy person_no -> student_no, aided

    def out_of_school(self) -> set[str]:
        """The 人员编号 a perfect linkage puts on the suspected list."""
        return set(self.truth.filter(pl.col("suspected"))["person_no"])

    def for_matching(self, places: Places) -> tuple[pl.DataFrame, pl.DataFrame]:
        """户籍 and 学籍 prepared for `match.link`, their ids checked, 学籍 placed in its school's township."""
        town_of = {s: t for t, codes in places.schools.items() for s in codes}
        left = prepare(check_ids(self.household, "id_number", "birth", "sex"), "person_no", "id18")
        pupils = check_ids(self.enrolment, "id_number", "birth", "sex")
        placed = pupils.with_columns(township=pl.col("school").replace_strict(town_of, default=None))
        return left, prepare(placed, "student_no", "id18")

    def schooling_registers(self, places: Places) -> Registers:
        situations = self.situation.with_columns(since=pl.lit(None, pl.String), until=pl.lit(None, pl.String))
        schools = frozenset(s for codes in places.schools.values() for s in codes)
        return Registers(self.household, self.enrolment, situations, schools)


def _ids(area: np.ndarray, birth: np.ndarray, seq: np.ndarray, male: np.ndarray) -> np.ndarray:
    """18-digit ids: area, birth date, a sequence number whose parity gives the sex, the check character."""
    order = np.char.zfill(((seq % 500) * 2 + male).astype(str), 3)
    body = np.char.add(np.char.add(area.astype(str), np.char.replace(birth.astype(str), "-", "")), order)
    return np.char.add(body, check_characters(body))


def _names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    surnames = np.array(list(SURNAMES))
    weights = 1 / np.arange(1, len(surnames) + 1) ** 0.9
    surname = rng.choice(surnames, n, p=weights / weights.sum())
    given_chars = np.array(list(GIVEN))
    first, second = rng.choice(given_chars, n), rng.choice(given_chars, n)
    given = np.where(rng.random(n) < 0.75, np.char.add(first, second), first)
    return surname, given


def _births(rng: np.random.Generator, n: int, first: dt.date, last: dt.date) -> np.ndarray:
    days = rng.integers(0, (last - first).days + 1, n)
    return (np.datetime64(first) + days.astype("timedelta64[D]")).astype(str)


def _compulsory_window(year: int) -> tuple[dt.date, dt.date]:
    """Born from 1 September 15 years before to 31 August 6 years before the school year: 义务教育适龄."""
    return dt.date(year - 15, 9, 1), dt.date(year - 6, 8, 31)


def generate(places: Places, year: int, children: int, seed: int = 0, noise: Noise | None = None,
             fates: Fates | None = None) -> Synthetic:  # fmt: skip
    """`children` compulsory-age 户籍 children (and 15% more of other ages) of the places, their 学籍 for
    school year `year`, with the noise and fates given."""
    noise, fates = noise or Noise(), fates or Fates()
    rng = np.random.default_rng([seed, year])
    people = _people(rng, places, year, children, fates)
    pupils, pupil_truth = _pupils(rng, places, year, people, fates, noise)
    household = _household(rng, people, noise)
    situation = _situations(people)
    needy, aid, needy_truth = _aid(rng, year, people, pupils, fates)
    truth = people.select(
        "person_no", "fate", "student_no",
        suspected=pl.col("compulsory") & pl.col("fate").is_in(["unrecorded", "left"]),
    )  # fmt: skip
    return Synthetic(household, pupils, situation, needy, aid, truth, pupil_truth, needy_truth)


def _people(rng: np.random.Generator, places: Places, year: int, children: int, fates: Fates) -> pl.DataFrame:
    first, last = _compulsory_window(year)
    others = int(children * 0.15)
    born = np.concatenate([
        _births(rng, children, first, last),
        _births(rng, others // 2, dt.date(year - 18, 9, 1), first - dt.timedelta(days=1)),
        _births(rng, others - others // 2, last + dt.timedelta(days=1), dt.date(year - 3, 8, 31)),
    ])  # fmt: skip
    n = len(born)
    surname, given = _names(rng, n)
    town = rng.choice(np.array(places.townships), n)
    twin = np.zeros(n, dtype=bool)
    twin[1:] = rng.random(n - 1) < fates.twins
    for array in (surname, born, town):  # a twin shares surname, birth date and township with the one before
        array[1:][twin[1:]] = array[:-1][twin[1:]]
    male = rng.random(n) < 0.52
    compulsory = np.arange(n) < children
    shares = {
        k: getattr(fates, k)
        for k in ("outside", "away_documented", "special", "unrecorded", "left", "sick_leave")
    }
    fate = rng.choice([*shares, "in_county"], n, p=[*shares.values(), 1 - sum(shares.values())])
    fate = np.where(compulsory, fate, np.where(born < str(first), "grown", "young"))
    frame = pl.DataFrame({
        "person_no": [f"R{i:09d}" for i in range(n)],
        "name": np.char.add(surname, given), "sex": np.where(male, "男", "女"), "birth": born,
        "township": town, "village": [f"{v}村" for v in rng.integers(1, 30, n)],
        "male": male.astype(np.int64), "fate": fate, "compulsory": compulsory,
    })  # fmt: skip
    frame = frame.with_columns(area=pl.col("township").str.slice(0, 6))
    seq = frame.select(pl.int_range(pl.len()).over("area", "birth", "male")).to_series().to_numpy()
    ids = _ids(frame["area"].to_numpy(), born, seq, male.astype(np.int64))
    return frame.with_columns(id18=pl.Series(ids)).with_columns(
        student_no=pl.when(pl.col("fate").is_in(["in_county", "outside", "left", "sick_leave"]))
        .then(pl.lit("G") + pl.col("id18").str.slice(0, 17) + pl.lit("1"))
        .otherwise(None)
    )


def _grade(born: pl.Expr, year: int) -> pl.Expr:
    entry = born.str.slice(0, 4).cast(pl.Int64) + pl.when(born.str.slice(5, 5) <= "08-31").then(6).otherwise(
        7
    )
    grade = (year - entry + 1).clip(1, 9)
    return grade.map_elements(lambda g: GRADES[g - 1], return_dtype=pl.String)


def _school_of(rng: np.random.Generator, places: Places, towns: pl.Series, inside: pl.Series) -> list[str]:
    # Most children go to a school of their own township; one in six to a school elsewhere in the county.
    n = len(towns)
    elsewhere = rng.random(n) < 1 / 6
    other = rng.choice(np.array(places.townships), n)
    picks = rng.random(n)
    out = []
    for town, far, o, pick, here in zip(
        towns.to_list(), elsewhere, other, picks, inside.to_list(), strict=True
    ):
        pool = places.schools[o if far else town] if here else places.outside
        out.append(pool[int(pick * len(pool))])
    return out


def _pupils(rng: np.random.Generator, places: Places, year: int, people: pl.DataFrame, fates: Fates,
            noise: Noise) -> tuple[pl.DataFrame, pl.DataFrame]:  # fmt: skip
    own = people.filter(pl.col("student_no").is_not_null())
    migrants = _migrants(rng, places, year, int(fates.migrants * people.filter("compulsory").height))
    both = pl.concat([own.select(migrants.columns), migrants])
    status = np.where(
        both["fate"].to_numpy() == "left",
        rng.choice(["辍学", "休学", "退学"], both.height, p=[0.6, 0.3, 0.1]),
        "在读",
    )
    status = np.where(both["fate"].to_numpy() == "sick_leave", "休学", status)
    school = _school_of(rng, places, both["township"], both["fate"] != "outside")
    clean = both.with_columns(
        school=pl.Series(school), status=pl.Series(status), grade=_grade(pl.col("birth"), year)
    )
    noisy = _corrupt(rng, clean, noise)
    pupils = noisy.select(
        "student_no",
        "name",
        "sex",
        "birth",
        pl.col("id_given").alias("id_number"),
        "school",
        "grade",
        "status",
    )
    truth = clean.select(
        "student_no", pl.when(pl.col("fate") != "migrant").then(pl.col("person_no")).alias("person_no")
    )
    return pupils.sort("student_no"), truth.sort("student_no")


def _migrants(rng: np.random.Generator, places: Places, year: int, n: int) -> pl.DataFrame:
    first, last = _compulsory_window(year)
    born = _births(rng, n, first, last)
    surname, given = _names(rng, n)
    male = (rng.random(n) < 0.52).astype(np.int64)
    area = rng.choice(np.array(["360721", "431121", "452123", "510623", "411523"]), n)
    frame = pl.DataFrame({"area": area, "birth": born, "male": male})
    seq = frame.select(pl.int_range(pl.len()).over("area", "birth", "male")).to_series().to_numpy()
    ids = _ids(area, born, seq, male)
    return pl.DataFrame({
        "person_no": [f"M{i:09d}" for i in range(n)], "name": np.char.add(surname, given),
        "sex": np.where(male == 1, "男", "女"), "birth": born, "township": rng.choice(np.array(places.townships), n),
        "fate": np.full(n, "migrant"), "id18": ids,
    }).with_columns(student_no=pl.lit("G") + pl.col("id18").str.slice(0, 17) + pl.lit("2"))  # fmt: skip


def _corrupt(rng: np.random.Generator, frame: pl.DataFrame, noise: Noise) -> pl.DataFrame:
    """Names, dates, sexes and ids as clerks typed them into 学籍."""
    n = frame.height
    hit = {
        k: rng.random(n) < getattr(noise, k)
        for k in (
            "homophone",
            "typo",
            "traditional",
            "swapped",
            "date_typo",
            "sex_wrong",
            "pupil_id_missing",
            "pupil_id_typo",
        )
    }
    names = _misspell(rng, frame["name"].to_list(), hit["homophone"], hit["typo"], hit["traditional"])
    births = _misdate(rng, frame["birth"].to_list(), hit["swapped"], hit["date_typo"])
    sex = np.where(
        hit["sex_wrong"], np.where(frame["sex"].to_numpy() == "男", "女", "男"), frame["sex"].to_numpy()
    )
    ids = np.array(frame["id18"].to_list(), dtype=object)
    for i in np.flatnonzero(hit["pupil_id_typo"]):
        pos = int(rng.integers(6, 17))
        ids[i] = ids[i][:pos] + str((int(ids[i][pos]) + int(rng.integers(1, 10))) % 10) + ids[i][pos + 1 :]
    ids[hit["pupil_id_missing"]] = None
    return frame.with_columns(name=pl.Series(names), birth=pl.Series(births), sex=pl.Series(sex),
                              id_given=pl.Series(ids.tolist(), dtype=pl.String))  # fmt: skip


_TRADITIONAL = dict(zip("张刘陈杨黄赵吴孙马郑谢韩冯邓萧叶苏吕钟谭陆龚钱严汤欣轩涵浩宇语佳铭杰婕晨琪博雯俊骏诗乐悦凯梦玲航伟玮晓学宏鸿红华辉慧涛韬颖",
                        "張劉陳楊黃趙吳孫馬鄭謝韓馮鄧蕭葉蘇呂鍾譚陸龔錢嚴湯欣軒涵浩宇語佳銘傑婕晨琪博雯俊駿詩樂悅凱夢玲航偉瑋曉學宏鴻紅華輝慧濤韜穎", strict=True))  # fmt: skip


def _homophones() -> dict[str, list[str]]:
    from pypinyin import lazy_pinyin

    groups: dict[str, list[str]] = {}
    for pool in (SURNAMES, GIVEN):
        for c in dict.fromkeys(pool):
            groups.setdefault(f"{pool is SURNAMES}{lazy_pinyin(c)[0]}", []).append(c)
    return {c: [o for o in g if o != c] for g in groups.values() for c in g if len(g) > 1}


def _misspell(rng: np.random.Generator, names: list[str], homophone: np.ndarray, typo: np.ndarray,
              traditional: np.ndarray) -> list[str]:  # fmt: skip
    sounds = _homophones()
    pool = list(GIVEN)
    out = list(names)
    for i in np.flatnonzero(homophone | typo | traditional):
        chars = list(out[i])
        if homophone[i]:
            at = [k for k, c in enumerate(chars) if c in sounds]
            if at:
                k = at[int(rng.integers(len(at)))]
                chars[k] = sounds[chars[k]][int(rng.integers(len(sounds[chars[k]])))]
        if typo[i]:
            k = int(rng.integers(1, len(chars)))  # the surname is rarely mistyped
            chars[k] = pool[int(rng.integers(len(pool)))]
        if traditional[i]:
            chars = [_TRADITIONAL.get(c, c) for c in chars]
            chars.insert(len(chars) // 2, " ") if rng.random() < 0.5 else None
        out[i] = "".join(chars)
    return out


def _misdate(rng: np.random.Generator, births: list[str], swapped: np.ndarray, typo: np.ndarray) -> list[str]:
    out = list(births)
    for i in np.flatnonzero(swapped | typo):
        y, m, d = out[i].split("-")
        if swapped[i] and m != d and int(d) <= 12:
            out[i] = f"{y}-{d}-{m}"
        elif typo[i]:
            day = dt.date.fromisoformat(out[i]) + dt.timedelta(days=int(rng.choice([-10, -1, 1, 10])))
            out[i] = day.isoformat()
    return out


def _household(rng: np.random.Generator, people: pl.DataFrame, noise: Noise) -> pl.DataFrame:
    """户籍 rows: ids missing for some, and the 15-digit form kept where the card is an old one."""
    n = people.height
    ids = np.array(people["id18"].to_list(), dtype=object)
    old = rng.random(n) < noise.child_id_old
    for i in np.flatnonzero(old):
        ids[i] = ids[i][:6] + ids[i][8:17]  # the old 15-digit form (year without 19/20, no check character)
    ids[rng.random(n) < noise.child_id_missing] = None
    return people.select(
        "person_no",
        "name",
        "sex",
        "birth",
        pl.Series("id_number", ids.tolist(), dtype=pl.String),
        "township",
        "village",
    )


def _situations(people: pl.DataFrame) -> pl.DataFrame:
    kinds = {"special": ("送教上门", "医院诊断证明及送教上门记录"), "away_documented": ("外出就读", "就读学校出具的在读证明"),
             "sick_leave": ("因病休学", "医院诊断证明")}  # fmt: skip
    rows = [
        {"person_no": p, "kind": kinds[f][0], "evidence": kinds[f][1]}
        for p, f in people.filter(pl.col("fate").is_in(list(kinds))).select("person_no", "fate").iter_rows()
    ]
    return pl.DataFrame(
        rows, schema={"person_no": pl.String, "kind": pl.String, "evidence": pl.String}, orient="row"
    )


def _aid(rng: np.random.Generator, year: int, people: pl.DataFrame, pupils: pl.DataFrame,
         fates: Fates) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """Needy lists (a share of the children, with the id the list holds) and aid paid to most of those in school."""
    chosen = people.filter(pl.col("compulsory")).sample(fraction=fates.needy, seed=int(rng.integers(1 << 31)))
    kinds = rng.choice(
        ["脱贫户", "防返贫监测户", "低保", "特困供养", "孤儿", "残疾"],
        chosen.height,
        p=[0.4, 0.15, 0.3, 0.05, 0.05, 0.05],
    )
    needy = chosen.select(
        pl.lit(year).alias("year"), pl.Series("kind", kinds), pl.col("person_no").str.replace("^R", "D"),
        "name", "sex", "birth", pl.col("id18").alias("id_number"), "township",
    )  # fmt: skip
    enrolled = set(pupils.filter(pl.col("status") == "在读")["student_no"])
    in_school = chosen.with_columns(
        student_no=pl.when(pl.col("student_no").is_in(list(enrolled))).then(pl.col("student_no"))
    )
    aided = in_school["student_no"].is_not_null().to_numpy() & (rng.random(chosen.height) < fates.aided)
    paid = in_school.filter(pl.Series(aided))
    aid = paid.select(
        "student_no", pl.lit(year).alias("year"), pl.lit("义务教育家庭经济困难学生生活补助").alias("item"),
        pl.lit(1000.0).alias("amount"), pl.lit(f"{year}-10-15").alias("paid_on"),
    )  # fmt: skip
    truth = needy.select("person_no", student_no=in_school["student_no"], aided=pl.Series(aided))
    return needy, aid, truth
