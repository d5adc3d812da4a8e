"""Admin levers for returns (our own API under /sandbox/, never TikTok's): the buyer's and the
platform's side of a request, and its ground truth.

- GET  /sandbox/returns              {"returns": [requests exactly as Search Returns shows them]}
- POST /sandbox/returns              {"order_id", "return_type"?, "line_item_ids"?,
                                      "return_reason"?, "note"?, "images"?, "buyer_ships"?,
                                      "handover_method"?}
                                     a buyer asks for a REFUND (default), RETURN_AND_REFUND or
                                     REPLACEMENT; answers {"return"}
- GET  /sandbox/returns/{id}/records {"records": [exactly as Get Return Records lists them]}
- POST /sandbox/returns/{id}/ship    {"tracking_number"?, "provider"?} the buyer sends it back
- POST /sandbox/returns/{id}/deliver the parcel reaches the seller (who then has 2 days)
- POST /sandbox/returns/{id}/cancel  the buyer withdraws the request
- POST /sandbox/returns/{id}/partial_refund  {"accept": true|false} the buyer answers an offer
- POST /sandbox/returns/{id}/arbitration     {"status": "IN_PROGRESS" | "SUPPORT_BUYER" |
                                      "SUPPORT_SELLER" | "CLOSED"} the buyer appeals a rejection
                                      and a TikTok Shop agent decides
Errors are {"error": "..."} with HTTP 400, 404 or 409, as in admin.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import Route

from app.sandbox import packages, return_reasons, returns, returns_eligibility, returns_view
from app.sandbox import returns_model as m
from app.sandbox.admin import AdminError, _json, _sandbox, handled
from app.sandbox.model import Shop
from app.sandbox.returns_model import ReturnRequest

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox


def _find(sandbox: Sandbox, return_id: str) -> tuple[Shop, ReturnRequest]:
    for shop in sandbox.state.shops.values():
        req = shop.returns.requests.get(return_id)
        if req is not None:
            return shop, req
    raise AdminError(404, f"no return {return_id}")


async def list_returns(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    return {
        "returns": [
            returns_view.to_api(shop, req)
            for shop in sandbox.state.shops.values()
            for req in shop.returns.requests.values()
        ]
    }


def _items(shop: Shop, order: dict[str, Any], body: dict[str, Any], kind: str) -> list[Any]:
    ids = body.get("line_item_ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
        raise AdminError(400, "line_item_ids must be a list of line item ids")
    by_id = {i["id"]: i for i in order["line_items"]}
    if ids:
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise AdminError(400, f"{unknown[0]} is not a line item of order {order['id']}")
        items = [by_id[i] for i in dict.fromkeys(ids)]
    else:
        taken = returns.items_in_process(shop, order["id"])
        items = [i for i in packages.active_items(order) if i["id"] not in taken]
        items = items or packages.active_items(order)  # let the verdict below explain
    for item in items:
        why = returns_eligibility.verdict(shop, order, item, kind, "BUYER")
        if why is not None:
            raise AdminError(
                409,
                f"{item['id']} cannot go into a {kind} request "
                f"({order['status']} order): {why[1]} ({why[0]})",
            )
    return items


async def create_return(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    found = sandbox.state.find_order(str(body.get("order_id", "")))
    if found is None:
        raise AdminError(404, f"no order {body.get('order_id')!r}")
    shop, order, _ = found
    kind = body.get("return_type", m.REFUND)
    if kind not in m.TYPES:
        raise AdminError(400, f"return_type must be one of {', '.join(m.TYPES)}")
    items = _items(shop, order, body, kind)
    allowed = return_reasons.buyer_reasons(shop.region, kind, order["status"])
    reason = body.get("return_reason") or next(iter(allowed), "")
    if reason not in allowed:
        raise AdminError(
            400,
            f"a buyer asks for a {kind} of a {order['status']} order with one "
            f"of {', '.join(allowed)}",
        )
    note, count = body.get("note", ""), body.get("images", 0)
    if not isinstance(note, str) or isinstance(count, bool) or not isinstance(count, int):
        raise AdminError(400, "note must be text and images a number of photos")
    handover = body.get("handover_method", "DROP_OFF")
    if handover not in {"DROP_OFF", "PICKUP"}:
        raise AdminError(400, "handover_method must be DROP_OFF or PICKUP")
    req = returns.open_request(
        sandbox.state,
        shop,
        order,
        items,
        return_type=kind,
        reason=reason,
        at=max(sandbox.clock.now(), order["update_time"]),
        note=note,
        images=[evidence_image(order["id"], n) for n in range(min(count, 9))],
        buyer_ships=bool(body.get("buyer_ships", True)),
        handover_method=handover,
    )
    return {"return": returns_view.to_api(shop, req)}


def evidence_image(key: str, n: int) -> dict[str, Any]:
    """A buyer's photo of the item, as Get Return Records shows images."""
    return {
        "url": f"https://p16-sandbox.example/return-evidence/{key}-{n}.jpeg",
        "width": 1080,
        "height": 1440,
    }


