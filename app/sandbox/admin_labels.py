"""Admin endpoints for labels (our own, under /sandbox/; DESIGN.md 5):

- GET  /sandbox/labels                 {"labels": [{package_id, order_ids, service_id,
                                       service_name, shipping_provider_name, price,
                                       tracking_number, weight, dimension, create_time, scan_at,
                                       version, void}]}: every label bought with Create Packages
- GET  /sandbox/documents/{token}      what a `doc_url` serves: the PDF or PNG, 403 once expired
- POST /sandbox/orders/{id}/address_check   {"result": "OK" | "NO_SERVICE" | "ILLEGAL"}
                                       what the carrier's address check says from now on
- POST /sandbox/orders/{id}/split      {"line_item_ids": [...]}: TikTok splits an order that
                                       has no package yet; each part needs its own label
- POST /sandbox/packages/{id}/split    {"line_item_ids": [...], "sc_type"?, "role_type"?}
- POST /sandbox/packages/combine       {"package_ids": [...], "role_type"?}
                                       TikTok splits or combines packages (PACKAGE_UPDATE);
                                       labelled parcels get new labels
The carrier's first scan by hand is POST /sandbox/packages/{id}/collect (admin.py).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.sandbox import package_changes
from app.sandbox.admin import AdminError, _json, _order, _sandbox, handled
from app.sandbox.labels import ADDRESS_CHECKS
from app.sandbox.model import Package, Shop
from app.sandbox.package_changes import ROLE_TYPES, SPLIT_TYPES, PackageChangeError


def _ids(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise AdminError(400, f"{name} must be a non-empty list of ids")
    return value


def _choice(body: dict[str, Any], name: str, choices: tuple[str, ...], default: str) -> str:
    value = body.get(name, default)
    if value not in choices:
        raise AdminError(400, f"{name} must be one of {', '.join(choices)}")
    return str(value)


async def list_labels(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    shops = sandbox.state.shops
    return {
        "labels": [
            label.to_admin(shops[label.shop_id].packages.get(label.package_id))
            for label in sandbox.labels.labels.values()
        ]
    }


async def document(request: Request) -> Response:
    """The file behind a `doc_url`; like a signed storage link, it stops working at expiry."""
    sandbox = _sandbox(request)
    found = sandbox.labels.documents.get(request.path_params["token"])
    if found is None:
        return Response("NoSuchKey: the document does not exist", 404, media_type="text/plain")
    if sandbox.clock.now() >= found.expires_at:
        return Response("AccessDenied: the link has expired", 403, media_type="text/plain")
    name = f"{found.document_type.lower()}-{found.package_id}"
    extension = "png" if found.media_type == "image/png" else "pdf"
    return Response(
        found.body(),
        media_type=found.media_type,
        headers={"content-disposition": f'inline; filename="{name}.{extension}"'},
    )


async def address_check(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    _, order, _ = _order(sandbox, request.path_params["order_id"])
    result = _choice(body, "result", ADDRESS_CHECKS, "")
    if result == "OK":
        sandbox.labels.address_checks.pop(order["id"], None)
    else:
        sandbox.labels.address_checks[order["id"]] = result
    return {"order_id": order["id"], "result": result}


async def split_order(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    shop, order, _ = _order(sandbox, request.path_params["order_id"])
    try:
        package_changes.split_order(sandbox.labels, shop, order, _ids(body, "line_item_ids"))
    except PackageChangeError as error:
        raise AdminError(409, str(error)) from None
    return {"order_id": order["id"], "groups": sandbox.labels.split_groups[order["id"]]}


def _package(request: Request, package_id: str) -> tuple[Shop, Package]:
    found = request.app.state.sandbox.state.find_package(package_id)
    if found is None:
        raise AdminError(404, f"no package {package_id}")
    return found  # type: ignore[no-any-return]


async def split_package(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    shop, package = _package(request, request.path_params["package_id"])
    try:
        new = package_changes.split(
            sandbox.state,
            sandbox.labels,
            shop,
            package,
            _ids(body, "line_item_ids"),
            sandbox.clock.now(),
            sc_type=_choice(body, "sc_type", SPLIT_TYPES, "SPLIT"),
            role=_choice(body, "role_type", ROLE_TYPES, "ROLE_SYSTEM"),
        )
    except PackageChangeError as error:
        raise AdminError(409, str(error)) from None
    return {"package_ids": [package.id, new.id]}


async def combine_packages(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    found = [_package(request, package_id) for package_id in _ids(body, "package_ids")]
    if len({shop.id for shop, _ in found}) != 1:
        raise AdminError(409, "the packages must belong to one shop")
    try:
        kept = package_changes.combine(
            sandbox.state,
            sandbox.labels,
            found[0][0],
            [p for _, p in found],
            sandbox.clock.now(),
            role=_choice(body, "role_type", ROLE_TYPES, "ROLE_SYSTEM"),
        )
    except PackageChangeError as error:
        raise AdminError(409, str(error)) from None
    return {"package_id": kept.id, "order_ids": list(kept.order_ids)}


LABEL_ROUTES = [
    Route("/sandbox/labels", handled(list_labels), methods=["GET"]),
    Route("/sandbox/documents/{token}", document, methods=["GET"]),
    Route("/sandbox/orders/{order_id}/address_check", handled(address_check), methods=["POST"]),
    Route("/sandbox/orders/{order_id}/split", handled(split_order), methods=["POST"]),
    Route("/sandbox/packages/combine", handled(combine_packages), methods=["POST"]),
    Route("/sandbox/packages/{package_id}/split", handled(split_package), methods=["POST"]),
]
