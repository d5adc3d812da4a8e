"""`make bench`: run every bench_*.py module, print one table, write the report files.

`python -m tests.benchmarks upsert gui` runs the modules whose names hold those words. Rows
follow figures.py (floor, ratio, spread, runs... all optional). When build/bench/report.json
is there from an earlier run, each ratio is compared with it (kept as report-previous.json).
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.figures import ROW_KEYS, columns

HERE = Path(__file__).resolve().parent
REPORT_DIR = HERE.parents[1] / "build" / "bench"
COLUMNS = ("benchmark", "measured", "floor", "ratio", "budget", "verdict", "spread", "detail")
#: A second run on the same machine agrees with the first within this, on every ratio.
AGREE_WITHIN = 0.15


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
    """The report table: each figure beside its floor, ratio, budget, verdict and spread."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for row in rows:
        cells = columns(row)
        lines.append("| " + " | ".join(cells[c].replace("|", "/") for c in COLUMNS) + " |")
    return "\n".join(lines)


def line(row: dict[str, Any]) -> str:
    """One figure on the console: measured, and its floor and ratio when it has them."""
    cells = columns(row)
    said = [f"{cells['benchmark']}: {cells['measured']}"]
    if cells["floor"]:
        said.append(f"floor {cells['floor']}")
    if cells["ratio"]:
        said.append(f"ratio {cells['ratio']}")
    if cells["spread"]:
        said.append(f"spread {cells['spread']}")
    if cells["verdict"]:
        said.append(f"[{cells['verdict']}: {cells['budget']}]")
    return "   " + ", ".join(said) + (f"\n      {cells['detail']}" if cells["detail"] else "")


def agreement(rows: list[dict[str, Any]], previous: list[dict[str, Any]]) -> list[str]:
    """How far each ratio moved since the last run's report (AGREE_WITHIN is the promise)."""
    before = {r["name"]: r["ratio"] for r in previous if isinstance(r.get("ratio"), int | float)}
    said = []
    for row in rows:
        now, then = row.get("ratio"), before.get(row["name"])
        if isinstance(now, int | float) and then:
            moved = abs(now - then) / then
            mark = "agrees" if moved <= AGREE_WITHIN else "DIFFERS"
            said.append(f"   {row['name']}: {then:.3f} then, {now:.3f} now ({moved:.0%}, {mark})")
    return said


def previous_rows(path: Path) -> list[dict[str, Any]]:
    """The last report's rows, to compare ratios with (none when there is no report yet)."""
    try:
        return list(json.loads(path.read_text())["results"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def main(argv: list[str]) -> int:
    rows: list[dict[str, Any]] = []
    previous = previous_rows(REPORT_DIR / "report.json")
    for name in discover(argv):
        module = importlib.import_module(f"tests.benchmarks.{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        for row in as_rows(module.run()):
            row.setdefault("module", name)
            rows.append(row)
            print(line(row), flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "selected": argv,
    }
    compared = agreement(rows, previous)
    if previous:
        (REPORT_DIR / "report-previous.json").write_text(
            json.dumps({"results": previous}, indent=2, default=str)
        )
    report = {"meta": meta, "columns": list(COLUMNS), "keys": list(ROW_KEYS), "results": rows}
    (REPORT_DIR / "report.json").write_text(json.dumps(report, indent=2, default=str))
    table = markdown(rows)
    text = f"# Shopdesk benchmarks ({meta['when']}, load {meta['load']})\n\n{table}\n"
    if compared:
        text += "\nRatios against the previous run:\n\n" + "\n".join(compared) + "\n"
    (REPORT_DIR / "report.md").write_text(text)
    print()
    print(table)
    if compared:
        print("\nratios against the previous run (promise: within 15%):")
        print("\n".join(compared))
    print(f"\nreport: {REPORT_DIR / 'report.md'} and report.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