async def records(request: Request) -> dict[str, Any]:
    _, req = _find(_sandbox(request), request.path_params["return_id"])
    return {"records": returns_view.records_api(req)}


def _lever(
    act: Callable[[Sandbox, Shop, ReturnRequest, dict[str, Any]], None],
) -> Callable[[Request], Awaitable[dict[str, Any]]]:
    """An admin endpoint that does `act` to the request of the path and shows the result."""

    async def endpoint(request: Request) -> dict[str, Any]:
        sandbox = _sandbox(request)
        body = await _json(request)
        shop, req = _find(sandbox, request.path_params["return_id"])
        try:
            act(sandbox, shop, req, body)
        except returns.ReturnStateError as error:
            raise AdminError(409, str(error)) from None
        return {"return": returns_view.to_api(shop, req)}

    return endpoint


def _ship(sandbox: Sandbox, shop: Shop, req: ReturnRequest, body: dict[str, Any]) -> None:
    tracking, provider = body.get("tracking_number", ""), body.get("provider", "")
    if not isinstance(tracking, str) or not isinstance(provider, str):
        raise AdminError(400, "tracking_number and provider must be text")
    returns.ship_back(sandbox.state, shop, req, sandbox.clock.now(), tracking, provider)


def _deliver(sandbox: Sandbox, shop: Shop, req: ReturnRequest, body: dict[str, Any]) -> None:
    returns.arrive(sandbox.state, shop, req, sandbox.clock.now())


def _cancel(sandbox: Sandbox, shop: Shop, req: ReturnRequest, body: dict[str, Any]) -> None:
    returns.withdraw(sandbox.state, shop, req, sandbox.clock.now())


def _offer(sandbox: Sandbox, shop: Shop, req: ReturnRequest, body: dict[str, Any]) -> None:
    if not isinstance(body.get("accept"), bool):
        raise AdminError(400, 'give {"accept": true} or {"accept": false}')
    returns.answer_offer(sandbox.state, shop, req, body["accept"], sandbox.clock.now())


def _arbitration(sandbox: Sandbox, shop: Shop, req: ReturnRequest, body: dict[str, Any]) -> None:
    status = body.get("status")
    if status not in m.ARBITRATION:
        raise AdminError(400, f"status must be one of {', '.join(m.ARBITRATION)}")
    returns.arbitrate(sandbox.state, shop, req, status, sandbox.clock.now())


RETURN_ADMIN_ROUTES = [
    Route("/sandbox/returns", handled(list_returns), methods=["GET"]),
    Route("/sandbox/returns", handled(create_return), methods=["POST"]),
    Route("/sandbox/returns/{return_id}/records", handled(records), methods=["GET"]),
    *(
        Route(f"/sandbox/returns/{{return_id}}/{name}", handled(_lever(act)), methods=["POST"])
        for name, act in (
            ("ship", _ship),
            ("deliver", _deliver),
            ("cancel", _cancel),
            ("partial_refund", _offer),
            ("arbitration", _arbitration),
        )
    ),
]
