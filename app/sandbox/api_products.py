"""Product endpoints: search, detail, inventory search and inventory update (FACTS.md 5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox.errors import ApiError, param_error
from app.sandbox.model import Product, Sku
from app.sandbox.paging import fingerprint, page
from app.sandbox.params import body_int, body_str, body_str_list, query_int
from app.sandbox.validation import Call

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

PRODUCT_STATUSES = (
    "ALL",
    "DRAFT",
    "PENDING",
    "FAILED",
    "ACTIVATE",
    "SELLER_DEACTIVATED",
    "PLATFORM_DEACTIVATED",
    "FREEZE",
    "DELETED",
)
MAX_QUANTITY = 99_999
# search-products spec error codes.
PAGE_SIZE_INVALID = 12019109
TOO_MANY_SELLER_SKUS = (12019027, "The maximum count of “seller_skus” in the search filter is 10.")
TOO_MANY_SKU_IDS = (12019087, "The number of SKU IDs exceeds the limit of 10")
CREATE_TIME_INVALID = (12019118, "search create time invalid")
UPDATE_TIME_INVALID = (12019119, "search update time invalid")
INVALID_INPUT = (12052910, "Invalid input parameters. Refer to the API documentation for details.")
# get-product / update-inventory spec error codes.
PRODUCT_NOT_FOUND = (12052032, "The product does not exist")
WRONG_STATUS = (
    12052901,
    "The product in its current status is not available for this operation. Change the product "
    "status and try again.",
)
EMPTY_SKUS = (
    12052902,
    "The SKU list is empty. Either omit the list entirely, or provide all required details.",
)
SKU_ID_REQUIRED = (12052036, "The SKU ID is necessary")
SKU_DUPLICATE = (12052553, "Sku id duplicate")
SKU_NOT_FOUND = (12052556, "The SKU id not exist.")
CHECK_FAILED = (12052990, "The check failed.")
WAREHOUSE_NOT_FOUND = (12052097, "The warehouse does not exist")
WAREHOUSE_CHANGED = (
    12052533,
    "Removal, addition, and change of warehouses are not permitted. Please specify the original "
    "warehouses for the SKUs.",
)
WAREHOUSE_MISSING = (
    12019028,
    "Multiple warehouses detected. Include all warehouse IDs and the corresponding details "
    "and try again.",
)
QUANTITY_OUT_OF_RANGE = (
    12052055,
    "The SKU inventory quantity for the warehouse must be within allowed limits.",
)
QUANTITY_INVALID = (12019024, "stock count is invalid")
# update-inventory spec: refusals that waiting cannot fix.
TOO_MANY_SKUS = (12052050, "A single product cannot have more than 100 different SKUs")
PROMOTION_LOCKED = (
    12052393,
    "Product locked for Promotion and stock can't be updated below current stock",
)
SELLER_INACTIVE = (12052700, "The seller is inactive.")
MAX_SKUS = 100
# inventory-search spec error codes.
TOO_MANY_PRODUCT_IDS = (12019120, "The number of provided product IDs exceeds the limit.")
TOO_MANY_INVENTORY_SKUS = (12019015, "The number of SKU exceed the limit")


def _err(pair: tuple[int, str], detail: str | None = None) -> ApiError:
    return ApiError.of(pair, detail)


def search_products(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    q, b = call.query, call.body
    size = query_int(
        q,
        "page_size",
        lambda d: ApiError(PAGE_SIZE_INVALID, f"page size is invalid: {d}"),
        low=1,
        high=100,
    )

    def bad(detail: str) -> ApiError:
        return _err(INVALID_INPUT, detail)

    status = body_str(b, "status", bad, PRODUCT_STATUSES) or "ALL"
    seller_skus = body_str_list(b, "seller_skus", bad)
    if seller_skus is not None and len(seller_skus) > 10:
        raise _err(TOO_MANY_SELLER_SKUS)
    sku_ids = body_str_list(b, "sku_ids", bad)
    if sku_ids is not None and len(sku_ids) > 10:
        raise _err(TOO_MANY_SKU_IDS)
    # search-products spec: the time filters are `_ge` and `_le` (both inclusive).
    times = {
        n: body_int(b, n, bad)
        for n in ("create_time_ge", "create_time_le", "update_time_ge", "update_time_le")
    }
    for name, pair in (("create_time", CREATE_TIME_INVALID), ("update_time", UPDATE_TIME_INVALID)):
        ge, le = times[f"{name}_ge"], times[f"{name}_le"]
        if ge is not None and le is not None and ge > le:
            raise _err(pair)

    def keep(p: Product) -> bool:
        if status == "ALL":
            if p.status == "DELETED":
                return False
        elif p.status != status:
            return False
        if seller_skus and not any(s.seller_sku in seller_skus for s in p.skus):
            return False
        if sku_ids and not any(s.id in sku_ids for s in p.skus):
            return False
        for name in ("create_time", "update_time"):
            value = getattr(p, name)
            ge, le = times[f"{name}_ge"], times[f"{name}_le"]
            if (ge is not None and value < ge) or (le is not None and value > le):
                return False
        return True

    def key(p: Product) -> tuple[int, int]:
        return -p.create_time, -int(p.id)  # newest first

    rows = sorted((p for p in call.shop.products.values() if keep(p)), key=key)
    filters = {"status": status, "seller_skus": seller_skus, "sku_ids": sku_ids, "times": times}
    chunk, next_token = page(
        rows,
        key,
        size=size,
        token=q.get("page_token") or None,
        codec=sandbox.page_tokens,
        print_=fingerprint(filters),
        bad_token=lambda: _err(INVALID_INPUT, "page_token is invalid or belongs to another query"),
    )
    shop = call.shop
    return {
        "total_count": len(rows),
        "products": [p.to_search_api(shop.currency, shop.region) for p in chunk],
        "next_page_token": next_token,
    }


def _product(call: Call) -> Product:
    assert call.shop is not None
    product = call.shop.products.get(call.path_params["product_id"])
    if product is None:
        raise _err(PRODUCT_NOT_FOUND)
    return product


def get_product(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    return _product(call).to_detail_api(call.shop.currency)


def search_inventory(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None

    def bad(detail: str) -> ApiError:
        return param_error(f"body.{detail}")

    product_ids = body_str_list(call.body, "product_ids", bad)
    sku_ids = body_str_list(call.body, "sku_ids", bad)
    if product_ids is not None and len(product_ids) > 100:
        raise _err(TOO_MANY_PRODUCT_IDS)
    if sku_ids is not None and len(sku_ids) > 600:
        raise _err(TOO_MANY_INVENTORY_SKUS)
    products = call.shop.products
    selected: list[tuple[Product, list[Sku]]] = []
    if sku_ids:  # inventory-search spec: sku_ids take precedence over product_ids
        wanted = set(sku_ids)
        for product in products.values():
            skus = [s for s in product.skus if s.id in wanted]
            if skus:
                selected.append((product, skus))
    elif product_ids:
        for product_id in dict.fromkeys(product_ids):
            found = products.get(product_id)
            if found is not None:
                selected.append((found, found.skus))
    else:
        raise bad("product_ids or body.sku_ids is required")
    return {
        "inventory": [
            {"product_id": product.id, "skus": [_inventory_row(s) for s in skus]}
            for product, skus in selected
        ]
    }


def _inventory_row(sku: Sku) -> dict[str, Any]:
    available = sum(s.available for s in sku.stock.values())
    return {
        "id": sku.id,
        "seller_sku": sku.seller_sku,
        "total_available_quantity": available,
        "total_committed_quantity": sum(s.committed for s in sku.stock.values()),
        "warehouse_inventory": [
            {
                "warehouse_id": w,
                "available_quantity": s.available,
                "committed_quantity": s.committed,
            }
            for w, s in sku.stock.items()
        ],
        "total_available_inventory_distribution": {
            "campaign_inventory": [],
            "creator_inventory": [],
            "in_shop_inventory": {"quantity": available},
        },
    }


def update_inventory(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Set TikTok's sellable quantity per warehouse (update-inventory spec).

    Request-wide problems (unknown product, product not ACTIVATE, empty or duplicate or foreign
    SKUs) fail the call. Problems with one SKU's warehouses or quantities come back in
    `data.errors` with code 0 while the other SKUs are updated.

    Quantity 0 is accepted: the spec writes the range as [1, 99,999], but sellers must be able to
    stop selling a SKU, TikTok itself lists sold-out SKUs with quantity 0 under the same "[1,
    99,999]" note, and FACTS.md 5 leaves 0 unconfirmed. So 0..99,999 passes, the rest is
    12052055 (and a non-integer 12019024).
    """
    assert call.shop is not None
    product = _product(call)
    if not sandbox.state.seller.active:
        raise _err(SELLER_INACTIVE)
    if product.status != "ACTIVATE":
        raise _err(WRONG_STATUS, f"Product {product.id} is {product.status}.")
    if len(product.skus) > MAX_SKUS:
        raise _err(TOO_MANY_SKUS)
    entries = call.body.get("skus")
    if not isinstance(entries, list) or not entries:
        raise _err(EMPTY_SKUS)
    by_id = {s.id: s for s in product.skus}
    seen: set[str] = set()
    for entry in entries:
        sku_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(sku_id, str) or not sku_id:
            raise _err(SKU_ID_REQUIRED)
        if sku_id in seen:
            raise _err(SKU_DUPLICATE)
        seen.add(sku_id)
        if sku_id not in by_id:  # also SKUs of another product: all must belong to this one
            raise _err(SKU_NOT_FOUND, f"SKU {sku_id} is not a SKU of product {product.id}.")
    if product.promotion_locked and _lowers_stock(product, entries):
        raise _err(PROMOTION_LOCKED)
    warehouses = {w.id for w in call.shop.warehouses}
    errors: list[dict[str, Any]] = []
    changed = False
    for entry in entries:
        sku = by_id[entry["id"]]
        updates, problems = _check_sku(sku, entry.get("inventory"), warehouses)
        if problems:
            code, message = CHECK_FAILED
            errors.append(
                {
                    "code": code,
                    "message": message,
                    "detail": {"sku_id": sku.id, "extra_errors": problems},
                }
            )
            continue
        for warehouse_id, quantity in updates.items():
            if sku.stock[warehouse_id].available != quantity:
                sku.stock[warehouse_id].available = quantity
                changed = True
    if changed:
        product.update_time = max(product.update_time, call.now)
    return {"errors": errors} if errors else {}


