"""Buying TikTok Shipping labels at most once per order, and keeping their files.

For each order: a claim in `label_orders` (app/store/labels.py), then Get Eligible Shipping
Service and Create Packages with the order's parcel. Create Packages has no idempotency key,
so before any attempt that follows one whose outcome is unknown (a lost answer, a process
killed between the answer and the commit) TikTok is asked which items already ship in a
labelled package (`LabelsApi.check_labels`), and only items without one are ever bought.
Each label's document is downloaded at once (its link lives 24 hours) into the labels folder.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.queries.labels import fetch_order_raws
from app.store import labels as store
from app.store.activity import save_error, save_error_resolved
from app.store.sku_profiles import (
    fetch_product_packages,
    fetch_products_lacking_detail,
    fetch_profiles,
)
from app.sync.catalog import sync_catalog
from app.sync.parcels import Parcel, order_parcel
from app.sync.session import ShopSession
from app.tiktok.errors import (
    DocumentExpired,
    LabelAlreadyBought,
    LabelOutcomeUnknown,
    LabelRefused,
    ReconnectNeeded,
    ShopdeskError,
)
from app.tiktok.fulfillment import FulfillmentRefused
from app.tiktok.labels import LabelCheck, LabelsApi
from app.tiktok.models.labels import DocumentType, ShippingService

log = logging.getLogger(__name__)

ERROR_KIND = "label"
NO_WEIGHT = (
    "no weight is known for its items: set the SKU's weight in Inventory (or import a "
    "profile CSV), set a default parcel in Settings, or give --weight"
)
ON_HOLD = (
    "the order is on hold: TikTok Shop holds new orders for about an hour before they may be "
    "shipped; buy the label once it awaits shipment"
)
Default = tuple[Any, Any] | None


@dataclass(frozen=True)
class LabelOutcome:
    """How one order's label ended in this run."""

    order_id: str
    ok: bool
    bought: bool = False  # bought in this run (else it was there before)
    reason: str = ""
    code: int | None = None
    in_progress: bool = False
    final: bool = False  # refused: trying again as it is cannot help


@dataclass
class LabelRun:
    """Every order's outcome and the files that were downloaded."""

    outcomes: list[LabelOutcome] = field(default_factory=list)
    documents: int = 0

    @property
    def bought(self) -> list[str]:
        return [o.order_id for o in self.outcomes if o.ok and o.bought]

    @property
    def reused(self) -> list[str]:
        return [o.order_id for o in self.outcomes if o.ok and not o.bought]

    @property
    def failed(self) -> list[LabelOutcome]:
        return [o for o in self.outcomes if not o.ok]


def precheck(raw: dict[str, Any] | None, order_id: str) -> str:
    """Why this order cannot get a label, from what Shopdesk holds (no call), or ''."""
    if raw is None:
        return f"order {order_id} is not in Shopdesk (import or sync first)"
    if raw.get("shipping_type") != "TIKTOK":
        return "you ship this order with your own carrier: enter its tracking number (Ship)"
    status = str(raw.get("status") or "")
    if status == "ON_HOLD":
        return ON_HOLD
    if status in ("UNPAID", "CANCELLED", "DELIVERED", "COMPLETED", "IN_TRANSIT"):
        return f"the order is {status.replace('_', ' ').lower()}: it takes no label"
    return ""


