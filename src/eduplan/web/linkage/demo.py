"""The demo's registers: generated from the demo county's facts, saved, and linked once."""

from __future__ import annotations

from eduplan.demo.linkage import DEMO_REGISTER_YEAR, generate_registers
from eduplan.facts import Facts
from eduplan.web.linkage.models import Run


def load_demo_registers(facts: Facts, county: str) -> Run:
    from eduplan.web.linkage.store import run_linkage, save_registers

    made = generate_registers(facts, county)
    frames = {"household": made.household, "enrolment": made.enrolment, "situation": made.situation,
              "needy": made.needy, "aid": made.aid}  # fmt: skip
    save_registers(frames)
    return run_linkage(county, DEMO_REGISTER_YEAR)
