"""The key lives outside the database: a 0600 file or an environment variable; ids hash and seal with it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from eduplan.errors import ConfigError
from eduplan.linkage.protect import ENV, KEY_FILE, Vault, new_key


def test_key_file_is_made_private_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    first = Vault.from_environment(tmp_path)
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    again = Vault.from_environment(tmp_path)
    assert first.hash("11010519491231002X") == again.hash("11010519491231002X")
    assert again.open(first.seal("11010519491231002X")) == "11010519491231002X"


def test_a_key_file_others_can_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    Vault.from_environment(tmp_path)
    os.chmod(tmp_path / KEY_FILE, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        Vault.from_environment(tmp_path)


def test_environment_key_wins_and_other_keys_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, new_key())
    mine = Vault.from_environment(tmp_path)
    assert not (tmp_path / KEY_FILE).exists()
    sealed = mine.seal("440102200901011234")
    assert "440102200901011234" not in sealed and len(mine.hash("440102200901011234")) == 64
    monkeypatch.setenv(ENV, new_key())
    with pytest.raises(ConfigError, match="密钥已更换"):
        Vault.from_environment(tmp_path).open(sealed)


def test_a_malformed_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV, "short")
    with pytest.raises(ConfigError, match="32 字节"):
        Vault.from_environment(tmp_path)


def test_retention_setting_is_parsed_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    from eduplan.web.linkage.store import DEFAULT_RETENTION, RETENTION_ENV, retention_years

    monkeypatch.delenv(RETENTION_ENV, raising=False)
    assert retention_years() == DEFAULT_RETENTION
    monkeypatch.setenv(RETENTION_ENV, "5")
    assert retention_years() == 5
    for bad in ("0", "five", "-1", "99"):
        monkeypatch.setenv(RETENTION_ENV, bad)
        with pytest.raises(ConfigError, match=RETENTION_ENV):
            retention_years()
