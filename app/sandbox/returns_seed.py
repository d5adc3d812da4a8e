"""Return and refund requests in the seeded shop's history, one of every kind and status.

They sit on delivered and in-transit orders (the ones still waiting for someone) and on
completed orders (finished before the order closed), built by the same steps the API and the
clock take, at past times. Orders, stock and every other seeded thing stay exactly as they were:
the requests take their randomness and their ids from generators of their own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.sandbox import packages, return_reasons, returns
from app.sandbox import returns_model as m
from app.sandbox.ids import IdFactory
from app.sandbox.model import Shop
from app.sandbox.returns_model import ReturnRequest

if TYPE_CHECKING:
    from app.sandbox.state import World

HOUR = m.HOUR
DAY = m.DAY
#: What buyers write with their request (the evidence a seller reads).
NOTES = {
    "ecom_order_delivered_refund_reason_not_received": (
        "Tracking says delivered but nothing was at my door or with my neighbours."
    ),
    "ecom_order_delivered_refund_reason_damaged": (
        "The box arrived crushed and the item inside is cracked. Photos attached."
    ),
    "ecom_order_delivered_refund_reason_defective": "It stopped working after two days of use.",
    "ecom_order_delivered_refund_reason_missing_broken_parts": (
        "The charging cable is missing from the box."
    ),
    "ecom_order_delivered_refund_reason_not_match_description": (
        "The colour is nothing like the photos on the listing."
    ),
    "ecom_order_delivered_refund_reason_wrong_product_1": "I ordered a different size.",
    "ecom_order_shipped_refund_reason_not_arrive_on_time": (
        "It has been stuck in transit for days; I needed it for a birthday."
    ),
}
REJECT_NOTE = "The photos show the item in perfect condition when it left our warehouse."


class Seeder:
    """Plays one shop's requests forward in time with its own random numbers and ids."""

    def __init__(self, world: World, shop: Shop, seed: str, now: int) -> None:
        self.world, self.shop, self.now = world, shop, now
        self.rng = random.Random(f"{seed}:returns")
        self.ids = IdFactory(random.Random(f"{seed}:return-ids"))
        self.used: set[str] = set()

    def ago(self, low_hours: float, high_hours: float) -> int:
        return self.now - self.rng.randrange(int(low_hours * HOUR), int(high_hours * HOUR))

    def pick(self, status: str, oldest: int, *, units: int = 1) -> dict[str, Any] | None:
        """The unused order in `status` whose items arrived (or left) last before `oldest`, so
        that older orders stay for the requests that reach further back."""
        fits = []
        for order in self.shop.orders.values():
            since = order.get("delivery_time") or order.get("collection_time")
            if (
                order["status"] == status
                and order["id"] not in self.used
                and since is not None
                and since + 600 <= oldest
                and len(packages.active_items(order)) >= units
            ):
                fits.append((since, int(order["id"]), order))
        if not fits:
            return None
        order = max(fits, key=lambda f: (f[0], f[1]))[2]
        self.used.add(order["id"])
        return order

    def open(
        self, order: dict[str, Any], kind: str, at: int, *, items: int | None = None, **extra: Any
    ) -> ReturnRequest:
        reasons = return_reasons.buyer_reasons(self.shop.region, kind, order["status"])
        if order["status"] == "COMPLETED":  # the request was made while it was delivered
            reasons = return_reasons.buyer_reasons(self.shop.region, kind, "DELIVERED")
        reason = self.rng.choice(sorted(reasons))
        chosen = packages.active_items(order)[: items or None]
        photos = extra.pop("photos", 0)
        return returns.open_request(
            self.world,
            self.shop,
            order,
            chosen,
            return_type=kind,
            reason=reason,
            at=at,
            ids=self.ids,
            note=NOTES.get(reason, ""),
            images=[evidence(order["id"], n) for n in range(photos)],
            **extra,
        )

    # --- requests still running (delivered and in-transit orders) ------------------------------
    def pending(self, status: str, kind: str, **extra: Any) -> None:
        at = self.ago(1, 30)
        some = extra.get("items")  # some of the order's items: it has more than that
        order = self.pick(status, at, units=some + 1 if some else 1)
        if order is not None:
            self.open(order, kind, at, **extra)

    def flow(self, ages: list[tuple[float, float]], steps: list[Callable[..., None]]) -> None:
        """A return of a delivered order taken through `steps`, one at each age (hours ago)."""
        times = sorted(self.ago(low, high) for low, high in ages)
        order = self.pick("DELIVERED", times[0])
        if order is None:
            return
        req = self.open(order, m.RETURN_AND_REFUND, times[0])
        for step, at in zip(steps, times[1:], strict=True):
            step(req, at)

    # --- finished requests (completed orders) ----------------------------------------------------
    def history(self, kind: str, steps: list[tuple[float, Callable[..., None]]]) -> None:
        """A request made soon after delivery and taken through `steps` (hours after it)."""
        order = self.pick("COMPLETED", self.now)
        if order is None:
            return
        start = order["delivery_time"] + self.rng.randrange(HOUR, 4 * HOUR)
        req = self.open(order, kind, start)
        for hours, step in steps:
            step(req, start + int(hours * HOUR))

    # --- steps -----------------------------------------------------------------------------------
    def approve(self, decision: str, role: str = "SELLER", **extra: Any) -> Callable[..., None]:
        def step(req: ReturnRequest, at: int) -> None:
            returns.approve(self.world, self.shop, req, decision, at, role=role, **extra)

        return step

    def reject(self, decision: str) -> Callable[..., None]:
        def step(req: ReturnRequest, at: int) -> None:
            reason = sorted(return_reasons.reject_reasons(self.shop.region, decision))[0]
            returns.reject(self.world, self.shop, req, decision, reason, at, comment=REJECT_NOTE)

        return step

    def ship(self, req: ReturnRequest, at: int) -> None:
        returns.ship_back(self.world, self.shop, req, at)

    def arrive(self, req: ReturnRequest, at: int) -> None:
        returns.arrive(self.world, self.shop, req, at)

    def cancel(self, req: ReturnRequest, at: int) -> None:
        returns.withdraw(self.world, self.shop, req, at)

    def clock(self, req: ReturnRequest, at: int) -> None:
        """What the clock did to the request by `at` (platform approvals, the refund)."""
        returns.run_due(self.world, self.shop, req, at)

    def appeal(self, *statuses: str) -> Callable[..., None]:
        def step(req: ReturnRequest, at: int) -> None:
            for n, status in enumerate(statuses):
                returns.arbitrate(self.world, self.shop, req, status, at + n * DAY)

        return step


