"""Shopdesk's returns against the sandbox: the stored queue, answers sent exactly once, the
market's reject reasons, TikTok deciding at the deadline, and returned items back on the shelf."""

from __future__ import annotations

from typing import Any

import pytest

from app.ops.pack import Cue, PackStation
from app.ops.problems import ProblemsError
from app.ops.returns import answer_return, receive_returned_item, restock_return
from app.queries.returns import (
    fetch_after_sales,
    fetch_pending_summary,
    fetch_return,
    fetch_returns,
)
from app.store.outbox import fetch_outbox
from app.store.stock_levels import StockDefaults, fetch_stock_rows
from app.sync.catalog import sync_catalog
from app.sync.returns import ReturnsDesk
from app.sync.returns_service import ReturnsService
from tests.returns.conftest import ReturnsShop

DAY = 86400
WITHDRAWN_US = "reverse_reject_request_reason_1"


def desk(shop: ReturnsShop) -> ReturnsDesk:
    return ReturnsDesk(shop.session, clock=shop.shop.sandbox.clock.now)


async def test_the_stored_queue_is_the_sandboxs_pending_requests(returns_shop: ReturnsShop) -> None:
    await desk(returns_shop).sync()
    truth = await returns_shop.truth()
    db = returns_shop.session.db
    waiting = {i for i, r in truth.items() if r.get("seller_next_action_response")}
    queue = fetch_returns(db, pending=True)
    assert {r.return_id for r in queue} == waiting and len(waiting) >= 6
    deadlines = [r.deadline for r in queue]
    assert deadlines == sorted(deadlines)  # soonest first
    for stored in queue:
        raw = truth[stored.return_id]
        assert stored.deadline == raw["seller_next_action_response"][0]["deadline"]
        assert stored.refund_total == raw["refund_amount"]["refund_total"]
        assert stored.items and all(i.sku_id for i in stored.items)
        assert stored.reject_reasons  # read for the shop's market
        assert stored.evidence  # the buyer's reason text from the records
    count, soonest = fetch_pending_summary(db)
    assert (count, soonest) == (len(waiting), deadlines[0])
    assert {r.return_id for r in fetch_returns(db)} == set(truth)


async def test_an_approval_whose_answer_was_lost_approves_once(returns_shop: ReturnsShop) -> None:
    request = await returns_shop.open()
    rid = request["return_id"]
    d = desk(returns_shop)
    await d.sync([rid])
    db = returns_shop.session.db
    answer_return(db, return_id=rid, approve=True, now=d._now())
    returns_shop.losing.lose_after.append(f"/returns/{rid}/approve")
    result = await d.push_answers()
    assert result.done == [rid]
    assert await returns_shop.calls(f"/returns/{rid}/approve") == 1
    stored = fetch_return(db, rid)
    assert stored is not None and not stored.pending
    assert stored.return_status == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    assert stored.decided_by == "SELLER"
    assert (await d.push_answers()).done == []  # nothing left to send
    assert await returns_shop.calls(f"/returns/{rid}/approve") == 1
    with pytest.raises(ProblemsError, match="not waiting for your answer"):
        answer_return(db, return_id=rid, approve=True, now=d._now())


async def test_an_answer_left_in_flight_by_a_dead_process_is_checked_first(
    returns_shop: ReturnsShop,
) -> None:
    rid = (await returns_shop.open())["return_id"]
    d = desk(returns_shop)
    await d.sync([rid])
    db = returns_shop.session.db
    outbox_id = answer_return(db, return_id=rid, approve=True, now=d._now()).value
    # The process claimed it, the approval reached TikTok, then the process died.
    await returns_shop.api.approve_return(rid, "APPROVE_REFUND", f"shopdesk-return-{outbox_id}")
    db.execute(
        "UPDATE outbox SET state = 'in_flight', claimed_pid = 999999, claimed_start = 'x'"
        " WHERE id = ?",
        [outbox_id],
    )
    result = await d.push_answers()
    assert result.done == [rid]
    assert await returns_shop.calls(f"/returns/{rid}/approve") == 1


