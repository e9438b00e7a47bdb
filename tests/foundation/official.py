"""Official 基层统计报表 workbooks built for tests, following the published layouts: title, 学年初 line, the
form code, one or two header rows (the upper one merged over its columns), the 栏号 row (甲, 乙, 1 … n) and
rows with label and 行代码 — plus, like real exports, a hidden first row of column letters and a first column of
row numbers, so that nothing sits where a fixed address would look for it.

Each form below lists ALL its columns and rows as published (or, for the generation-2 forms whose printed
layout we could not see, as public code that writes them has them), not only those eduplan maps: the
mapping files must find their cells among the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter


@dataclass
class Form:
    code: str  # 基础基312, 教基3112
    title: str
    columns: list[str]  # header per 栏号 1 … n, levels joined by " / "
    rows: list[tuple[str, str]]  # (label, 行代码)
    values: dict[tuple[str, str], object] = field(default_factory=dict)  # (行代码, 栏号) -> figure or "*"
    list_form: bool = False  # 项目 / 编号 / 内容 instead of 甲 / 乙 / 1


# Class-size bands, the rows of the 班额 forms.
SIZES = [
    "25人及以下",
    "26-30人",
    "31-35人",
    "36-40人",
    "41-45人",
    "46-50人",
    "51-55人",
    "56-60人",
    "61-65人",
    "66人及以上",
]


def class_sizes(second: str) -> list[tuple[str, str]]:
    """The rows of a 班额 form: 总计, one 其中 row, then the class-size bands."""
    return [("总计", "01"), (second, "02"), *[(size, f"{i:02d}") for i, size in enumerate(SIZES, start=3)]]


# Generation 1 (to 2020/21).
def g1_212() -> Form:
    return Form("基础基212", "小学教学班数、班额情况", ["合计", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级"],
                class_sizes("其中：复式班"))  # fmt: skip


def g1_213() -> Form:
    columns = ["合计", "初中 / 计", "初中 / 一年级", "初中 / 二年级", "初中 / 三年级", "初中 / 四年级",
               "高中 / 计", "高中 / 一年级", "高中 / 二年级", "高中 / 三年级"]  # fmt: skip
    return Form("基础基213", "中学教学班数、班额情况", columns,
                class_sizes("其中：四年制初中"))  # fmt: skip


STUDENT_ROWS = [("总计", "1"), ("女", "2"), ("少数民族", "3"), ("复式班", "4"), ("寄宿生", "5"),
                ("进城务工人员随迁子女", "6"), ("外省迁入", "7"), ("本省外县迁入", "8"), ("农村留守儿童", "9"), ("残疾人", "10")]  # fmt: skip


def g1_312() -> Form:
    grades = [f"在校学生数 / {g}年级" for g in "一二三四五六"]
    return Form(
        "基础基312",
        "小学学生数",
        ["毕业生数", "招生数", "在校学生数 / 合计", *grades, "预计毕业生数"],
        STUDENT_ROWS,
    )


def g1_313() -> Form:
    grades = [f"在校学生数 / {g}年级" for g in "一二三四"]
    return Form(
        "基础基313",
        "初中学生数",
        ["毕业生数", "招生数", "在校学生数 / 合计", *grades, "预计毕业生数"],
        STUDENT_ROWS,
    )


def g1_412() -> Form:
    columns = ["教职工数 / 合计", "教职工数 / 专任教师", "教职工数 / 行政人员", "教职工数 / 教辅人员", "教职工数 / 工勤人员",
               "教职工数 / 校办企业职工", "代课教师", "兼任教师"]  # fmt: skip
    return Form(
        "基础基412",
        "中小学教职工",
        columns,
        [("总计", "1"), ("女", "2"), ("少数民族", "3"), ("在编人员", "4")],
    )


QUALIFICATIONS = [("总计", "1"), ("女", "2"), ("研究生毕业", "3"), ("本科毕业", "4"), ("专科毕业", "5"),
                  ("高中阶段毕业", "6"), ("高中阶段毕业以下", "7")]  # fmt: skip


def g1_423() -> Form:
    subjects = [
        "品德与生活（社会）",
        "语文",
        "数学",
        "科学",
        "外语",
        "综合实践活动",
        "信息技术",
        "体育",
        "音乐",
        "美术",
        "其他",
    ]
    return Form("基础基423", "小学专任教师分课程、分学历", ["合计", *subjects], QUALIFICATIONS)


def g1_424() -> Form:
    subjects = ["思想品德（政治）", "语文", "数学", "外语", "物理", "化学", "生物", "历史", "地理", "信息技术", "体育与健康",
                "音乐", "美术", "其他"]  # fmt: skip
    return Form("基础基424", "中学专任教师分课程、分学历", ["合计", *subjects], QUALIFICATIONS)


def g1_512() -> Form:
    columns = [
        "校舍建筑面积 / 合计",
        "校舍建筑面积 / 框架结构",
        "校舍建筑面积 / 砖混结构",
        "校舍建筑面积 / 砖木结构",
    ]
    rows = [("总计", "1"), ("其中：危房", "2"), ("当年新增校舍", "3"), ("一、教学及辅助用房", "4"), ("普通教室", "5"),
            ("专用教室", "6"), ("二、行政办公用房", "7"), ("三、生活用房", "8"), ("四、其他用房", "9")]  # fmt: skip
    return Form("基础基512", "中小学校舍情况", columns, rows)


def g1_522() -> Form:
    columns = ["占地面积（平方米） / 计", "占地面积（平方米） / 绿化用地面积", "运动场地面积", "图书（册）", "计算机（台） / 计",
               "计算机（台） / 教学用", "教室（间） / 计", "教室（间） / 网络多媒体教室", "固定资产总值（万元） / 计",
               "固定资产总值（万元） / 教学、实验仪器设备资产值"]  # fmt: skip
    return Form("基础基522", "中小学占地面积及其他办学条件", columns, [("总计", "1")])


def g1_331() -> Form:
    columns = ["上学年初报表在校学生数", "增加学生数 / 合计", "增加学生数 / 招生", "增加学生数 / 复学", "增加学生数 / 转入",
               "增加学生数 / 其他", "减少学生数 / 合计", "减少学生数 / 毕业", "减少学生数 / 结业", "减少学生数 / 休学",
               "减少学生数 / 退学", "减少学生数 / 死亡", "减少学生数 / 转出", "减少学生数 / 其他", "本学年初报表在校学生数"]  # fmt: skip
    rows = [("幼儿园", "1"), ("女", "2"), ("少数民族", "3"), ("小学", "4"), ("女", "5"), ("少数民族", "6"), ("初中", "7"),
            ("女", "8"), ("少数民族", "9"), ("高中", "10"), ("女", "11"), ("少数民族", "12"), ("特殊教育", "13"),
            ("女", "14"), ("少数民族", "15")]  # fmt: skip
    return Form("基础基331", "学生变动情况", columns, rows)


def g1_112() -> Form:
    rows = [("接入互联网", "13"), ("上学年参加国家学生体质健康标准测试人数", "21"), ("优秀", "22"), ("良好", "23"), ("及格", "24"),
            ("不及格", "25"), ("县级及以上骨干教师（小学）", "26"), ("县级及以上骨干教师（初中）", "27"),
            ("县级及以上骨干教师（高中）", "28")]  # fmt: skip
    return Form("基础基112", "学校（机构）基本情况", ["内容"], rows, list_form=True)


# Generation 2 (from 2021/22): 3112, 3115, 3118, 4149 and 4155 as public code writes them; the others inferred.
KINDS = [("总计", "01"), ("#女", "02"), ("#少数民族", "03"), ("#复式班", "4"), ("#寄宿生", "5"), ("#随迁子女", "6"),
         ("外省迁入", "7"), ("本省外县迁入", "8"), ("#进城务工人员随迁子女", "9"), ("外省迁入", "10"),
         ("本省外县迁入", "11"), ("#农村留守儿童", "12")]  # fmt: skip


def g2_2105() -> Form:
    return Form(
        "教基2105", "幼儿园班数", ["合计", "托班", "小班", "中班", "大班", "混龄班"], [("总计", "01")]
    )


def g2_2106() -> Form:
    return Form("教基2106", "小学班数、班额", ["合计", *(f"{g}年级" for g in "一二三四五六")],
                class_sizes("#复式班"))  # fmt: skip


def g2_2107() -> Form:
    return Form("教基2107", "初中班数、班额", ["合计", *(f"{g}年级" for g in "一二三四")],
                class_sizes("#四年制初中"))  # fmt: skip


def g2_3111() -> Form:
    columns = ["入园人数 / 合计", "入园人数 / 托班", "入园人数 / 小班", "入园人数 / 中班", "入园人数 / 大班", "在园人数 / 合计",
               "在园人数 / #女", "在园人数 / 托班", "在园人数 / 小班", "在园人数 / 中班", "在园人数 / 大班", "离园人数"]  # fmt: skip
    return Form("教基3111", "幼儿园幼儿数", columns, [("总计", "01"), ("#女", "02"), ("#少数民族", "03")])


def g2_3112() -> Form:
    columns = ["毕业生数", "招生数", "招生数中接受学前教育年限 / 未接受过", "招生数中接受学前教育年限 / 一年",
               "招生数中接受学前教育年限 / 两年", "招生数中接受学前教育年限 / 三年", "在校生数", "#女",
               *(f"{g}年级" for g in "一二三四五六"), "预计毕业生数"]  # fmt: skip
    return Form("教基3112", "小学分类型学生数", columns, KINDS)


def g2_3115() -> Form:
    return Form(
        "教基3115",
        "初中分类型学生数",
        ["毕业生数", "招生数", "在校生数", "#女", *(f"{g}年级" for g in "一二三四"), "预计毕业生数"],
        KINDS,
    )


def g2_3118() -> Form:
    return Form(
        "教基3118",
        "普通高中分类型学生数",
        ["毕业生数", "招生数", "在校生数", "#女", *(f"{g}年级" for g in "一二三"), "预计毕业生数"],
        KINDS,
    )


def g2_4148() -> Form:
    columns = [
        "教职工数 / 合计",
        "教职工数 / 园长",
        "教职工数 / 专任教师",
        "教职工数 / 保健医",
        "教职工数 / 保育员",
        "教职工数 / 其他",
    ]
    return Form("教基4148", "幼儿园教职工", columns, [("总计", "01"), ("#女", "02"), ("#在编人员", "03")])


def g2_4149() -> Form:
    columns = ["教职工数", "专任教师", "行政人员", "教辅人员", "工勤人员", "其他", "校外教师", "银龄教师"]
    return Form(
        "教基4149",
        "中小学教职工",
        columns,
        [("总计", "01"), ("#女", "02"), ("#少数民族", "03"), ("#在编人员", "04"), ("#外籍人员", "05")],
    )


def g2_4155() -> Form:
    columns = ["合计", "#女", "道德与法治", "语文", "数学", "外语", "英语", "日语", "俄语", "历史", "地理", "科学", "物理", "化学",
               "生物学", "信息科技", "体育与健康", "艺术", "音乐", "美术", "劳动", "综合实践活动", "其他", "本学年不授课"]  # fmt: skip
    levels = ["博士研究生", "硕士研究生", "本科", "专科", "高中阶段", "高中阶段以下"]
    rows = [("总计", "1")]
    for stage, start in (("小学", 2), ("初中", 11)):
        rows += [(stage, str(start)), ("#女", str(start + 1)), ("#少数民族", str(start + 2))]
        rows += [(level, str(start + 3 + i)) for i, level in enumerate(levels)]
    return Form("教基4155", "义务教育阶段专任教师分课程、分学历", columns, rows)


def g2_4159() -> Form:
    columns = [
        "合计",
        "研究生毕业",
        "本科毕业",
        "专科毕业",
        "高中阶段毕业",
        "高中阶段毕业以下",
        "正高级",
        "副高级",
        "中级",
    ]
    return Form(
        "教基4159", "幼儿园园长、专任教师分学历、专业技术职务", columns, [("园长", "1"), ("专任教师", "2")]
    )


def g2_5170() -> Form:
    columns = ["校舍建筑面积 / 合计", "校舍建筑面积 / 其中：危房", "校舍建筑面积 / 当年新增"]
    rows = [("总计", "01"), ("一、教学及辅助用房", "02"), ("其中：普通教室", "03"), ("专用教室", "04"), ("室内体育用房", "05"),
            ("二、行政办公用房", "06"), ("三、生活用房", "07"), ("四、其他用房", "08")]  # fmt: skip
    return Form("教基5170", "校舍情况", columns, rows)


def g2_5176() -> Form:
    rows = [("占地面积（平方米）", "01"), ("其中：绿化用地面积", "02"), ("运动场地面积（平方米）", "03"), ("图书（册）", "04"),
            ("教学用计算机（台）", "05"), ("网络多媒体教室（间）", "06"), ("音乐专用教室（间）", "07"), ("美术专用教室（间）", "08"),
            ("教学仪器设备资产值（万元）", "09")]  # fmt: skip
    return Form("教基5176", "办学条件", ["数量"], rows)


def g2_1001(values: dict[str, object]) -> Form:
    labels = ["学校（机构）标识码", "学校（机构）名称", "统计用区划代码", "城乡分类代码", "办学类型代码", "举办者代码", "举办者名称",
              "是否普惠性民办幼儿园", "经度", "纬度"]  # fmt: skip
    rows = [(label, f"{i:02d}") for i, label in enumerate(labels, start=1)]
    form = Form("教基1001", "学校（机构）基本情况", ["内容"], rows)
    form.values = {(str(labels.index(k) + 1), "1"): v for k, v in values.items()}
    return form


@dataclass
class School:
    code: str
    name: str
    area_code: str  # 12 digits
    locale_code: str
    type_code: str
    owner_code: str = "821"
    owner_name: str = "教育部门"


def write_g1(path: Path, year: int, school: School, forms: list[Form], shift: int = 0) -> Path:
    """A generation-1 workbook: 基础基111 and the forms, each with `shift` extra leading columns."""
    book = Workbook()
    book.remove(book.active)
    _identity_111(book.create_sheet("基础基111"), year, school)
    for form in forms:
        _form(book.create_sheet(form.code), year, form, shift)
    book.save(path)
    return path


def write_g2(
    path: Path, year: int, school: School, kind: str, forms: list[Form], inclusive: str | None = None
) -> Path:
    """A generation-2 workbook: sheets 教基NNNN_办学类型, 教基1001 first."""
    identity = {"学校（机构）标识码": school.code, "学校（机构）名称": school.name, "统计用区划代码": school.area_code,
                "城乡分类代码": school.locale_code, "办学类型代码": school.type_code, "举办者代码": school.owner_code,
                "举办者名称": school.owner_name}  # fmt: skip
    if inclusive is not None:
        identity["是否普惠性民办幼儿园"] = inclusive
    book = Workbook()
    book.remove(book.active)
    for form in [g2_1001(identity), *forms]:
        _form(book.create_sheet(f"{form.code}_{kind}"), year, form, 0)
    book.save(path)
    return path


def _artefacts(ws, width: int) -> None:  # type: ignore[no-untyped-def]
    """Row 1 of column letters (hidden) and a first column of row numbers, as the real exports carry."""
    for j in range(1, width + 1):
        ws.cell(row=1, column=j, value=get_column_letter(j))
    ws.row_dimensions[1].hidden = True


def _form(ws, year: int, form: Form, shift: int) -> None:  # type: ignore[no-untyped-def]
    first = 2 + shift  # the 甲 column
    width = first + 1 + len(form.columns)
    _artefacts(ws, width)
    ws.cell(row=2, column=first, value=form.title)
    ws.cell(row=3, column=first, value=f"（{year}/{year + 1} 学年初）")
    ws.cell(row=4, column=first, value=f"{form.code}" + " " * 40 + "单位：人")
    levels = [c.split(" / ") for c in form.columns]
    depth = max(len(lv) for lv in levels)
    numbers = 5 + depth
    if form.list_form:
        numbers = 5
        for j, text in enumerate(("项目", "编号", "内容"), start=first):
            ws.cell(row=numbers, column=j, value=text)
    else:
        ws.cell(row=5, column=first + 1, value="编号")
        _headers(ws, levels, depth, first + 2)
        ws.cell(row=numbers, column=first, value="甲")
        ws.cell(row=numbers, column=first + 1, value="乙")
        for n in range(1, len(form.columns) + 1):
            ws.cell(row=numbers, column=first + 1 + n, value=str(n))
    for i, (label, code) in enumerate(form.rows, start=numbers + 1):
        ws.cell(row=i, column=first, value=label)
        ws.cell(row=i, column=first + 1, value=code)
        for n in range(1, len(form.columns) + 1):
            value = form.values.get((code.lstrip("0") or "0", str(n)))
            if value is not None:
                ws.cell(row=i, column=first + 1 + n, value=str(value) if isinstance(value, int) else value)
    for r in range(2, numbers + len(form.rows) + 1):
        ws.cell(row=r, column=1, value=r - 1)


def _headers(ws, levels: list[list[str]], depth: int, start: int) -> None:  # type: ignore[no-untyped-def]
    """Upper header cells merged over the columns they head; a column with one level spans every header row."""
    j = 0
    while j < len(levels):
        top = levels[j][0]
        span = 1
        while (
            len(levels[j]) > 1
            and j + span < len(levels)
            and len(levels[j + span]) > 1
            and levels[j + span][0] == top
        ):
            span += 1
        ws.cell(row=5, column=start + j, value=top)
        if len(levels[j]) == 1:
            if depth > 1:
                ws.merge_cells(start_row=5, start_column=start + j, end_row=4 + depth, end_column=start + j)
        else:
            if span > 1:
                ws.merge_cells(
                    start_row=5, start_column=start + j, end_row=5, end_column=start + j + span - 1
                )
            for k in range(span):
                ws.cell(row=6, column=start + j + k, value=levels[j + k][1])
        j += span


def _identity_111(ws, year: int, s: School) -> None:  # type: ignore[no-untyped-def]
    """基础基111 as the real 2020/21 export lays it out: labels above values; 名称 and 代码 sub-rows."""
    _artefacts(ws, 12)
    cells = {
        "B2": "基础教育学校（机构）统计调查表", "B3": f"（{year} /{year + 1} 学年初）", "B5": "基础基111",
        "B6": "学校标识码", "D6": "学校（机构）名称（章）", "B7": s.code, "D7": s.name,
        "D9": "学校（机构）地址", "G9": "学校（机构）所在地城乡类型", "B10": "名称", "D10": "示例路1号", "B11": "代码",
        "D11": s.area_code, "G11": s.locale_code, "D13": "学校（机构）办学类型", "E13": "学校（机构）举办者", "B14": "名称",
        "E14": s.owner_name, "B15": "代码", "D15": s.type_code, "E15": s.owner_code,
    }  # fmt: skip
    for address, value in cells.items():
        ws[address] = value
