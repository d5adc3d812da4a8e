"""The import path stores exactly what it stored before it was made faster, byte for byte."""

from __future__ import annotations

from tests.sync.import_replay import TABLES, read_expected, replay


def test_every_page_stores_the_same_rows_results_and_changes() -> None:
    expected, got = read_expected(), replay()
    assert len(got) == len(expected)
    for n, (was, now) in enumerate(zip(expected[:-1], got[:-1], strict=True), 1):
        for key in ("created", "updated", "unchanged", "stale", "changes"):
            assert now[key] == was[key], f"page {n}: {key}"
        for table in TABLES:
            assert now["tables"][table] == was["tables"][table], f"page {n}: table {table}"
    for table in TABLES:
        assert got[-1]["final"][table] == expected[-1]["final"][table], table


def test_the_replay_covers_the_cases_that_take_other_paths() -> None:
    states = read_expected()
    pages, final = states[:-1], states[-1]["final"]
    assert sum(p["unchanged"] for p in pages) and sum(p["stale"] for p in pages)
    assert sum(len(p["updated"]) for p in pages) and final["stock_movements"]
    raw_ids = {row[1][1] for row in final["order_raw"]}
    assert {"990000000000000001", "880000000000000002", "550000000000000005"} <= raw_ids