async def test_a_reject_reason_the_market_lacks_is_never_offered(
    returns_shop: ReturnsShop,
) -> None:
    assert returns_shop.shop.sandbox.state.shops  # a US shop (the sandbox's default)
    request = await returns_shop.open(return_type="RETURN_AND_REFUND")
    rid = request["return_id"]
    d = desk(returns_shop)
    await d.sync([rid])
    db = returns_shop.session.db
    stored = fetch_return(db, rid)
    assert stored is not None
    offered = {name for name, _ in stored.reject_reasons}
    assert offered and WITHDRAWN_US not in offered
    with pytest.raises(ProblemsError) as refused:
        answer_return(db, return_id=rid, approve=False, reason=WITHDRAWN_US, now=d._now())
    assert "--reason must be one of" in str(refused.value)
    assert not [r for r in fetch_outbox(db) if r["ref"] == rid]  # nothing queued
    reason = sorted(offered)[0]
    answer_return(
        db, return_id=rid, approve=False, reason=reason, comment="As ordered", now=d._now()
    )
    assert (await d.push_answers()).done == [rid]
    records = await returns_shop.api.return_records(rid)
    assert records[-1].by == "SELLER" and records[-1].note == "As ordered"


async def test_tiktoks_approval_at_the_deadline_shows_who_decided(
    returns_shop: ReturnsShop,
) -> None:
    rid = (await returns_shop.open())["return_id"]
    d = desk(returns_shop)
    await d.sync()
    db = returns_shop.session.db
    assert rid in {r.return_id for r in fetch_returns(db, pending=True)}
    await returns_shop.shop.later(2 * DAY + 5)  # nobody answered
    await d.sync()
    stored = fetch_return(db, rid)
    assert stored is not None and not stored.pending
    assert stored.decided_by == "SYSTEM"
    assert stored.return_status in {
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "RETURN_OR_REFUND_REQUEST_COMPLETE",
    }
    history = fetch_after_sales(db, stored.order_id)
    assert [(h.kind, h.decided_by) for h in history] == [("refund", "SYSTEM")]
    assert history[0].amount == stored.refund_total


async def _returned_parcel(shop: ReturnsShop) -> tuple[ReturnsDesk, str, str]:
    """A return approved, shipped back by the buyer, and read by Shopdesk; its SKU."""
    rid = (await shop.open(return_type="RETURN_AND_REFUND"))["return_id"]
    d = desk(shop)
    await sync_catalog(shop.session, full=True, clock=shop.shop.sandbox.clock.now)
    await d.sync([rid])
    answer_return(shop.session.db, return_id=rid, approve=True, now=d._now())
    await d.push_answers()
    response = await shop.shop.admin.post(f"/sandbox/returns/{rid}/ship", json={})
    assert response.status_code == 200, response.text
    await d.sync([rid])
    stored = fetch_return(shop.session.db, rid)
    assert stored is not None and stored.return_status == "BUYER_SHIPPED_ITEM"
    return d, rid, stored.items[0].sku_id


def _on_hand(db: Any, sku_id: str) -> int:
    (row,) = fetch_stock_rows(db, StockDefaults(), sku_ids=[sku_id])
    return row.on_hand


async def test_restocking_a_return_moves_on_hand_through_the_ledger_and_queues_the_push(
    returns_shop: ReturnsShop,
) -> None:
    d, rid, sku = await _returned_parcel(returns_shop)
    db = returns_shop.session.db
    before = _on_hand(db, sku)
    done = restock_return(db, return_id=rid, now=d._now())
    assert done.value == 1 and sku in done.changes.skus
    assert _on_hand(db, sku) == before + 1
    movement = db.execute(
        "SELECT reason, ref, delta, on_hand_after FROM stock_movements WHERE sku_id = ?"
        " ORDER BY id DESC LIMIT 1",
        [sku],
    ).fetchone()
    assert movement[0] == "returned" and movement[1].startswith(f"{rid}:")
    assert (movement[2], movement[3]) == (1, before + 1)
    pushes = [r for r in fetch_outbox(db) if r["kind"] == "stock" and r["ref"] == sku]
    assert pushes and pushes[0]["state"] == "pending"
    with pytest.raises(ProblemsError, match="already recorded"):
        restock_return(db, return_id=rid, now=d._now())
    assert _on_hand(db, sku) == before + 1


