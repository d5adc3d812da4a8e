"""`make bench`: run every bench_*.py module, print one table, write the report files."""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPORT_DIR = HERE.parents[1] / "build" / "bench"


def discover(selected: list[str]) -> list[str]:
    """Benchmark module names, optionally filtered by the command-line words."""
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    return names


def as_rows(result: Any) -> list[dict[str, Any]]:
    """A module returns one figure or a list of figures."""
    return result if isinstance(result, list) else [result]


def markdown(rows: list[dict[str, Any]]) -> str:
    """The report table: each figure beside its budget when it has one."""
    lines = ["| benchmark | measured | budget | detail |", "| --- | --- | --- | --- |"]
    for row in rows:
        value = row.get("value")
        shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
        lines.append(
            f"| {row['name']} | {shown} {row.get('unit', '')} | {row.get('budget', '')} "
            f"| {row.get('detail', '')} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    rows: list[dict[str, Any]] = []
    for name in discover(argv):
        module = importlib.import_module(f"tests.benchmarks.{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        for row in as_rows(module.run()):
            row.setdefault("module", name)
            rows.append(row)
            shown = f"{row.get('value')} {row.get('unit', '')}"
            print(f"   {row['name']}: {shown}  {row.get('detail', '')}")
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (REPORT_DIR / "report.json").write_text(json.dumps({"meta": meta, "results": rows}, indent=2))
    table = markdown(rows)
    (REPORT_DIR / "report.md").write_text(f"# Shopdesk benchmarks ({meta['when']})\n\n{table}\n")
    print()
    print(table)
    print(f"\nreport: {REPORT_DIR / 'report.md'} and report.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
