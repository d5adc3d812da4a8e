"""Stock as the creator sees it: counts, committed, what TikTok lists, warnings, what to push."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlite_utils

from app.store.db import rows_in
from app.store.outbox import OutboxItem
from app.store.stock import HELD_SQL, RELEASED_SQL
from app.tiktok.models import ProductStatus

if TYPE_CHECKING:
    from app.config import Settings

#: update-inventory spec: a warehouse quantity is at most 99,999 (0 stops selling a SKU).
MAX_QUANTITY = 99_999
#: Events this close to an observation of TikTok's stock may or may not be in it (clocks
#: differ, times are whole seconds). They are read the way that estimates TikTok's listing
#: high: an order is not yet taken, a cancellation already gave back. A high estimate can only
#: make us check or push again; a low one could hide an oversell.
CLOCK_MARGIN = 2
OVERSOLD, AT_RISK, LOW_STOCK = "oversold", "at_risk", "low_stock"
SEVERITY = {OVERSOLD: 0, AT_RISK: 1, LOW_STOCK: 2}


@dataclass(frozen=True)
class StockDefaults:
    """Buffer and low-stock threshold for SKUs without their own (from Settings)."""

    buffer: int = 0
    low_stock: int = 5


def stock_defaults(settings: Settings) -> StockDefaults:
    """The buffer and low-stock mark for SKUs without their own."""
    return StockDefaults(buffer=settings.default_buffer, low_stock=settings.default_low_stock)


@dataclass(frozen=True)
class StockWarning:
    """One problem with one SKU, said so a creator knows what to do."""

    kind: str
    sku_id: str
    seller_sku: str
    reason: str


@dataclass(frozen=True)
class StockRow:
    """One SKU's stock line, as the Stock tab and `export stock` show it."""

    sku_id: str
    seller_sku: str
    product_id: str
    product_title: str
    sku_name: str
    product_status: str
    on_hand: int
    committed: int
    buffer: int
    low_stock: int
    buffer_is_default: bool
    low_stock_is_default: bool
    tiktok_quantity: int
    estimate: bool
    removed: bool
    push_state: str
    push_error: str
    warnings: tuple[StockWarning, ...] = ()
    #: When TikTok Shop last took a push of this SKU (none waiting now).
    pushed_at: int | None = None

    @property
    def available(self) -> int:
        """What can still be sold: on hand minus what open orders promised."""
        return self.on_hand - self.committed

    @property
    def target(self) -> int:
        """What TikTok should list: max(0, available - buffer)."""
        return max(0, self.available - self.buffer)

    @property
    def pending_push(self) -> bool:
        """An edit waits to reach TikTok (pending, in flight or failed)."""
        return bool(self.push_state)

    @property
    def warning(self) -> StockWarning | None:
        """The most serious warning, for a one-column view."""
        return self.warnings[0] if self.warnings else None


def fetch_committed(db: sqlite_utils.Database) -> dict[str, int]:
    """Units promised to open orders and not yet with a carrier, per SKU, counted now.

    The line items are read in table order (NOT INDEXED): through the SKU index SQLite
    would visit 100,000 orders' rows at random, five times slower (the engine counts this
    after every imported page, the inventory tab on every refresh)."""
    rows = db.execute(
        "SELECT li.sku_id, count(*) FROM line_items li NOT INDEXED"
        f" JOIN orders o ON li.order_id = o.id WHERE {HELD_SQL} GROUP BY li.sku_id"
    )
    return {str(sku): int(n) for sku, n in rows}


def fetch_uncounted(db: sqlite_utils.Database, sku_ids: Sequence[str]) -> list[str]:
    """The SKUs among these that have no stock count yet."""
    sql = "SELECT sku_id FROM stock WHERE sku_id IN ({marks})"
    counted = {str(r[0]) for r in rows_in(db, sql, sku_ids)}
    return [s for s in dict.fromkeys(sku_ids) if s not in counted]


def fetch_tiktok_changes(db: sqlite_utils.Database) -> dict[str, int]:
    """How TikTok's own stock moved since we last saw it: -1 per unit ordered after that,
    +1 per unit cancelled after that which had been ordered before (TikTok gives it back)."""
    row = db.execute("SELECT min(tiktok_seen_at) FROM stock").fetchone()
    if row is None or row[0] is None:
        return {}
    after = f"s.tiktok_seen_at + {CLOCK_MARGIN}"
    rows = db.execute(
        "SELECT li.sku_id,"
        f" sum(CASE WHEN o.create_time > {after} AND NOT ({RELEASED_SQL}) THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN o.create_time <= {after} AND {RELEASED_SQL} AND"
        " coalesce(o.cancel_time, o.update_time)"
        f" >= s.tiktok_seen_at - {CLOCK_MARGIN} THEN 1 ELSE 0 END)"
        # CROSS JOIN keeps orders outermost, so only recent orders are read (by update time).
        " FROM orders o CROSS JOIN line_items li ON li.order_id = o.id"
        " JOIN stock s ON s.sku_id = li.sku_id WHERE o.update_time >= ?"
        " GROUP BY li.sku_id",
        [int(row[0]) - CLOCK_MARGIN],
    )
    return {str(sku): int(given) - int(taken) for sku, taken, given in rows if taken or given}


