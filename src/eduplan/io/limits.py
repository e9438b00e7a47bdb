"""Bounds on what one import reads, so that no file, however large or strange, takes the machine down.

Each bound is a setting: an environment variable with a sane default, parsed strictly (a bad value stops the
command with a clear message). `SETTINGS` lists them with their help text; docs/foundation.md documents every
one (a test checks that).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from eduplan.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    env: str
    default: int
    help: str


SETTINGS = (
    Setting("EDUPLAN_IMPORT_MAX_ROWS", 1_100_000, "一个工作表（或 CSV 文件）最多读取的行数"),
    Setting("EDUPLAN_IMPORT_MAX_COLUMNS", 300, "一个工作表最多读取的列数"),
    Setting("EDUPLAN_IMPORT_MAX_CELL_CHARS", 32_767, "一个单元格最多的字符数（Excel 的上限）"),
    Setting(
        "EDUPLAN_IMPORT_MAX_PART_MB", 1_024, "Excel 文件中一个工作表（或共享字符串表）解压后的最大兆字节数"
    ),
    Setting("EDUPLAN_IMPORT_MAX_FILE_MB", 1_024, "一个 CSV 文件（或 Excel 文件解压后合计）的最大兆字节数"),
    Setting("EDUPLAN_IMPORT_MAX_FILES", 5_000, "一次导入（含文件夹、压缩包展开后）最多的文件数"),
    Setting("EDUPLAN_IMPORT_MAX_PROBLEMS", 200, "导入出错时最多列出的问题条数（另报总数）"),
    Setting("EDUPLAN_IMPORT_LOCK_WAIT", 120, "另一项导入正在进行时最多等待的秒数"),
)


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_part_bytes: int
    max_file_bytes: int
    max_files: int
    max_problems: int
    lock_wait: int


def _read(setting: Setting) -> int:
    raw = os.environ.get(setting.env, "").strip()
    if raw == "":
        return setting.default
    if not raw.isascii() or not raw.isdigit() or int(raw) == 0:
        raise ConfigError(
            f"环境变量 {setting.env} 的值 {raw!r} 无法识别，应为正整数（{setting.help}，默认 {setting.default}）",
            english=f"{setting.env}={raw!r}: expected a positive integer",
        )
    return int(raw)


def limits() -> Limits:
    """The bounds in force (read from the environment each time, so tests and servers may change them)."""
    v = {s.env: _read(s) for s in SETTINGS}
    return Limits(
        max_rows=v["EDUPLAN_IMPORT_MAX_ROWS"],
        max_columns=v["EDUPLAN_IMPORT_MAX_COLUMNS"],
        max_cell_chars=v["EDUPLAN_IMPORT_MAX_CELL_CHARS"],
        max_part_bytes=v["EDUPLAN_IMPORT_MAX_PART_MB"] * 1024 * 1024,
        max_file_bytes=v["EDUPLAN_IMPORT_MAX_FILE_MB"] * 1024 * 1024,
        max_files=v["EDUPLAN_IMPORT_MAX_FILES"],
        max_problems=v["EDUPLAN_IMPORT_MAX_PROBLEMS"],
        lock_wait=v["EDUPLAN_IMPORT_LOCK_WAIT"],
    )
