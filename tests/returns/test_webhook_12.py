"""Webhook 12 keeps a request current: the push names it, the engine's returns service reads
just that request (a burst of pushes is one Search Returns call)."""

from __future__ import annotations

import asyncio

from app.queries.returns import fetch_return
from app.sync.inbox import InboxProcessor
from app.sync.returns_service import ReturnsService
from tests.relay.test_inbox_processing import receive
from tests.returns.conftest import ReturnsShop


def push_of(request: dict) -> dict:
    """The data of a type 12 push, as the return-status-change guide lists it."""
    return {
        "order_id": request["order_id"],
        "return_role": request["role"],
        "return_type": request["return_type"],
        "return_status": request["return_status"],
        "return_id": request["return_id"],
        "create_time": request["create_time"],
        "update_time": request["update_time"],
    }


async def test_a_return_webhook_reads_the_request_it_names(returns_shop: ReturnsShop) -> None:
    session = returns_shop.session
    service = ReturnsService(session, clock=returns_shop.shop.sandbox.clock.now, returns_every=3600)
    processor = InboxProcessor(session, returns_named=service.returns_named)
    first = await returns_shop.open()
    second = await returns_shop.open(return_type="RETURN_AND_REFUND")
    before = await returns_shop.calls("/returns/search")
    for request in (first, second):
        receive(session, 12, push_of(request))
    result = await processor.drain()
    assert result.processed == 2
    await asyncio.sleep(0.8)  # the debounce, then one read
    for request in (first, second):
        stored = fetch_return(session.db, request["return_id"])
        assert stored is not None and stored.pending
        assert stored.return_status == request["return_status"]
    assert await returns_shop.calls("/returns/search") == before + 1
    await service.stop()