def warnings_for(row: StockRow) -> tuple[StockWarning, ...]:
    """Oversold, at risk and low stock, most serious first, each with its reason."""
    if row.removed:
        return ()
    code = row.seller_sku or row.sku_id
    found: list[StockWarning] = []
    if row.available < 0:
        found.append(
            StockWarning(
                OVERSOLD,
                row.sku_id,
                row.seller_sku,
                f"{code}: open orders promise {row.committed} but only {row.on_hand} on hand "
                f"({-row.available} short).",
            )
        )
    if row.product_status != ProductStatus.ACTIVATE:
        return tuple(found)
    if row.tiktok_quantity > row.target:
        found.append(
            StockWarning(
                AT_RISK,
                row.sku_id,
                row.seller_sku,
                f"{code}: TikTok lists {row.tiktok_quantity} but only {row.target} can be sold "
                f"({row.available} available, buffer {row.buffer}); push the stock.",
            )
        )
    if row.available >= 0 and row.available <= row.low_stock:
        found.append(
            StockWarning(
                LOW_STOCK,
                row.sku_id,
                row.seller_sku,
                f"{code}: {row.available} available, at or below the low-stock mark of "
                f"{row.low_stock}.",
            )
        )
    return tuple(found)


_ROWS_SQL = (
    "SELECT s.sku_id, k.seller_sku, k.product_id, coalesce(p.title, ''), k.name,"
    " coalesce(p.status, ''), s.on_hand, s.buffer, s.low_stock, s.tiktok_quantity, s.estimate,"
    " k.removed, coalesce(o.state, ''), coalesce(o.last_error, ''), d.sent_at"
    " FROM stock s JOIN skus k ON k.id = s.sku_id LEFT JOIN products p ON p.id = k.product_id"
    " LEFT JOIN outbox o ON o.kind = 'stock' AND o.ref = s.sku_id"
    " AND o.state IN ('pending', 'in_flight', 'failed')"
    " LEFT JOIN (SELECT ref, max(done_at) AS sent_at FROM outbox"
    " WHERE kind = 'stock' AND state = 'done' GROUP BY ref) d ON d.ref = s.sku_id"
)


def fetch_stock_rows(
    db: sqlite_utils.Database,
    defaults: StockDefaults | None = None,
    *,
    sku_ids: Iterable[str] | None = None,
) -> list[StockRow]:
    """Every counted SKU (or the given ones), by product title then SKU position."""
    defaults = defaults or StockDefaults()
    committed = fetch_committed(db)
    changes = fetch_tiktok_changes(db)
    sql, args = _ROWS_SQL, []
    if sku_ids is not None:
        wanted = list(sku_ids)
        marks = ",".join("?" for _ in wanted) or "''"
        sql += f" WHERE s.sku_id IN ({marks})"
        args = wanted
    rows = []
    for r in db.execute(sql + " ORDER BY p.title, k.product_id, k.position", args):
        sku_id = str(r[0])
        row = StockRow(
            sku_id=sku_id,
            seller_sku=str(r[1]),
            product_id=str(r[2]),
            product_title=str(r[3]),
            sku_name=str(r[4]),
            product_status=str(r[5]),
            on_hand=int(r[6]),
            committed=committed.get(sku_id, 0),
            buffer=defaults.buffer if r[7] is None else int(r[7]),
            low_stock=defaults.low_stock if r[8] is None else int(r[8]),
            buffer_is_default=r[7] is None,
            low_stock_is_default=r[8] is None,
            tiktok_quantity=max(0, int(r[9]) + changes.get(sku_id, 0)),
            estimate=bool(r[10]),
            removed=bool(r[11]),
            push_state=str(r[12]),
            push_error=str(r[13]),
            pushed_at=None if r[14] is None else int(r[14]),
        )
        rows.append(_with_warnings(row))
    return rows


def _with_warnings(row: StockRow) -> StockRow:
    return StockRow(**{**row.__dict__, "warnings": warnings_for(row)})


def current_warnings(
    db: sqlite_utils.Database, defaults: StockDefaults | None = None
) -> list[StockWarning]:
    """Every warning now, most serious first (the engine's warnings callback diffs these)."""
    found = [w for row in fetch_stock_rows(db, defaults) for w in row.warnings]
    return sorted(found, key=lambda w: (SEVERITY[w.kind], w.seller_sku, w.sku_id))


