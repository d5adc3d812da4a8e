"""Small helpers the benchmarks share: the median and spread of repetitions, budget verdicts."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


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


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"