async def test_a_scanned_returned_item_is_recorded_or_written_off(
    returns_shop: ReturnsShop,
) -> None:
    d, rid, sku = await _returned_parcel(returns_shop)
    db = returns_shop.session.db
    before = _on_hand(db, sku)
    done = receive_returned_item(db, code=sku, write_off=True, now=d._now())
    assert done.value == 1 and rid in done.changes.returns
    assert _on_hand(db, sku) == before  # written off: the shelf does not change
    stored = fetch_return(db, rid)
    assert stored is not None and stored.items[0].outcome == "written_off"
    with pytest.raises(ProblemsError, match="No return on its way back"):
        receive_returned_item(db, code=sku, now=d._now())


async def test_a_first_sync_of_many_requests_reads_their_details_over_several_passes(
    returns_shop: ReturnsShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.sync.returns.DETAILS_PER_PASS", 5)
    d = desk(returns_shop)
    before = await returns_shop.calls("/records") + await returns_shop.calls("/reject_reasons")
    await d.sync()
    after = await returns_shop.calls("/records") + await returns_shop.calls("/reject_reasons")
    assert after - before == 5  # the rest wait for the next passes
    db = returns_shop.session.db
    assert [r for r in fetch_returns(db, pending=True) if r.reject_reasons]  # waiting ones first
    for _ in range(20):
        await d.sync()
    assert all(r.reject_reasons for r in fetch_returns(db, pending=True))
    unread = db.execute("SELECT count(*) FROM returns WHERE records_status != return_status")
    assert unread.fetchone()[0] == 0


def test_the_returns_pass_stretches_to_fit_the_hourly_budget(returns_shop: ReturnsShop) -> None:
    session = returns_shop.session
    assert ReturnsService(session).returns_interval() == 300  # no budget: every 5 minutes
    session.settings = session.settings.model_copy(update={"max_requests_per_hour": 100})
    assert ReturnsService(session).returns_interval() == 3600 / (100 * 0.05)  # 12 minutes


async def test_the_pack_station_takes_a_returned_item_back_on_the_shelf(
    returns_shop: ReturnsShop,
) -> None:
    d, rid, sku = await _returned_parcel(returns_shop)
    db = returns_shop.session.db
    before = _on_hand(db, sku)
    station = PackStation()
    result = station.scan(db, sku)  # no order on the station: the scan names a returned item
    assert result.cue is Cue.RETURNED and rid in result.message and result.returned == sku
    assert station.order is None and _on_hand(db, sku) == before  # the scan itself only reads
    receive_returned_item(db, code=result.returned, now=d._now())  # what the Pack tab runs
    assert _on_hand(db, sku) == before + 1
    again = station.scan(db, sku)  # recorded once: a second scan of it is refused loudly
    assert again.cue is Cue.WRONG and not again.returned


async def test_an_answer_after_the_deadline_is_refused_and_nothing_is_queued(
    returns_shop: ReturnsShop,
) -> None:
    rid = (await returns_shop.open())["return_id"]
    d = desk(returns_shop)
    await d.sync([rid])
    db = returns_shop.session.db
    stored = fetch_return(db, rid)
    assert stored is not None and stored.pending and stored.deadline is not None
    with pytest.raises(ProblemsError, match="passed its deadline"):
        answer_return(db, return_id=rid, approve=True, now=stored.deadline + 1)
    assert not [r for r in fetch_outbox(db) if r["ref"] == rid]