def fetch_stock_counts(
    db: sqlite_utils.Database, defaults: StockDefaults | None = None
) -> dict[str, int]:
    """SKU and warning counts for `status`."""
    rows = fetch_stock_rows(db, defaults)
    kinds = [w.kind for row in rows for w in row.warnings]
    return {
        "skus": sum(1 for r in rows if not r.removed),
        OVERSOLD: kinds.count(OVERSOLD),
        AT_RISK: kinds.count(AT_RISK),
        LOW_STOCK: kinds.count(LOW_STOCK),
    }


# --- what to push -------------------------------------------------------------------------


@dataclass(frozen=True)
class WarehouseSlot:
    """One warehouse of a SKU: TikTok's quantity there and the creator's share, if set."""

    warehouse_id: str
    tiktok_quantity: int
    share: int | None


def split_quantity(
    total: int, slots: Sequence[WarehouseSlot], default_warehouse: str | None
) -> dict[str, int]:
    """Spread a SKU's total over its warehouses: by the creator's shares when set, else in
    TikTok's current proportions; what rounding leaves goes to the default warehouse."""
    if not slots:
        return {}
    ids = [s.warehouse_id for s in slots]
    home = default_warehouse if default_warehouse in ids else ids[0]
    total = max(0, min(total, MAX_QUANTITY * len(ids)))
    if any(s.share is not None for s in slots):
        weights = [max(0, s.share or 0) for s in slots]
    else:
        weights = [max(0, s.tiktok_quantity) for s in slots]
    if sum(weights) <= 0:
        weights = [1 if i == home else 0 for i in ids]
    whole = sum(weights)
    split = {i: total * w // whole for i, w in zip(ids, weights, strict=True)}
    split[home] += total - sum(split.values())
    overflow = sum(max(0, q - MAX_QUANTITY) for q in split.values())
    for i in [home, *ids]:
        split[i] = min(split[i], MAX_QUANTITY)
    for i in [home, *ids]:
        extra = min(MAX_QUANTITY - split[i], overflow)
        split[i] += extra
        overflow -= extra
    return split


@dataclass
class SkuPush:
    """One SKU of a product push: its claimed outbox row, target and per-warehouse split."""

    item: OutboxItem
    seller_sku: str
    target: int
    quantities: dict[str, int]
    problem: str = ""


@dataclass
class ProductPush:
    """Everything going to one product's inventory update."""

    product_id: str
    status: str
    skus: list[SkuPush] = field(default_factory=list)

    @property
    def sendable(self) -> list[SkuPush]:
        """SKUs with nothing wrong locally: these go in the call."""
        return [s for s in self.skus if not s.problem]


def _slots(db: sqlite_utils.Database, sku_ids: list[str]) -> dict[str, list[WarehouseSlot]]:
    found: dict[str, list[WarehouseSlot]] = {}
    for start in range(0, len(sku_ids), 500):
        chunk = sku_ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for sku_id, warehouse_id, quantity, share in db.execute(
            "SELECT sku_id, warehouse_id, tiktok_quantity, share FROM sku_warehouses"
            f" WHERE sku_id IN ({marks}) ORDER BY sku_id, position",
            chunk,
        ):
            found.setdefault(str(sku_id), []).append(
                WarehouseSlot(str(warehouse_id), int(quantity), share)
            )
    return found


def _problem(row: StockRow | None, slots: list[WarehouseSlot]) -> str:
    if row is None:
        return "no stock count for this SKU yet; sync the catalogue first"
    if row.removed:
        return "TikTok Shop no longer lists this SKU"
    if row.product_status != ProductStatus.ACTIVATE:
        status = row.product_status or "unknown"
        return (
            f"the product is {status}; TikTok Shop takes stock updates only for active "
            "(ACTIVATE) products. Activate it in Seller Center, or drop this edit."
        )
    if not slots:
        return "TikTok Shop lists no warehouse for this SKU; assign one in Seller Center"
    return ""


def fetch_push_plans(
    db: sqlite_utils.Database,
    items: Sequence[OutboxItem],
    defaults: StockDefaults | None = None,
    *,
    default_warehouse: str | None = None,
) -> list[ProductPush]:
    """Group claimed rows by product with each SKU's target split over all its warehouses."""
    sku_ids = [i.ref for i in items]
    rows = {r.sku_id: r for r in fetch_stock_rows(db, defaults, sku_ids=sku_ids)}
    slots = _slots(db, sku_ids)
    plans: dict[str, ProductPush] = {}
    for item in items:
        row = rows.get(item.ref)
        product_id = row.product_id if row is not None else item.product_id
        plan = plans.setdefault(
            product_id, ProductPush(product_id, row.product_status if row else "")
        )
        sku_slots = slots.get(item.ref, [])
        problem = _problem(row, sku_slots)
        target = row.target if row is not None else 0
        quantities = {} if problem else split_quantity(target, sku_slots, default_warehouse)
        plan.skus.append(
            SkuPush(
                item, row.seller_sku if row else "", sum(quantities.values()), quantities, problem
            )
        )
    return list(plans.values())
