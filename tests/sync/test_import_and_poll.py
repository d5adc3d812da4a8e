"""Import and polling against the sandbox: exact, idempotent, resumable, and honest on failure."""

from __future__ import annotations

import time

import pytest

from app.store.activity import fetch_last_run, fetch_open_errors
from app.store.imports import fetch_unfinished_job
from app.store.shops import fetch_current_shop
from app.sync.importer import ImportCancelled, OrderImporter, default_range
from app.sync.outlet import Outlet
from app.sync.poller import poll_once
from app.tiktok.errors import ReconnectNeeded, RetriesExhausted
from app.tiktok.retry import RetryPolicy
from tests.order_flow import next_status
from tests.sync.conftest import ConnectedShop


def stored(session) -> dict[str, tuple]:
    rows = session.db.execute(
        "SELECT id, status, update_time, total_amount, line_item_count FROM orders"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def expected(truth: dict[str, dict]) -> dict[str, tuple]:
    return {
        oid: (o["status"], o["update_time"], o["payment"]["total_amount"], len(o["line_items"]))
        for oid, o in truth.items()
    }


def everything() -> tuple[int, int]:
    return default_range(time.time(), 90)


async def test_import_matches_the_sandbox_exactly_and_twice_changes_nothing(connect_shop) -> None:
    shop: ConnectedShop = await connect_shop(orders=450)
    session = shop.session()
    progress = []
    first = await OrderImporter(session, outlet=Outlet(progress=progress.append)).run(*everything())
    truth = await shop.truth()
    assert first.fetched == first.created == len(truth) == 450
    assert stored(session) == expected(truth)
    assert progress[0].estimate == 450 and progress[-1].done and progress[-1].fraction == 1.0
    assert [p.fetched for p in progress[:-1]] == [100, 200, 300, 400, 450]

    second = await OrderImporter(session).run(*everything())
    assert (second.created, second.updated, second.unchanged) == (0, 0, 450)
    assert fetch_last_run(session.db, "import")["state"] == "ok"
    await session.aclose()


async def test_every_status_type_and_flag_arrives(connect_shop) -> None:
    shop = await connect_shop(orders=600)
    session = shop.session()
    await OrderImporter(session).run(*everything())
    db = session.db
    statuses = {r[0] for r in db.execute("SELECT DISTINCT status FROM orders")}
    assert statuses == {
        "UNPAID",
        "ON_HOLD",
        "AWAITING_SHIPMENT",
        "PARTIALLY_SHIPPING",
        "AWAITING_COLLECTION",
        "IN_TRANSIT",
        "DELIVERED",
        "COMPLETED",
        "CANCELLED",
    }
    types = {r[0] for r in db.execute("SELECT DISTINCT order_type FROM orders")}
    assert {"NORMAL", "PRE_ORDER", "MADE_TO_ORDER", "BACK_ORDER", "ZERO_LOTTERY"} <= types
    for flag in (
        "is_sample_order",
        "is_cod",
        "is_replacement_order",
        "is_exchange_order",
        "is_buyer_request_cancel",
        "is_on_hold_order",
    ):
        assert db.execute(f"SELECT count(*) FROM orders WHERE {flag} = 1").fetchone()[0] > 0, flag
    on_hold = db.execute("SELECT id FROM orders WHERE status = 'ON_HOLD' LIMIT 1").fetchone()
    assert on_hold is not None
    await session.aclose()


async def test_overlapping_ranges_only_add_what_is_new(connect_shop) -> None:
    shop = await connect_shop(orders=300)
    session = shop.session()
    now = time.time()
    recent = await OrderImporter(session).run(*default_range(now, 10))
    wider = await OrderImporter(session).run(*default_range(now, 90))
    assert recent.created > 0
    assert wider.updated == 0 and wider.created == 300 - recent.created
    assert wider.unchanged == recent.created
    await session.aclose()


async def test_crowded_ranges_are_split_into_windows(connect_shop) -> None:
    shop = await connect_shop(orders=400)
    session = shop.session()
    progress = []
    importer = OrderImporter(session, outlet=Outlet(progress=progress.append), max_window_orders=60)
    result = await importer.run(*everything())
    assert result.created == 400
    assert progress[-1].windows >= 8 and progress[0].estimate == 400
    assert stored(session) == expected(await shop.truth())
    await session.aclose()


async def test_cancel_keeps_what_was_read_and_a_new_import_finishes(connect_shop) -> None:
    shop = await connect_shop(orders=350)
    session = shop.session()
    importer = OrderImporter(session)
    importer.outlet = Outlet(progress=lambda p: importer.cancel() if p.pages == 2 else None)
    with pytest.raises(ImportCancelled):
        await importer.run(*everything())
    assert len(stored(session)) == 200
    assert fetch_last_run(session.db, "import")["state"] == "cancelled"
    rest = await OrderImporter(session).run(*everything())
    assert rest.created == 150 and not rest.resumed
    await session.aclose()


async def test_a_crash_mid_import_resumes_at_the_saved_page(connect_shop) -> None:
    shop = await connect_shop(orders=420)
    session = shop.session()

    class Crash(BaseException):
        pass

    def crash_after_third_page(p) -> None:
        if p.pages == 3:
            raise Crash

    with pytest.raises(Crash):
        await OrderImporter(session, outlet=Outlet(progress=crash_after_third_page)).run(
            *everything()
        )
    job = fetch_unfinished_job(session.db, session.shop.id)
    assert job is not None and job.pages == 3 and job.page_token
    await session.aclose()

    session = shop.session()  # a new process would open the file afresh
    calls_before = (await shop.admin.get("/sandbox/calls")).json()["total"]
    result = await OrderImporter(session).run(*everything())
    # the job's totals cover both runs; only the two remaining pages were fetched now
    assert result.resumed and result.created == 420 and result.pages == 5
    calls = (await shop.admin.get("/sandbox/calls")).json()["total"] - calls_before
    assert calls == result.api_calls == 2
    assert stored(session) == expected(await shop.truth())
    await session.aclose()


async def test_poll_catches_every_change_since_the_import(connect_shop) -> None:
    shop = await connect_shop(orders=300)
    session = shop.session()
    await OrderImporter(session).run(*everything())
    truth = await shop.truth()
    movable = [o for o in truth.values() if next_status(o)][:40]
    for o in movable:
        await shop.move(o["id"], next_status(o))
    await shop.later()
    changed: list[str] = []
    result = await poll_once(session, outlet=Outlet(changes=lambda c: changed.extend(c.orders)))
    assert set(result.updated) >= {o["id"] for o in movable}
    assert stored(session) == expected(await shop.truth())
    assert set(changed) == set(result.created + result.updated)
    await session.aclose()


async def test_orders_sharing_one_update_time_across_pages_are_all_kept(
    connect_shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = await connect_shop(orders=0)
    session = shop.session()
    await poll_once(session)
    sku_id = (await shop.admin.get("/sandbox/inventory")).json()["skus"][0]["sku_id"]
    placed = []
    clock = shop.sandbox.clock
    with monkeypatch.context() as frozen:  # a burst within one second, however slow the machine
        second = clock.now()
        frozen.setattr(clock, "now", lambda: second)
        for _ in range(230):
            response = await shop.admin.post(
                "/sandbox/orders", json={"line_items": [{"sku_id": sku_id, "quantity": 1}]}
            )
            placed.append(response.json()["order"])
    assert {o["update_time"] for o in placed} == {second}  # 230 orders, one update_time
    await shop.later()
    result = await poll_once(session)
    assert {o["id"] for o in placed} <= set(stored(session))
    assert result.pages >= 3
    await session.aclose()


async def test_a_failing_poll_is_recorded_with_its_reason_then_resolved(connect_shop) -> None:
    shop = await connect_shop(orders=50)
    session = shop.session()
    session.client.config = type(session.client.config)(
        **{**session.client.config.__dict__, "retry": RetryPolicy(max_attempts=2, base_delay=0.01)}
    )
    await shop.admin.put("/sandbox/faults", json={"api_error_rate": 1.0})
    with pytest.raises(RetriesExhausted):
        await poll_once(session)
    [error] = fetch_open_errors(session.db)
    assert error["kind"] == "poll" and "Order sync failed" in error["message"]
    assert fetch_last_run(session.db, "poll")["state"] == "failed"
    await shop.admin.put("/sandbox/faults", json={"api_error_rate": 0.0})
    await poll_once(session)
    assert fetch_open_errors(session.db) == []
    await session.aclose()


async def test_losing_authorization_pauses_and_keeps_every_order(connect_shop) -> None:
    shop = await connect_shop(orders=120)
    session = shop.session()
    await OrderImporter(session).run(*everything())
    response = await shop.admin.post("/sandbox/deauthorize", json={})
    assert response.status_code == 200
    with pytest.raises(ReconnectNeeded):
        await poll_once(session)
    record = fetch_current_shop(session.db)
    assert record.needs_reconnect and record.auth_problem
    assert len(stored(session)) == 120
    calls = (await shop.admin.get("/sandbox/calls")).json()["total"]
    with pytest.raises(ReconnectNeeded):
        await poll_once(session)
    assert (await shop.admin.get("/sandbox/calls")).json()["total"] == calls  # no more calls
    errors = fetch_open_errors(session.db)
    assert errors and "Reconnect" in errors[0]["action"]
    await session.aclose()


async def test_an_import_after_a_failed_one_finishes_it_then_reads_the_range_asked(
    connect_shop,
) -> None:
    shop = await connect_shop(orders=300)
    session = shop.session()
    session.client.config = type(session.client.config)(
        **{**session.client.config.__dict__, "retry": RetryPolicy(max_attempts=2, base_delay=0.01)}
    )
    now = time.time()
    await shop.admin.put("/sandbox/faults", json={"api_error_rate": 1.0})
    one_day = default_range(now, 1)
    with pytest.raises(RetriesExhausted):
        await OrderImporter(session).run(*one_day)
    await shop.admin.put("/sandbox/faults", json={"api_error_rate": 0.0})

    progress = []
    result = await OrderImporter(session, outlet=Outlet(progress=progress.append)).run(
        *default_range(now + 120, 45)
    )
    assert progress[0].resumed and (progress[0].range_start, progress[0].range_end) == one_day
    assert progress[0].pages == 0  # said before a page of it is read
    assert result.resumed and result.resumed_range == one_day
    truth = await shop.truth()
    start = default_range(now + 120, 45)[0]
    wanted = {i for i, o in truth.items() if o["create_time"] >= start}
    in_one_day = {i for i, o in truth.items() if o["create_time"] >= one_day[0]}
    assert len(in_one_day) < len(wanted)
    assert set(stored(session)) == wanted
    assert result.fetched == result.created == len(wanted)  # nothing read twice
    assert fetch_unfinished_job(session.db, session.shop.id) is None
    again = await OrderImporter(session).run(*default_range(now + 120, 45))
    assert not again.resumed and again.created == 0
    await session.aclose()


def test_resume_notice_names_the_interrupted_days() -> None:
    from datetime import datetime

    from app.sync.importer import resume_notice

    start = datetime(datetime.now().year, 11, 30, 9, 5).timestamp()
    assert resume_notice((int(start), int(start) + 86400)) == (
        "Finishing the interrupted import of Nov 30 – Dec 1 first."
    )
