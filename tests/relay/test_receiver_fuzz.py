"""Random bodies, headers, sizes and signatures: the receiver never crashes, never stores junk."""

from __future__ import annotations

import json

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from app.relay.receiver import WEBHOOK_PATH
from tests.relay.support import InboxReceiver, sign

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
VALID = st.builds(
    lambda t, n, data: json.dumps(
        {"type": t, "tts_notification_id": n, "shop_id": "1", "timestamp": 1, "data": data}
    ).encode(),
    st.integers(min_value=1, max_value=60),
    st.text(alphabet="0123456789", min_size=1, max_size=19),
    st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=5),
)
JUNK = st.binary(max_size=2048) | JSON_VALUES.map(lambda v: json.dumps(v).encode())
PRINTABLE = st.characters(min_codepoint=32, max_codepoint=126)
SIGNATURES = (
    st.none()
    | st.text(alphabet=PRINTABLE, max_size=80)
    | st.text(alphabet="0123456789abcdefABCDEF", min_size=64, max_size=64)
)
HEADERS = st.dictionaries(
    st.sampled_from(["content-type", "x-forwarded-for", "user-agent", "x-tts-foo", "accept"]),
    st.text(alphabet=PRINTABLE, max_size=40),
    max_size=3,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    requests=st.lists(
        st.one_of(
            st.tuples(st.just("valid"), VALID, st.just(None), HEADERS),
            st.tuples(st.just("junk"), JUNK, SIGNATURES, HEADERS),
            st.tuples(st.just("forged"), VALID, SIGNATURES, HEADERS),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_random_traffic_never_crashes_or_stores_unsigned(tmp_path_factory, requests) -> None:
    import asyncio

    box = InboxReceiver(tmp_path_factory.mktemp("fuzz") / "inbox.db")

    async def run() -> None:
        valid_bodies = set()
        async with box.client() as client:
            for kind, body, signature, headers in requests:
                headers = dict(headers)
                if kind == "valid":
                    headers["authorization"] = sign(body)
                    valid_bodies.add(body)
                elif signature is not None:
                    headers["authorization"] = signature
                answer = await client.post(WEBHOOK_PATH, content=body, headers=headers)
                assert answer.status_code < 500
                if kind == "valid":
                    assert answer.status_code == 200
                elif signature != sign(body):
                    assert answer.status_code in (400, 401)
        stored = {row.body.encode() for row in box.rows()}
        # every stored push was signed by us, and every valid one is there (deduplicated)
        assert stored <= valid_bodies | {b for _k, b, s, _h in requests if s == sign(b)}
        ids = {json.loads(b)["tts_notification_id"] for b in valid_bodies}
        assert {row.notification_id for row in box.rows()} >= ids

    try:
        asyncio.run(run())
    finally:
        box.db.close()
