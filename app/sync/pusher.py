"""Push stock to TikTok Shop: fresh orders first, one inventory update per product, every
warehouse of every changed SKU, concurrent across products, each outcome recorded per SKU."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from app.backoff import retry_delay
from app.store import outbox
from app.store.activity import save_error, save_error_resolved
from app.store.catalog import fetch_default_warehouse
from app.store.stock import fetch_overpushed, save_pushed
from app.store.stock_levels import (
    AT_RISK,
    ProductPush,
    SkuPush,
    StockDefaults,
    StockRow,
    fetch_push_plans,
    fetch_stock_rows,
)
from app.sync.catalog import observe_listed, sync_catalog, sync_unknown_skus
from app.sync.poller import poll_once
from app.sync.recovery import recover_stock
from app.sync.session import ShopSession
from app.sync.stock import stock_defaults
from app.tiktok.api import InventoryUpdateResult
from app.tiktok.errors import (
    AuthorizationLost,
    InvalidToken,
    NetworkError,
    ReconnectNeeded,
    RetriesExhausted,
    ShopdeskError,
    TikTokError,
    TokenExpired,
    UnexpectedResponse,
)
from app.tiktok.models import InventoryUpdateError

log = logging.getLogger(__name__)

ERROR_KIND = "stock_push"
#: A refusal such as 12052901 (the product is not ACTIVATE) waits without retries: the
#: catalogue sync requeues its edits when the status changes.
#: Codes that mean our copy of the product is out of date (warehouses or SKUs changed).
STALE_CATALOGUE = frozenset({12052533, 12019028, 12052556, 12052097, 12019022})
#: TikTok's own trouble (FACTS.md 8.2): worth another try later.
TRANSIENT_CODES = frozenset({36009002, 36009003, 36009007})
#: Refusals waiting cannot fix (update-inventory spec), with what the creator can do.
REFUSAL_ACTIONS: dict[int, str] = {
    12052393: "The product is in a promotion, which locks its stock: TikTok does not let it "
    "go below the current level until the promotion ends. End or edit the promotion in "
    "Seller Center (or set a count no lower than TikTok lists), then press Retry.",
    12052700: "TikTok says the seller account is inactive. Reactivate the shop in Seller "
    "Center (check its account health and notices), then press Retry.",
    12052050: "The product has more than 100 SKUs, more than TikTok allows in one product. "
    "Split it into several products in Seller Center, then press Retry.",
}
DEFAULT_REFUSAL_ACTION = (
    "Fix it in TikTok Shop Seller Center, then press Retry in the Sync queue (or drop the edit)."
)


def transient(codes: set[int]) -> bool:
    """A failure that may pass by itself (TikTok's trouble) or after a catalogue refresh."""
    return bool(codes & (TRANSIENT_CODES | STALE_CATALOGUE))


def refusal_action(codes: set[int]) -> str:
    """What the creator can do about a refusal that will not pass by waiting."""
    return next((REFUSAL_ACTIONS[c] for c in sorted(codes) if c in REFUSAL_ACTIONS), "") or (
        DEFAULT_REFUSAL_ACTION
    )


#: Errors after which nothing more can be sent until the seller reconnects.
STOP = (ReconnectNeeded, AuthorizationLost, InvalidToken, TokenExpired)


@dataclass(frozen=True)
class SkuOutcome:
    """How one SKU's push ended."""

    sku_id: str
    seller_sku: str
    product_id: str
    ok: bool
    quantity: int
    code: int | None = None
    message: str = ""


@dataclass
class PushResult:
    """What one `push_pending` did (the JSON of `shopdesk stock push --json`)."""

    pushed: list[SkuOutcome] = field(default_factory=list)
    failed: list[SkuOutcome] = field(default_factory=list)
    products: int = 0
    update_calls: int = 0
    rounds: int = 0
    requeued: int = 0
    recovered: int = 0  # pushes a dead process had sent, found at TikTok
    api_calls: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """The summary for `--json` and logs."""
        return {
            "pushed": len(self.pushed),
            "failed": len(self.failed),
            "products": self.products,
            "update_calls": self.update_calls,
            "rounds": self.rounds,
            "requeued": self.requeued,
            "recovered": self.recovered,
            "api_calls": self.api_calls,
            "seconds": self.seconds,
            "failures": [
                {
                    "seller_sku": f.seller_sku,
                    "sku_id": f.sku_id,
                    "product_id": f.product_id,
                    "code": f.code,
                    "message": f.message,
                }
                for f in self.failed
            ],
        }


def _error_text(error: InventoryUpdateError) -> str:
    """TikTok's message with the per-warehouse details it gave."""
    parts = [f"{error.message} ({error.code})"]
    extra = error.detail.get("extra_errors")
    if isinstance(extra, list):
        for e in extra:
            if isinstance(e, dict):
                where = f"warehouse {e.get('warehouse_id')}: " if e.get("warehouse_id") else ""
                parts.append(f"{where}{e.get('message', '')} ({e.get('code', '')})")
    return "; ".join(parts)


def _codes(error: InventoryUpdateError) -> set[int]:
    codes = {error.code}
    extra = error.detail.get("extra_errors")
    if isinstance(extra, list):
        codes.update(int(e["code"]) for e in extra if isinstance(e, dict) and "code" in e)
    return codes


class _Round:
    """One round of product pushes and its bookkeeping."""

    def __init__(self, session: ShopSession, result: PushResult, clock: Callable[[], float]):
        self.session = session
        self.result = result
        self.clock = clock
        self.stale: set[str] = set()
        self.pushed: list[str] = []

    def now(self) -> int:
        """Whole seconds, as the store keeps times."""
        return int(self.clock())

    def ok(self, product_id: str, sku: SkuPush) -> None:
        """TikTok took it: the row is done, and what TikTok lists is what we sent."""
        db, now = self.session.db, self.now()
        with db.atomic():
            outbox.save_attempt(
                db,
                sku.item,
                quantities=sku.quantities,
                outcome="ok",
                code=None,
                message="",
                now=now,
            )
            outbox.save_done(db, sku.item, quantity=sku.target, now=now)
            save_pushed(db, sku.item.ref, sku.quantities, now=now)
            save_error_resolved(db, ERROR_KIND, sku.item.ref, now=now)
        self.pushed.append(sku.item.ref)
        self.result.pushed.append(
            SkuOutcome(sku.item.ref, sku.seller_sku, product_id, True, sku.target)
        )

    def failed(
        self,
        product_id: str,
        sku: SkuPush,
        code: int | None,
        message: str,
        *,
        retry: bool,
        action: str = DEFAULT_REFUSAL_ACTION,
    ) -> None:
        """Keep TikTok's code and message on the row and in the errors tab; maybe retry later."""
        db, now = self.session.db, self.now()
        next_at = now + retry_delay(sku.item.attempts) if retry else None
        if code in STALE_CATALOGUE:
            self.stale.add(product_id)
        if retry:
            action = "Shopdesk tries again by itself; drop the edit in the Sync queue to stop."
        with db.atomic():
            outbox.save_attempt(
                db,
                sku.item,
                quantities=sku.quantities,
                outcome="error",
                code=code,
                message=message,
                now=now,
            )
            outbox.save_failed(
                db,
                sku.item,
                code=code,
                message=message,
                next_retry_at=next_at,
                quantity=sku.target,
                now=now,
            )
            save_error(
                db,
                ERROR_KIND,
                f"Stock of {sku.seller_sku or sku.item.ref} was not updated on TikTok Shop: "
                f"{message}",
                ref=sku.item.ref,
                action=action,
                shop_id=self.session.shop.id,
                next_retry_at=next_at,
                now=now,
            )
        self.result.failed.append(
            SkuOutcome(sku.item.ref, sku.seller_sku, product_id, False, sku.target, code, message)
        )

    def answered(self, plan: ProductPush, answer: InventoryUpdateResult) -> None:
        """The call succeeded; some SKUs may still be refused in `data.errors`."""
        refused = {e.sku_id: e for e in answer.errors}
        for sku in plan.sendable:
            error = refused.get(sku.item.ref)
            if error is None:
                self.ok(plan.product_id, sku)
                continue
            codes = _codes(error)
            if codes & STALE_CATALOGUE:
                self.stale.add(plan.product_id)
            self.failed(
                plan.product_id,
                sku,
                error.code,
                _error_text(error),
                retry=transient(codes),
                action=refusal_action(codes),
            )

    def refused(self, plan: ProductPush, exc: Exception) -> None:
        """The whole call failed: every SKU in it failed the same way. Only a transient
        failure (network, throttling, TikTok's own errors, a stale catalogue) is retried."""
        code = exc.code if isinstance(exc, TikTokError) else None
        last = exc.last if isinstance(exc, RetriesExhausted) else None
        if code is None and isinstance(last, TikTokError):
            code = last.code
        codes = {code} if code is not None else set()
        retry = not isinstance(exc, TikTokError) or exc.retryable or transient(codes)
        for sku in plan.sendable:
            self.failed(
                plan.product_id, sku, code, str(exc), retry=retry, action=refusal_action(codes)
            )

    async def push(self, plan: ProductPush) -> None:
        """One product: local problems recorded without a call, the rest in one update."""
        for sku in plan.skus:
            if sku.problem:
                self.failed(plan.product_id, sku, None, sku.problem, retry=False)
        sendable = plan.sendable
        if not sendable:
            return
        quantities = {s.item.ref: s.quantities for s in sendable}
        self.result.update_calls += 1
        try:
            answer = await self.session.api.update_inventory(plan.product_id, quantities)
        except STOP:
            outbox.save_released(self.session.db, [s.item.id for s in sendable], now=self.now())
            raise
        except (TikTokError, RetriesExhausted, NetworkError, UnexpectedResponse) as exc:
            self.refused(plan, exc)
            return
        self.answered(plan, answer)


def _at_risk(session: ShopSession, defaults: StockDefaults) -> list[StockRow]:
    return [
        r
        for r in fetch_stock_rows(session.db, defaults)
        if any(w.kind == AT_RISK for w in r.warnings)
    ]


async def _queue_at_risk(
    session: ShopSession, defaults: StockDefaults, clock: Callable[[], float]
) -> int:
    """With `auto_push_at_risk`: every SKU TikTok over-lists (checked with TikTok first) gets a
    push, unless one is already waiting."""
    db, now = session.db, int(clock())
    risky = _at_risk(session, defaults)
    if risky:
        await observe_listed(session, [r.sku_id for r in risky], clock=clock)
        risky = _at_risk(session, defaults)
    with db.atomic():
        for row in risky:
            outbox.save_push_request(
                db, row.sku_id, row.product_id, reason="at_risk", now=now, if_idle=True
            )
    return len(risky)


def _requeue_changed(
    session: ShopSession,
    sku_ids: list[str],
    defaults: StockDefaults,
    now: int,
    *,
    if_idle: bool = False,
) -> int:
    """SKUs whose orders moved while we pushed and that TikTok may now over-list: again."""
    db = session.db
    again = [
        r
        for r in fetch_stock_rows(db, defaults, sku_ids=sku_ids)
        if r.tiktok_quantity > r.target and not r.removed
    ]
    with db.atomic():
        for row in again:
            outbox.save_push_request(
                db,
                row.sku_id,
                row.product_id,
                reason="orders during push",
                now=now,
                if_idle=if_idle,
            )
    return len(again)


def requeue_overpushed(
    session: ShopSession, at_risk: list[str], defaults: StockDefaults, now: int
) -> int:
    """At-risk SKUs our own last push over-lists go out again, whatever `auto_push_at_risk`.

    A round rechecks its SKUs right after it, but an order placed while the push was on the
    wire can reach us later (its pull failed, its webhook came late): TikTok then lists the
    quantity we sent, one unit per such order too many. A queued or backing-off push is left
    as it is.
    """
    ours = fetch_overpushed(session.db, at_risk)
    return _requeue_changed(session, ours, defaults, now, if_idle=True) if ours else 0


async def push_pending(
    session: ShopSession,
    *,
    clock: Callable[[], float] = time.time,
    pull: Callable[[], Awaitable[object]] | None = None,
    defaults: StockDefaults | None = None,
    max_rounds: int = 3,
) -> PushResult:
    """Push every due outbox row; pull orders right before each round and check after it.

    `pull` fetches order changes since the cursor (default: `poll_once`; the engine passes
    its own, serialised with the scheduled poll). If it fails nothing is pushed: stale
    counts must not reach TikTok. Rows whose SKUs sold while a round was on the wire are
    queued again and pushed in the next round (at most `max_rounds`, the rest stay pending).
    """
    db = session.db
    defaults = defaults or stock_defaults(session.settings)
    began, calls0 = time.perf_counter(), session.stats.calls
    result = PushResult()
    due = outbox.fetch_next_due(db)  # an orphan a dead process left counts as due
    auto = session.settings.auto_push_at_risk
    if not auto and (due is None or due > clock()):
        return result

    async def fresh_orders() -> None:
        await (pull() if pull is not None else poll_once(session, clock=clock))

    await fresh_orders()
    await sync_unknown_skus(session, clock=clock)
    recovered = await recover_stock(session, defaults, clock=clock)
    result.recovered = len(recovered.done)
    if auto:
        await _queue_at_risk(session, defaults, clock)
    stale: set[str] = set()
    products: set[str] = set()
    while result.rounds < max_rounds:
        items = outbox.save_claimed(db, now=int(clock()))
        if not items:
            break
        plans = fetch_push_plans(db, items, defaults, default_warehouse=fetch_default_warehouse(db))
        products.update(p.product_id for p in plans)
        work = _Round(session, result, clock)
        outcomes = await asyncio.gather(*(work.push(p) for p in plans), return_exceptions=True)
        result.rounds += 1
        stale |= work.stale
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        if work.pushed:
            # What TikTok lists now, then the orders: a unit sold while our update was on the
            # wire shows up as TikTok listing more than can be sold, and goes out again.
            await observe_listed(session, work.pushed, clock=clock)
            await fresh_orders()
            result.requeued += _requeue_changed(session, work.pushed, defaults, int(clock()))
    if stale:
        try:
            await sync_catalog(session, product_ids=sorted(stale), clock=clock)
        except ShopdeskError as exc:  # the retry will try again with what we have
            log.warning("could not refresh products after a refused push: %s", exc)
    result.products = len(products)
    result.api_calls = session.stats.calls - calls0
    result.seconds = round(time.perf_counter() - began, 3)
    return result
