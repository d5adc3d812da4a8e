"""The bench report: every row prints, with floor, ratio, verdict and spread when it has them."""

from __future__ import annotations

from tests.benchmarks.__main__ import agreement, line, markdown
from tests.benchmarks.figures import columns


def test_a_row_with_a_floor_shows_floor_ratio_verdict_and_the_spread_of_its_runs() -> None:
    row = {
        "name": "parse_and_upsert_vs_floor",
        "value": 0.72,
        "unit": "x floor",
        "floor": 4806,
        "floor_unit": "orders/s",
        "ratio": 0.72,
        "budget": ">= 0.7 x floor",
        "met": True,
        "runs": [0.70, 0.72, 0.77],
    }
    cells = columns(row)
    assert cells["floor"] == "4,806 orders/s"
    assert (cells["ratio"], cells["verdict"], cells["spread"]) == ("0.720", "met", "10%")
    assert "floor 4,806 orders/s, ratio 0.720" in line(row)


def test_a_row_without_floor_or_budget_still_prints_with_blanks() -> None:
    table = markdown([{"name": "gui_first_paint", "value": 1.506, "unit": "s"}])
    assert table.splitlines()[0].startswith("| benchmark | measured | floor | ratio |")
    assert table.splitlines()[2] == "| gui_first_paint | 1.506 s |  |  |  |  |  |  |"


def test_a_missed_budget_says_so() -> None:
    assert columns({"name": "x", "value": 1, "met": False})["verdict"] == "MISSED"


def test_ratios_are_compared_with_the_previous_run() -> None:
    now = [{"name": "a", "value": 1, "ratio": 0.70}, {"name": "b", "value": 1, "ratio": 0.50}]
    then = [{"name": "a", "ratio": 0.68}, {"name": "b", "ratio": 0.80}, {"name": "c", "ratio": 1}]
    said = agreement(now, then)
    assert len(said) == 2
    assert "agrees" in said[0] and "DIFFERS" in said[1]
