"""The method page and docs/standards.md are the same text; it states every threshold the data files hold."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from eduplan.standards.loader import load

DOC = Path(__file__).parents[2] / "docs" / "standards.md"


def test_docs_copy_matches_packaged_method() -> None:
    packaged = resources.files("eduplan.standards").joinpath("method.md").read_text("utf-8")
    assert DOC.read_text("utf-8") == packaged


def test_method_states_each_national_threshold() -> None:
    # The table row of each 优质均衡 indicator ends with its 小学 and 初中 thresholds, as in balanced.yaml.
    lines = DOC.read_text("utf-8").splitlines()
    for ind in load("balanced").indicators:
        row = next(line for line in lines if line.startswith(f"| {ind.name}"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert (float(cells[-2]), float(cells[-1])) == (ind.threshold["primary"], ind.threshold["junior"])