def _lowers_stock(product: Product, entries: list[Any]) -> bool:
    """Would this update take any warehouse of any SKU below what it holds now?"""
    by_id = {s.id: s for s in product.skus}
    for entry in entries:
        sku = by_id[entry["id"]]
        for row in entry.get("inventory") or []:
            if not isinstance(row, dict):
                continue
            stock = sku.stock.get(str(row.get("warehouse_id") or next(iter(sku.stock), "")))
            quantity = row.get("quantity")
            if stock is not None and isinstance(quantity, int) and quantity < stock.available:
                return True
    return False


def _check_sku(
    sku: Sku, inventory: Any, shop_warehouses: set[str]
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    problems: list[dict[str, Any]] = []

    def problem(warehouse_id: str, pair: tuple[int, str]) -> None:
        problems.append({"warehouse_id": warehouse_id, "code": pair[0], "message": pair[1]})

    if not isinstance(inventory, list) or not inventory:
        problem("", WAREHOUSE_MISSING)
        return {}, problems
    assigned = list(sku.stock)
    updates: dict[str, int] = {}
    for row in inventory:
        row = row if isinstance(row, dict) else {}
        warehouse_id = row.get("warehouse_id")
        if warehouse_id in (None, ""):
            # Optional only when the SKU has a single warehouse (update-inventory spec).
            if len(assigned) != 1:
                problem("", WAREHOUSE_MISSING)
                continue
            warehouse_id = assigned[0]
        if not isinstance(warehouse_id, str) or warehouse_id not in shop_warehouses:
            problem(str(warehouse_id), WAREHOUSE_NOT_FOUND)
            continue
        if warehouse_id not in sku.stock:
            problem(warehouse_id, WAREHOUSE_CHANGED)
            continue
        quantity = row.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            problem(warehouse_id, QUANTITY_INVALID)
            continue
        if not 0 <= quantity <= MAX_QUANTITY:
            problem(warehouse_id, QUANTITY_OUT_OF_RANGE)
            continue
        updates[warehouse_id] = quantity
    for warehouse_id in assigned:
        # "You must include all warehouse IDs assigned to this SKU" (update-inventory spec).
        if warehouse_id not in updates and not any(
            p["warehouse_id"] == warehouse_id for p in problems
        ):
            problem(warehouse_id, WAREHOUSE_MISSING)
    return updates, problems
