"""Models build their validators when they first parse (not on import), and that first parse
is right however many threads do it at once (the engine parses while the window runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: A fresh process (models are built once per process): import, look, then parse in threads.
CHILD = r"""
import json, sys, threading
from app.config import Settings
from app.tiktok.models import Order, Product
from tests.unit.test_models import documented_order

built_on_import = [m.__name__ for m in (Order, Product, Settings) if m.__pydantic_complete__]
order = documented_order()
barrier = threading.Barrier(8)
results, errors = [], []

def parse():
    barrier.wait()
    try:
        o = Order.from_api(order)
        s = Settings.model_validate({"default_buffer": 2, "future_key": 1})
        results.append((o.id, str(o.payment.total_amount), o.line_items[0].sale_price.__str__(),
                        s.default_buffer, s.working_hours.days))
    except Exception as exc:
        errors.append(repr(exc))

threads = [threading.Thread(target=parse) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"built_on_import": built_on_import, "results": results, "errors": errors}))
"""


def test_models_are_built_on_first_parse_and_parse_alike_in_threads() -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert seen["built_on_import"] == []
    assert seen["errors"] == []
    expected = ["576461413038785752", "5000", "0.01", 2, [0, 1, 2, 3, 4]]
    assert seen["results"] == [expected] * 8