def evidence(key: str, n: int) -> dict[str, Any]:
    """A buyer's photo of the item, as Get Return Records shows images."""
    return {
        "url": f"https://p16-sandbox.example/return-evidence/{key}-{n}.jpeg",
        "width": 1080,
        "height": 1440,
    }


def seed_returns(world: World, shop: Shop, seed: str, now: int) -> None:
    """Requests of every type and status on the shop's orders (none when it has too few)."""
    s = Seeder(world, shop, seed, now)
    s.pending("DELIVERED", m.REFUND)
    s.pending("DELIVERED", m.RETURN_AND_REFUND, photos=2)
    s.pending("DELIVERED", m.RETURN_AND_REFUND, items=1, photos=1)  # one of several items
    s.pending("DELIVERED", m.REPLACEMENT, photos=1)
    s.pending("IN_TRANSIT", m.REFUND)
    s.pending("IN_TRANSIT", m.REFUND)
    s.flow([(14, 30), (1, 12)], [s.approve("APPROVE_RETURN")])
    s.flow([(60, 80), (40, 55), (5, 30)], [s.approve("APPROVE_RETURN"), s.ship])
    s.flow(
        [(100, 110), (85, 95), (70, 80), (2, 30)], [s.approve("APPROVE_RETURN"), s.ship, s.arrive]
    )
    offer = {"currency": shop.currency, "amount": "1.00"}
    s.flow([(20, 40), (1, 15)], [s.approve("OFFER_PARTIAL_REFUND", partial=offer)])
    s.flow([(20, 40), (1, 15)], [s.reject("REJECT_RETURN")])
    s.flow([(5, 20), (0.2, 0.6)], [s.approve("APPROVE_RETURN", keep_item=True)])
    late = m.RESPONSE_WINDOW / HOUR
    s.history(m.REFUND, [(20, s.approve("APPROVE_REFUND")), (21.5, s.clock)])
    # Nobody answered: the platform approved the return, then the refund for the parcel. The
    # buyer was quick and the post fast, so it all ended inside the 7 days before completion.
    s.history(
        m.RETURN_AND_REFUND,
        [(late + 0.5, s.clock), (late + 6, s.ship), (late + 54, s.arrive), (late + 104, s.clock)],
    )
    s.history(m.RETURN_AND_REFUND, [(10, s.cancel)])
    s.history(
        m.RETURN_AND_REFUND,
        [
            (8, s.approve("APPROVE_RETURN")),
            (20, s.ship),
            (70, s.arrive),
            (80, s.reject("REJECT_RECEIVED_PACKAGE")),
            (90, s.appeal("IN_PROGRESS", "SUPPORT_SELLER", "CLOSED")),
        ],
    )
    s.history(m.REPLACEMENT, [(12, s.reject("REJECT_REPLACEMENT"))])
    s.history(m.REPLACEMENT, [(6, s.cancel)])
    s.history(m.REPLACEMENT, [(30, s.approve("ISSUE_REPLACEMENT_REFUND"))])
    _replaced(s)


def _replaced(s: Seeder) -> None:
    """The request behind a seeded replacement order, when its source was delivered first."""
    for order in s.shop.orders.values():
        source = s.shop.orders.get(order.get("replaced_order_id") or "")
        if source is None or source["id"] in s.used:
            continue
        created, delivered = order["create_time"], source.get("delivery_time")
        if delivered is None or delivered + 2 * HOUR >= created:
            continue
        s.used.add(source["id"])
        req = s.open(source, m.REPLACEMENT, max(delivered + HOUR, created - DAY))
        returns.mark_replaced(s.world, s.shop, req, order["id"], created)
