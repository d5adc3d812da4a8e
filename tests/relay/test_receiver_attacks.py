"""Attacks on the webhook receiver: loiterers, bursts, probe floods and odd signed bodies.

The receiver is reachable from the internet through the tunnel, so anyone may connect. Idle
and slow-drip connections must be hung up on and must never keep a valid push out; a burst
of 1,000 simultaneous signed pushes must all be answered 200 and committed; unauthenticated
requests must not grow memory; a signed body that is not the documented JSON gets 400 (TikTok
redelivers a 500 forever), never 500.
"""

from __future__ import annotations

import asyncio
import json
import tracemalloc
from collections import Counter

import pytest

from app.relay.receiver import PROBE_HEADER, WEBHOOK_PATH, ReceiverServer, WebhookReceiver
from tests.relay.attack import Loiterers, post, raise_open_files, signed_push
from tests.relay.support import APP_KEY, APP_SECRET, InboxReceiver, sign


@pytest.fixture
def box(tmp_path):
    receiver = InboxReceiver(tmp_path / "inbox.db")
    yield receiver
    receiver.db.close()


async def test_idle_and_dripping_connections_never_keep_a_valid_push_out(box) -> None:
    raise_open_files()
    server = ReceiverServer(box.receiver, port=0, header_timeout=2.0)
    await server.start()
    loiterers = Loiterers(server.port)
    try:
        await loiterers.open(idle=150, dripping=100)
        await asyncio.sleep(0.2)
        results = await asyncio.gather(*(post(server.port, signed_push(n)) for n in range(100)))
        answered = Counter(status for status, _ in results)
        hung_up = await loiterers.closed_by_server(within=5.0)
    finally:
        await loiterers.close()
        await server.stop()
    assert answered == {200: 100}, f"valid pushes answered {dict(answered)}"
    assert len(box.rows()) == 100
    assert hung_up == 250, f"{250 - hung_up} loitering connections still open after 5 s"


async def test_a_burst_of_1000_simultaneous_signed_pushes_loses_none(box) -> None:
    raise_open_files()
    server = ReceiverServer(box.receiver, port=0)
    await server.start()
    try:
        results = await asyncio.gather(*(post(server.port, signed_push(n)) for n in range(1000)))
    finally:
        await server.stop()
    answered = Counter(status for status, _ in results)
    assert answered == {200: 1000}, f"of 1000 pushes: {dict(answered)}"
    assert box.db.execute("SELECT count(*) FROM inbox").fetchone()[0] == 1000


async def _call(app: WebhookReceiver, headers: list[tuple[bytes, bytes]]) -> int:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": headers}
    await app(scope, receive, send)
    return int(sent[0]["status"])


async def test_a_flood_of_unsigned_probe_headers_costs_no_memory() -> None:
    receiver = WebhookReceiver(APP_KEY, APP_SECRET, lambda raw, event: True)
    tracemalloc.start()
    try:
        await _call(receiver, [(PROBE_HEADER.encode(), b"warm-up")])
        before = tracemalloc.get_traced_memory()[0]
        for n in range(5_000):
            await _call(receiver, [(PROBE_HEADER.encode(), f"{n:032x}".encode())])
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 100_000, f"5,000 unsigned probes kept {grown / 1e6:.1f} MB"
    # Our own probe still counts.
    token = receiver.expect_probe()
    assert not receiver.probe_arrived(token)
    await _call(receiver, [(PROBE_HEADER.encode(), token.encode())])
    assert receiver.probe_arrived(token)


def _odd(body: dict | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode()


GOOD = {"type": 1, "tts_notification_id": "1", "shop_id": "7", "timestamp": 1, "data": {}}
ODD_BODIES = {
    "utf-16": json.dumps(GOOD).encode("utf-16"),
    "lone surrogate": _odd('{"type": 1, "shop_id": "\\ud800", "data": {}}'),
    "surrogate in data": _odd('{"type": 1, "data": {"order_id": "\\udfff"}}'),
    "type 2^64": _odd({**GOOD, "type": 2**64}),
    "type 2^63": _odd({**GOOD, "type": 2**63}),
    "timestamp 2^64": _odd({**GOOD, "timestamp": 2**64}),
    "negative type": _odd({**GOOD, "type": -(2**70)}),
    "deep nesting": _odd('{"type": 1, "data": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"),
    "nan": _odd('{"type": 1, "timestamp": NaN, "data": {}}'),
    "huge id number": _odd('{"type": 1, "tts_notification_id": ' + "9" * 5000 + ', "data": {}}'),
}


@pytest.mark.parametrize("name", ODD_BODIES)
async def test_a_signed_but_odd_body_is_400_and_stores_nothing(box, name: str) -> None:
    body = ODD_BODIES[name]
    async with box.client() as client:
        answer = await client.post(
            WEBHOOK_PATH, content=body, headers={"authorization": sign(body)}
        )
    assert answer.status_code == 400, f"{name}: {answer.status_code}"
    assert box.rows() == []
