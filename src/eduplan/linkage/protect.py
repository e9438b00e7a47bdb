"""Ids at rest: a keyed hash to match on and a sealed (encrypted) copy to show to those allowed to see it.

The key never enters the database: it comes from the environment variable EDUPLAN_LINKAGE_KEY (32 bytes,
URL-safe base64) or from the file `linkage.key` in the data directory, created on first use with mode 0600;
a key file that others can read is refused. Two keys are derived from it (HKDF-SHA256): one for HMAC-SHA256,
one for Fernet (AES-128-CBC with HMAC). Losing the key makes the stored ids unreadable and unmatchable:
re-import the registers after changing it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
from pathlib import Path

from eduplan.errors import ConfigError

ENV = "EDUPLAN_LINKAGE_KEY"
KEY_FILE = "linkage.key"


def _derive(master: bytes, purpose: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"eduplan-linkage-" + purpose).derive(
        master
    )


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ConfigError(
            f"{where} 不是有效的密钥（应为 32 字节的 base64）", english=f"bad key in {where}"
        ) from exc
    if len(key) != 32:
        raise ConfigError(
            f"{where} 的密钥长度应为 32 字节，现为 {len(key)} 字节",
            english=f"key in {where}: {len(key)} bytes",
        )
    return key


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


class Vault:
    """Hashes, seals and opens ids with one master key."""

    def __init__(self, master: bytes) -> None:
        from cryptography.fernet import Fernet

        self._mac = _derive(master, b"hash")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"seal")))

    @classmethod
    def from_environment(cls, data_dir: Path) -> Vault:
        """The vault of the key in EDUPLAN_LINKAGE_KEY, else in data_dir/linkage.key (made when missing)."""
        if os.environ.get(ENV):
            return cls(_decode(os.environ[ENV], f"环境变量 {ENV}"))
        path = data_dir / KEY_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(new_key())
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ConfigError(
                f"密钥文件 {path} 的权限为 {mode:o}，其他用户可读；请执行 chmod 600 {path}",
                english=f"{path} has mode {mode:o}",
            )
        return cls(_decode(path.read_text(), str(path)))

    def hash(self, id18: str) -> str:
        """The keyed hash an id is matched on (equal ids, equal hashes; not reversible without the key)."""
        return hmac.new(self._mac, id18.encode("ascii"), hashlib.sha256).hexdigest()

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ConfigError(
                "身份证号无法解密：密钥已更换。请用原密钥，或重新导入户籍与学籍",
                english="id sealed with another key",
            ) from exc
