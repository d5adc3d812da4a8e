"""The receiver answers TikTok as documented and stores only what TikTok signed, once."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from app.relay.receiver import (
    WEBHOOK_PATH,
    ReceiverError,
    ReceiverServer,
    WebhookReceiver,
    require_loopback,
)
from tests.relay.support import InboxReceiver, push, sign


@pytest.fixture
def box(tmp_path):
    receiver = InboxReceiver(tmp_path / "inbox.db")
    yield receiver
    receiver.db.close()


async def test_a_signed_push_is_committed_before_the_200(box) -> None:
    async with box.client() as client:
        answer = await box.post(client, push())
        assert answer.status_code == 200 and answer.content == b""
        # committed already: a separate connection sees it the moment the 200 is out
        [row] = box.rows()
    assert row.type == 1 and row.state == "pending" and row.notification_id == "7327112393057371910"


@pytest.mark.parametrize("signature", [None, "", "0" * 64, sign(b"other body")])
async def test_a_missing_or_wrong_signature_is_401_with_an_empty_body(box, signature) -> None:
    async with box.client() as client:
        answer = await box.post(client, push(), signature=signature)
    assert answer.status_code == 401 and answer.content == b""
    assert box.rows() == []


async def test_the_signature_is_checked_on_the_raw_bytes(box) -> None:
    body = push()
    reserialised = body.replace(b": ", b":")  # the same JSON, other bytes
    async with box.client() as client:
        answer = await box.post(client, reserialised, signature=sign(body))
    assert answer.status_code == 401


async def test_malformed_json_is_400_and_stores_nothing(box) -> None:
    async with box.client() as client:
        for body in (b"{not json", b"[1, 2]", b'{"type": "x"}', "é".encode("latin-1")):
            answer = await box.post(client, body)
            assert answer.status_code == 400, body
    assert box.rows() == []


async def test_bodies_over_one_mebibyte_are_413(box) -> None:
    big = b'{"type": 1, "data": {"pad": "' + b"x" * (1024 * 1024) + b'"}}'
    async with box.client() as client:
        answer = await box.post(client, big)
    assert answer.status_code == 413 and box.rows() == []


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", WEBHOOK_PATH, 405),
        ("PUT", WEBHOOK_PATH, 405),
        ("POST", "/", 404),
        ("POST", "/webhooks/other", 404),
        ("GET", "/admin", 404),
    ],
)
async def test_anything_else_is_404_or_405(box, method, path, status) -> None:
    async with box.client() as client:
        answer = await client.request(
            method, path, content=push(), headers={"authorization": sign(push())}
        )
    assert answer.status_code == status and box.rows() == []


async def test_duplicates_are_stored_once(box) -> None:
    async with box.client() as client:
        for _ in range(3):
            assert (await box.post(client, push(notification_id="n1"))).status_code == 200
        # no notification id: the same body is the same push
        for _ in range(2):
            assert (await box.post(client, push(notification_id=None))).status_code == 200
        await box.post(client, push(notification_id=None, order_id="2", update_time=5))
    rows = box.rows()
    assert len(rows) == 3
    assert sorted(r.duplicates for r in rows) == [0, 1, 2]
    assert box.receiver.stats.accepted == 3 and box.receiver.stats.duplicates == 3


async def test_unknown_event_types_are_accepted_and_kept(box) -> None:
    async with box.client() as client:
        answer = await box.post(client, push(type_=999, notification_id="u1", anything=[1]))
    assert answer.status_code == 200 and box.rows()[0].type == 999


async def test_a_storage_failure_is_500_so_tiktok_retries(tmp_path) -> None:
    def broken(raw, event) -> bool:
        raise OSError("disk full")

    receiver = WebhookReceiver("relaykey", "relay-secret-0123456789", broken)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=receiver), base_url="http://r"
    ) as client:
        answer = await client.post(
            WEBHOOK_PATH, content=push(), headers={"authorization": sign(push())}
        )
    assert answer.status_code == 500


def test_the_receiver_listens_on_loopback_only() -> None:
    assert require_loopback("127.0.0.1") == "127.0.0.1"
    assert require_loopback("localhost") == "127.0.0.1"
    assert require_loopback("::1") == "::1"
    for host in ("0.0.0.0", "192.168.1.10", "example.com", ""):  # noqa: S104 - refused
        with pytest.raises(ReceiverError, match="loopback"):
            require_loopback(host)


async def test_a_real_server_on_loopback_answers_and_times_out_half_sent_bodies(box) -> None:
    box.receiver.body_timeout = 0.5
    server = ReceiverServer(box.receiver, port=0)
    await server.start()
    try:
        assert server.url.startswith("http://127.0.0.1:") and server.port > 0
        async with httpx.AsyncClient() as client:
            body = push(notification_id="real")
            answer = await client.post(
                server.url + WEBHOOK_PATH, content=body, headers={"authorization": sign(body)}
            )
            assert answer.status_code == 200
        # a client that promises 100 bytes and sends 10, then goes quiet
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(
            b'POST /webhooks/tiktok HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"type": 1'
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 5)
        assert b" 408 " in status_line
        writer.close()
        # an oversized body is refused from its Content-Length, before it is read
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(
            b"POST /webhooks/tiktok HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n"
        )
        await writer.drain()
        assert b" 413 " in await asyncio.wait_for(reader.readline(), 5)
        writer.close()
    finally:
        await server.stop()
    assert [r.notification_id for r in box.rows()] == ["real"]


async def test_a_port_in_use_is_a_clear_error(box) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server = ReceiverServer(box.receiver, port=busy.getsockname()[1])
        with pytest.raises(ReceiverError, match="cannot listen"):
            await server.start()
