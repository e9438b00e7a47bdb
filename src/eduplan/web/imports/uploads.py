"""Uploaded files kept between the preview and 确认导入: under the data folder by a random token, by number
(never by the names users gave them), with a manifest of names and SHA-256 so that the import confirmed is
exactly the one previewed. Stale uploads are removed after a day."""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from eduplan.errors import DataError, NotFound
from eduplan.io.sheets import Source

STALE = 24 * 3600


def _root() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def stash(files: list[UploadedFile], max_bytes: int) -> str:
    """Keep the uploaded files; their token."""
    _sweep()
    total = sum(f.size or 0 for f in files)
    if total > max_bytes:
        raise DataError(
            f"上传的文件共 {total // 2**20} MB，超过上限（见设置 EDUPLAN_IMPORT_MAX_FILE_MB）",
            english=f"{total} bytes",
        )
    token = secrets.token_urlsafe(16)
    folder = _root() / token
    folder.mkdir(parents=True)
    manifest = []
    for i, upload in enumerate(files):
        name = Path(upload.name or f"文件{i + 1}").name
        target = folder / f"{i}{Path(name).suffix.lower()[:10]}"
        sha = hashlib.sha256()
        with target.open("wb") as out:
            for chunk in upload.chunks():
                sha.update(chunk)
                out.write(chunk)
        manifest.append({"name": name, "file": target.name, "sha256": sha.hexdigest()})
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return token


def sources(token: str) -> list[Source]:
    """The files of an upload, checked against their manifest."""
    folder = _folder(token)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    found = []
    for entry in manifest:
        path = folder / entry["file"]
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            raise DataError("上传的文件已变化，请重新上传", english="upload changed")
        found.append(Source(path, entry["name"]))
    return found


def discard(token: str) -> None:
    shutil.rmtree(_folder(token), ignore_errors=True)


def _folder(token: str) -> Path:
    if not token or not all(c.isalnum() or c in "-_" for c in token):
        raise NotFound("没有这次上传（可能已过期），请重新上传", english="bad token")
    folder = _root() / token
    if not (folder / "manifest.json").exists():
        raise NotFound("没有这次上传（可能已过期），请重新上传", english="no upload")
    return folder


def _sweep() -> None:
    root = _root()
    if not root.exists():
        return
    for folder in root.iterdir():
        if folder.is_dir() and time.time() - folder.stat().st_mtime > STALE:
            shutil.rmtree(folder, ignore_errors=True)