class LabelBuyer:
    """Buys and downloads labels for one shop session; every outcome is saved."""

    def __init__(
        self,
        session: ShopSession,
        folder: Path | None,
        *,
        default_parcel: Default = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.session = session
        self.api = LabelsApi(session.client)
        self.folder = folder
        self.default_parcel = default_parcel
        self._clock = clock

    def _now(self) -> int:
        return int(self._clock())

    async def buy(
        self,
        order_ids: Sequence[str],
        *,
        size: str = "A6",
        document_type: DocumentType = DocumentType.SHIPPING_LABEL,
        parcel: Parcel | None = None,
        download: bool = True,
    ) -> LabelRun:
        """A label for every order that has none, then every missing or stale file fetched."""
        ids = list(dict.fromkeys(order_ids))
        raws = fetch_order_raws(self.session.db, ids)
        if parcel is None:
            await self._learn_products(raws)
        parcels = self._parcels(raws) if parcel is None else dict.fromkeys(ids, parcel)
        results = await asyncio.gather(
            *(
                self._one(o, raws.get(o), parcels.get(o), size if download else "", document_type)
                for o in ids
            ),
            return_exceptions=True,
        )
        run = LabelRun()
        for order_id, result in zip(ids, results, strict=True):
            if isinstance(result, ReconnectNeeded):
                raise result
            if isinstance(result, BaseException):
                if not isinstance(result, ShopdeskError | OSError):
                    raise result
                result = self._failed(order_id, str(result))
            run.outcomes.append(result)
        run.documents = sum(1 for o in run.outcomes if o.ok)
        return run

    async def _learn_products(self, raws: dict[str, dict[str, Any]]) -> None:
        """Products whose package weight and size were never read: Get Product, once."""
        done = store.fetch_label_orders(self.session.db, list(raws))
        wanted = [
            str(i.get("product_id") or "")
            for order_id, raw in raws.items()
            if order_id not in done or done[order_id].state != store.BOUGHT
            for i in raw.get("line_items") or []
        ]
        lacking = fetch_products_lacking_detail(self.session.db, wanted)
        if lacking:
            await sync_catalog(self.session, product_ids=lacking, clock=self._clock)

    def _parcels(self, raws: dict[str, dict[str, Any]]) -> dict[str, Parcel | None]:
        skus = {
            str(i.get("sku_id") or ""): None
            for raw in raws.values()
            for i in raw.get("line_items") or []
        }
        db = self.session.db
        profiles, packages = fetch_profiles(db, list(skus)), fetch_product_packages(db, list(skus))
        return {
            order_id: order_parcel(
                [
                    str(i.get("sku_id") or "")
                    for i in raw.get("line_items") or []
                    if i.get("display_status") != "CANCELLED"
                ],
                profiles,
                packages,
                self.default_parcel,
            )
            for order_id, raw in raws.items()
        }

    async def _one(
        self,
        order_id: str,
        raw: dict[str, Any] | None,
        parcel: Parcel | None,
        size: str,
        document_type: DocumentType,
    ) -> LabelOutcome:
        db = self.session.db
        known = store.fetch_label_orders(db, [order_id]).get(order_id)
        if known is None or known.state != store.BOUGHT:
            problem = precheck(raw, order_id)
            if problem:
                return self._refused(order_id, problem, None, claim=raw is not None)
        claim = store.save_claim(db, order_id, now=self._now())
        if claim is store.Claim.BUSY:
            return LabelOutcome(
                order_id, False, reason="another Shopdesk is buying it now", in_progress=True
            )
        bought = False
        if claim is store.Claim.CHECK:
            found = await self._check(order_id)
            if not found:
                claim = store.Claim.BUY
        if claim is store.Claim.BUY:
            outcome = await self._purchase(order_id, parcel)
            if not outcome.ok:
                return outcome
            bought = outcome.bought
        if size:
            await self.documents(order_id, size, document_type)
        save_error_resolved(db, ERROR_KIND, order_id, now=self._now())
        return LabelOutcome(order_id, True, bought=bought)

    async def _check(self, order_id: str) -> bool:
        """Does TikTok already hold a label for the order? Recorded when it does."""
        check = await self.api.check_labels(order_id)
        if not check.packages:
            return False
        self._save_check(check)
        return True

    def _save_check(self, check: LabelCheck) -> None:
        first = check.packages[0]
        store.save_bought(
            self.session.db,
            check.order_id,
            [(p.package_id, p.tracking_number) for p in check.packages],
            carrier=first.shipping_provider_name,
            now=self._now(),
        )

    async def _purchase(self, order_id: str, parcel: Parcel | None) -> LabelOutcome:
        """Eligible service, then Create Packages; a lost answer is checked at once."""
        if parcel is None:
            return self._refused(order_id, NO_WEIGHT, None)
        db = self.session.db
        try:
            offer = await self.api.eligible_services(
                order_id, weight=parcel.weight, dimension=parcel.dimension
            )
            service = offer.chosen
            if service is None:
                return self._refused(
                    order_id, "TikTok Shop offers no shipping service for it", None
                )
            store.save_attempt(db, order_id, now=self._now())
            created = await self.api.create_package(
                order_id,
                weight=parcel.weight,
                dimension=parcel.dimension,
                shipping_service_id=service.id,
            )
        except LabelAlreadyBought:
            if await self._check(order_id):
                return LabelOutcome(order_id, True)
            return self._refused(order_id, "TikTok Shop says it has a label, but shows none", None)
        except LabelRefused as exc:
            return self._refused(order_id, exc.describe(), exc.code)
        except LabelOutcomeUnknown as exc:
            return await self._after_lost(order_id, exc)
        info = created.shipping_service_info or ShippingService()
        store.save_bought(
            db,
            order_id,
            [(created.package_id, "")],
            service=info.name,
            carrier=info.shipping_provider_name,
            price=str(info.price) if info.price is not None else None,
            currency=info.currency,
            now=self._now(),
        )
        return LabelOutcome(order_id, True, bought=True)

    async def _after_lost(self, order_id: str, lost: LabelOutcomeUnknown) -> LabelOutcome:
        db = self.session.db
        store.save_outcome(db, order_id, store.UNKNOWN, str(lost), now=self._now())
        try:
            if await self._check(order_id):
                return LabelOutcome(order_id, True, bought=True)
        except ShopdeskError as exc:
            log.info("could not check order %s's label: %s", order_id, exc)
        message = (
            f"no clear answer from TikTok Shop ({lost.cause}); Shopdesk asks TikTok whether the "
            "label was bought before it tries again"
        )
        store.save_outcome(db, order_id, store.UNKNOWN, message, now=self._now())
        self._error(order_id, message, "Run Labels again: nothing is bought twice.")
        return LabelOutcome(order_id, False, reason=message)

    async def documents(self, order_id: str, size: str, document_type: DocumentType) -> None:
        """Download each package's label that has no kept file (or a stale one)."""
        db = self.session.db
        label = store.fetch_label_orders(db, [order_id])[order_id]
        if label.stale:
            check = await self.api.check_labels(order_id)
            if check.packages:
                store.save_packages(
                    db,
                    order_id,
                    [(p.package_id, p.tracking_number) for p in check.packages],
                    now=self._now(),
                )
                label = store.fetch_label_orders(db, [order_id])[order_id]
        for package in label.packages:
            if _kept(package.file) and not label.stale and package.document_size == size:
                continue
            await self.fetch_document(order_id, package.package_id, size, document_type)

    async def fetch_document(
        self, order_id: str, package_id: str, size: str, document_type: DocumentType
    ) -> Path:
        """A new document call for the package, downloaded at once and kept."""
        document = await self.api.shipping_document(
            package_id, document_type=document_type, size=size
        )
        try:
            data = await self.api.download(document)
        except DocumentExpired:  # the link died on the way: only a new call gives a new one
            document = await self.api.shipping_document(
                package_id, document_type=document_type, size=size
            )
            data = await self.api.download(document)
        if self.folder is None:
            raise ShopdeskError("no labels folder to keep the label in")
        suffix = ".png" if document_type is DocumentType.SHIPPING_LABEL_PICTURE else ".pdf"
        path = self.folder / f"{order_id}-{package_id}-{size.lower()}{suffix}"
        write_private(path, data)
        store.save_file(
            self.session.db,
            package_id,
            str(path),
            tracking_number=document.tracking_number,
            size=size,
            expires_at=document.expires_at,
            now=self._now(),
        )
        return path

    def _refused(
        self, order_id: str, reason: str, code: int | None, *, claim: bool = True
    ) -> LabelOutcome:
        db = self.session.db
        if claim:
            if store.save_claim(db, order_id, now=self._now()) is store.Claim.HAVE:
                return LabelOutcome(order_id, True)
            store.save_outcome(db, order_id, store.REFUSED, reason, code=code, now=self._now())
        self._error(
            order_id,
            f"Label for order {order_id}: {reason}",
            "Fix it in Shopdesk or Seller Center, then buy the label again.",
        )
        return LabelOutcome(order_id, False, reason=reason, code=code, final=True)

    def _failed(self, order_id: str, reason: str) -> LabelOutcome:
        db = self.session.db
        row = store.fetch_label_orders(db, [order_id]).get(order_id)
        state = store.UNKNOWN if row is not None and row.state == store.BUYING else store.FAILED
        store.save_outcome(db, order_id, state, reason, now=self._now())
        self._error(
            order_id,
            f"Label for order {order_id} failed: {reason}",
            "Buy it again later: Shopdesk checks with TikTok first, nothing is bought twice.",
        )
        return LabelOutcome(order_id, False, reason=reason)

    def _error(self, order_id: str, message: str, action: str) -> None:
        save_error(
            self.session.db,
            ERROR_KIND,
            message,
            ref=order_id,
            action=action,
            shop_id=self.session.shop.id,
            now=self._now(),
        )


async def ship_by_label(session: ShopSession, order_id: str) -> dict[str, Any]:
    """Ship a TikTok Shipping order that has no package (US/UK local sellers): its label is
    bought (at most once), which hands the package to TikTok's carrier."""
    run = await LabelBuyer(session, None).buy([order_id], download=False)
    (outcome,) = run.outcomes
    if outcome.final:
        raise FulfillmentRefused(outcome.code or 0, outcome.reason)
    if not outcome.ok:
        raise ShopdeskError(outcome.reason)
    label = store.fetch_label_orders(session.db, [order_id])[order_id]
    return {"package_id": label.packages[0].package_id, "label_bought": outcome.bought}


def _kept(file: str) -> bool:
    return bool(file) and Path(file).is_file()


def write_private(path: Path, data: bytes) -> None:
    """Write the file whole or not at all, readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".label-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
