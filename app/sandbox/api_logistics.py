"""Delivery options of a warehouse and the carriers of a delivery option (FACTS.md 5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox import errors as e
from app.sandbox import logistics
from app.sandbox.errors import ApiError, param_error
from app.sandbox.params import query_choice
from app.sandbox.validation import Call

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox


def delivery_options(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Every sales warehouse offers TikTok Shipping (standard, express) and the seller's own
    carrier; a return warehouse ships nothing."""
    assert call.shop is not None
    warehouse_id = call.path_params["warehouse_id"]
    warehouse = next((w for w in call.shop.warehouses if w.id == warehouse_id), None)
    if warehouse is None:
        raise param_error(f"path.warehouse_id is invalid: no warehouse {warehouse_id} in this shop")
    scope = query_choice(
        call.query,
        "scope",
        ("WAREHOUSE", "PRODUCT"),
        "WAREHOUSE",
        lambda detail: param_error(f"query.{detail}"),
    )
    options = [] if warehouse.type == "RETURN_WAREHOUSE" else list(logistics.OPTIONS.values())
    return {"delivery_options": [o.to_api(scope) for o in options]}


def shipping_providers(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    option = logistics.OPTIONS.get(call.path_params["delivery_option_id"])
    if option is None:
        raise ApiError.of(e.NO_DELIVERY_OPTION)
    if not option.by_seller:
        raise ApiError.of(e.DELIVERED_BY_TIKTOK)
    return {
        "shipping_providers": [
            {"id": provider_id, "name": name} for name, provider_id in logistics.SELLER_CARRIERS
        ]
    }
