"""Start-up's objects are set aside from full collections and handed back when asked, so a
collection during an import walks only what came later and nothing set aside leaks."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def test_a_full_collection_after_setting_aside_walks_only_newer_objects() -> None:
    script = textwrap.dedent(
        """
        import gc, json, time
        from app.gui.heap import hand_back, set_aside_startup

        def build():
            return [{"id": str(n), "items": [n, [n]]} for n in range(300_000)]

        def full_ms():
            began = time.perf_counter(); gc.collect(); return (time.perf_counter() - began) * 1000

        startup = build()
        before = full_ms()
        walked_before = len(gc.get_objects())
        kept = set_aside_startup()
        walked_after = len(gc.get_objects())
        after = full_ms()
        cycle = []
        cycle.append(cycle)
        del cycle  # garbage made while set aside: collected once handed back
        hand_back()
        print(json.dumps({"kept": kept, "walked_before": walked_before,
                          "walked_after": walked_after, "before_ms": before,
                          "after_ms": after, "frozen_after_hand_back": gc.get_freeze_count()}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["kept"] > 900_000  # the start-up heap (300,000 x 3 objects), set aside
    assert figures["walked_after"] < figures["walked_before"] / 100
    assert figures["after_ms"] < figures["before_ms"] / 3
    assert figures["frozen_after_hand_back"] == 0
