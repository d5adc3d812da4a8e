"""The receiver under attack and under a storm: 200 idle connections held open, then 1,000
signed pushes sent at the same moment. Every push must be answered 200 and committed; the
idle connections are hung up on after the header timeout."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from app.relay.guard import HEADER_TIMEOUT
from tests.benchmarks.bench_webhooks import percentile
from tests.benchmarks.receiver_process import APP_KEY, APP_SECRET, separate_receiver
from tests.relay.attack import Loiterers, post, raise_open_files, signed_push

PUSHES = 1000
IDLE = 200


async def storm(port: int) -> dict[str, Any]:
    raise_open_files()
    idle = Loiterers(port)
    await idle.open(idle=IDLE, dripping=0)
    try:
        began = time.perf_counter()
        results = await asyncio.gather(
            *(post(port, signed_push(n), key=APP_KEY, secret=APP_SECRET) for n in range(PUSHES))
        )
        wall = time.perf_counter() - began
        hung_up = await idle.closed_by_server(within=HEADER_TIMEOUT + 3)
    finally:
        await idle.close()
    return {
        "answered": Counter(status for status, _ in results),
        "times": [seconds for status, seconds in results if status == 200],
        "wall": wall,
        "hung_up": hung_up,
    }


def run() -> list[dict[str, Any]]:
    with separate_receiver() as receiver:
        result = asyncio.run(storm(receiver.port))
    stored = receiver.stored
    ok = result["answered"].get(200, 0)
    times = result["times"] or [float("nan")]
    others = {k: v for k, v in result["answered"].items() if k != 200}
    return [
        {
            "name": "receiver_burst_answered",
            "value": ok,
            "unit": f"of {PUSHES}",
            "budget": f"all {PUSHES} answered 200 and committed (none lost)",
            "detail": f"{stored} committed; {IDLE} idle connections held open meanwhile, "
            f"{result['hung_up']} hung up within the {HEADER_TIMEOUT:.0f} s header timeout"
            + (f"; other answers {others}" if others else ""),
        },
        {
            "name": "receiver_burst_p99",
            "value": round(percentile(times, 99) * 1000, 1),
            "unit": "ms",
            "budget": "",
            "detail": f"p50 {percentile(times, 50) * 1000:.1f} ms, all {PUSHES} sent at once, "
            f"burst over in {result['wall']:.2f} s (send to answer, one connection each)",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
