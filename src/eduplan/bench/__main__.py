"""`python -m eduplan.bench [AREA...]` runs the benchmarks of the named areas, or all of them."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import eduplan.bench as package


def main(names: list[str]) -> int:
    found = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    for name in names or found:
        print(f"== {name} ==", flush=True)
        importlib.import_module(f"eduplan.bench.{name}").run()
    return 0


sys.exit(main(sys.argv[1:]))
