"""Admin levers for a shop's market and account state (our own API under /sandbox/).

- POST /sandbox/products/{id}/promotion  {"locked": bool}
      the product joins (or leaves) a promotion: its stock may not go below the current
      level (Update Inventory answers 12052393)
- POST /sandbox/seller                   {"active": bool}
      the seller account is (in)active: Update Inventory answers 12052700 while inactive
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from app.sandbox.admin import AdminError, _json, _sandbox, handled


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise AdminError(400, f'give {{"{name}": true or false}}')
    return value


async def promotion(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    locked = _flag(await _json(request), "locked")
    product_id = request.path_params["product_id"]
    for shop in sandbox.state.shops.values():
        product = shop.products.get(product_id)
        if product is not None:
            product.promotion_locked = locked
            return {"product_id": product_id, "promotion_locked": locked}
    raise AdminError(404, f"no product {product_id}")


async def seller(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    sandbox.state.seller.active = _flag(await _json(request), "active")
    return {"active": sandbox.state.seller.active}


MARKET_ROUTES = [
    Route("/sandbox/products/{product_id}/promotion", handled(promotion), methods=["POST"]),
    Route("/sandbox/seller", handled(seller), methods=["POST"]),
]
