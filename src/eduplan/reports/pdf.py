"""Word to PDF by LibreOffice in headless mode, so that the .docx and the .pdf never disagree.

LibreOffice (Debian `libreoffice-writer-nogui`) embeds the fonts it uses. `fonts.conf` maps the official fonts the
report names (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体) to Noto CJK when the machine lacks them. Each
conversion uses its own LibreOffice profile, so that conversions in parallel (web workers, tests) do not collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

from eduplan.errors import ConfigError, DataError

TIMEOUT_SECONDS = 180
INSTALL_HINT = "请安装 LibreOffice（Debian 软件包 libreoffice-writer-nogui，make system-deps 会安装）"


def soffice() -> str:
    """The LibreOffice program, or a ConfigError saying how to install it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise ConfigError(f"未找到 LibreOffice，无法生成 PDF。{INSTALL_HINT}", english="soffice not found")
    return found


def to_pdf(docx: bytes) -> bytes:
    """The PDF of a .docx (as bytes)."""
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="eduplan-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, env=_environment(folder), check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise DataError(
                f"LibreOffice 转换 PDF 超过 {TIMEOUT_SECONDS} 秒未完成", english="soffice timed out"
            ) from exc
        target = folder / "report.pdf"
        if done.returncode != 0 or not target.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
            raise DataError("LibreOffice 未能生成 PDF", english=f"soffice exit {done.returncode}: {detail}")
        return target.read_bytes()


def _environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    conf = resources.files("eduplan.reports").joinpath("fonts.conf")
    env["FONTCONFIG_FILE"] = str(conf)
    env["HOME"] = str(folder)  # LibreOffice writes caches under HOME; keep them in the temporary folder
    return env
