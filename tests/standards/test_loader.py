"""Thresholds as data: every number has a source; a province may tighten but never loosen."""

from __future__ import annotations

from pathlib import Path

import pytest

from eduplan.errors import ConfigError
from eduplan.standards import loader


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    loader.raw_standard.cache_clear()


def test_national_thresholds_of_2017_are_the_official_numbers() -> None:
    s = loader.load("balanced", "990101")
    assert {i.code: (i.threshold["primary"], i.threshold["junior"]) for i in s.indicators} == {
        "teachers_above_degree": (4.2, 5.3),
        "teachers_backbone": (1.0, 1.0),
        "teachers_pe_arts": (0.9, 0.9),
        "area_teaching": (4.5, 5.8),
        "area_sports": (7.5, 10.2),
        "equipment_value": (2000, 2500),
        "multimedia_classrooms": (2.3, 2.4),
    }
    assert s.cv_limit == {"primary": 0.5, "junior": 0.45}
    assert (s.min_met, s.floor_ratio, s.min_pupils_teaching_point) == (6, 0.85, 50)
    assert loader.load("basic").cv_limit == {"primary": 0.65, "junior": 0.55}


def test_every_indicator_and_item_names_its_source() -> None:
    for kind in loader.KINDS:
        raw, _, _ = loader.raw_standard(kind)
        assert raw["source"]
        for entry in raw.get("indicators", []) + raw.get("items", []):
            assert entry.get("source"), (kind, entry["code"])


def test_province_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "99.yaml").write_text(
        "balanced:\n  cv_limit: {primary: 0.40}\n  indicators:\n"
        "    area_sports: {threshold: {primary: 8.0}}\n",
        "utf-8",
    )
    monkeypatch.setenv("EDUPLAN_STANDARDS_DIR", str(tmp_path))
    s = loader.load("balanced", "990101")
    assert s.cv_limit["primary"] == 0.40 and s.cv_limit["junior"] == 0.45
    assert s.indicator("area_sports").threshold == {"primary": 8.0, "junior": 10.2}


def test_laxer_province_value_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "99.yaml").write_text("balanced:\n  cv_limit: {primary: 0.60}\n", "utf-8")
    monkeypatch.setenv("EDUPLAN_STANDARDS_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="宽松"):
        loader.load("balanced", "990101")


def test_missing_standards_dir_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDUPLAN_STANDARDS_DIR", "/nonexistent/standards")
    with pytest.raises(ConfigError):
        loader.load("balanced", "990101")
