"""`python -m eduplan.bench [AREA...] [--json]` runs the benchmarks of the named areas, or all of them.

With --json an area prints its figures as JSON (its `run_json`) instead of text; an area without one says so.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import eduplan.bench as package


def main(args: list[str]) -> int:
    as_json = "--json" in args
    names = [a for a in args if a != "--json"]
    found = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    for name in names or found:
        module = importlib.import_module(f"eduplan.bench.{name}")
        if as_json:
            if not hasattr(module, "run_json"):
                print(f"基准 {name} 没有 JSON 输出", file=sys.stderr)
                return 2
            module.run_json()
        else:
            print(f"== {name} ==", flush=True)
            module.run()
    return 0


sys.exit(main(sys.argv[1:]))
