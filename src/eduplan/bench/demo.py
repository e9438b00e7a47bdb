"""Speed of the synthetic province generator: 100 counties at once against 100 one-county runs.

Goal: a 100-county province (~15,000 schools, ~1.5 M rows) in a few seconds on one core.
The baseline is the plain way to get the same amount of data: call `generate_county` once per county.
"""

from __future__ import annotations

import time

from eduplan.demo import generate_county, generate_province

N_COUNTIES = 100
BASELINE_SAMPLE = 10  # one-county runs timed, then scaled to N_COUNTIES


def run() -> None:
    generate_county()  # warm imports and the parameter cache
    # CPU seconds of this process: the machine is shared, wall time would count others' work.
    start = time.process_time()
    facts = generate_province(N_COUNTIES)
    ours = time.process_time() - start
    rows = sum(frame.height for frame in facts.frames().values())
    schools = facts.schools.height
    start = time.process_time()
    for seed in range(BASELINE_SAMPLE):
        generate_county(seed=seed)
    one = (time.process_time() - start) / BASELINE_SAMPLE
    baseline = one * N_COUNTIES
    print(f"generate_province({N_COUNTIES}): {ours:.2f} s CPU, {schools:,} schools, {rows:,} rows")
    print(f"baseline {N_COUNTIES} × generate_county: {baseline:.2f} s CPU ({one:.3f} s each)")
    print(f"ratio baseline / ours: {baseline / ours:.1f}×")
