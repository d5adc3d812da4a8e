"""The benchmark row format and the helpers the benchmarks share (median, spread, verdicts).

A benchmark's `run()` returns one row or a list of rows: plain dicts, so report.json stays
readable and a module that knows nothing of this one still prints. The keys (all but `name`
and `value` optional; a row without a floor prints its blanks):

- `name`, `value`, `unit`: what was measured and the figure (the median when repeated).
- `floor`, `floor_unit`: the same work done the simplest way, measured in the same run.
- `ratio`: the figure against its floor, as the budget states it (e.g. floor/ours for a rate).
- `budget`: the budget's text; `met`: True/False when the budget was judged, else absent.
- `runs`: the repetitions' figures; `spread`: (max - min) / median of the runs, a fraction
  (computed from `runs` when absent).
- `detail`: anything else a reader needs.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

ROW_KEYS = (
    "name",
    "value",
    "unit",
    "floor",
    "floor_unit",
    "ratio",
    "budget",
    "met",
    "runs",
    "spread",
    "detail",
)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def spread(values: Sequence[float]) -> float:
    """(max - min) / median of repetitions: how far apart the runs were, as a fraction."""
    middle = median(values)
    return (max(values) - min(values)) / middle if middle else 0.0


def shown_runs(values: Sequence[float], fmt: str = "{:.3f}") -> str:
    """`1.02 / 0.98 / 1.10 (spread 11%)`, for the detail column."""
    runs = " / ".join(fmt.format(v) for v in values)
    return f"{runs} (spread {spread(values):.0%})"


def verdict(met: bool | None) -> str:
    """`met`, `MISSED`, or blank for a figure without a judged budget."""
    if met is None:
        return ""
    return "met" if met else "MISSED"


def row_spread(row: dict[str, Any]) -> float | None:
    """The row's spread, from `spread` or else from its `runs` (None: not repeated)."""
    if isinstance(row.get("spread"), int | float):
        return float(row["spread"])
    runs = row.get("runs")
    if isinstance(runs, list) and len(runs) > 1 and all(isinstance(r, int | float) for r in runs):
        return spread(runs)
    return None


def shown(value: Any) -> str:
    """A figure as the report prints it: thousands separated, floats to three places."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def columns(row: dict[str, Any]) -> dict[str, str]:
    """One row as the report's columns, blanks where the row has nothing to say."""
    floor = row.get("floor")
    spread_of = row_spread(row)
    return {
        "benchmark": str(row["name"]),
        "measured": f"{shown(row.get('value'))} {row.get('unit', '')}".strip(),
        "floor": ""
        if floor is None
        else f"{shown(floor)} {row.get('floor_unit', row.get('unit', ''))}".strip(),
        "ratio": shown(row.get("ratio")),
        "budget": str(row.get("budget", "")),
        "verdict": verdict(row.get("met")),
        "spread": "" if spread_of is None else f"{spread_of:.0%}",
        "detail": str(row.get("detail", "")),
    }
