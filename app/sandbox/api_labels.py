"""Label endpoints: Get Eligible Shipping Service, Create Packages, Get Package Shipping
Document, TTS Tracking Validation (FACTS.md 9.3; their specs).

Checks run in the order a caller can act on them: the request's fields, the order's state,
the market, the items, the address, then the parcel and the service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox import errors as e
from app.sandbox import label_errors as le
from app.sandbox import labels, parcels
from app.sandbox.errors import ApiError
from app.sandbox.params import body_str, body_str_list
from app.sandbox.validation import Call, Route

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox
    from app.sandbox.parcels import Parcel


def _fail(detail: str) -> ApiError:
    return ApiError.of(e.INVALID_PARAMS, detail)


def _order(call: Call, order_id: str) -> dict[str, Any]:
    assert call.shop is not None
    order = call.shop.orders.get(order_id)
    if order is None:
        raise ApiError.of(e.ORDER_NOT_IN_SHOP)
    return order


def _prepare(
    sandbox: Sandbox, call: Call, order_id: str, *, buying: bool
) -> tuple[dict[str, Any], list[dict[str, Any]], Parcel]:
    """The order, the items the label covers and the parcel, or TikTok's refusal."""
    assert call.shop is not None
    ids = body_str_list(call.body, "order_line_item_ids", _fail)
    parcels.read_weight(call.body, _fail)  # a malformed parcel fails before anything else
    parcels.read_dimension(call.body, _fail)
    order = _order(call, order_id)
    labels.check_order(call.shop, order)
    items = labels.choose_items(sandbox.labels, call.shop, order, ids, buying=buying)
    products = [call.shop.products[i["product_id"]] for i in items]
    return order, items, parcels.parcel(call.body, products, _fail)


def eligible_services(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """The services a label could be bought with for this parcel; one under label allocation."""
    order, items, parcel = _prepare(sandbox, call, call.path_params["order_id"], buying=False)
    fitting = parcels.services_for(parcel)
    if sandbox.labels.address_checks.get(order["id"], "OK") != "OK" or not fitting:
        raise ApiError.of(le.NO_SERVICE)
    offered = fitting[:1] if sandbox.labels.allocation else fitting
    return {
        "order_id": order["id"],
        "order_line_id": [i["id"] for i in items],
        "weight": dict(parcel.weight),
        "shipping_services": [s.to_api(parcel, is_default=n == 0) for n, s in enumerate(offered)],
        "dimension": dict(parcel.dimension),
    }


def create_packages(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Buy the label: the items ship in a new package (AWAITING_COLLECTION once all have)."""
    shop = call.shop
    assert shop is not None
    order_id = body_str(call.body, "order_id", _fail)
    if not order_id:
        raise _fail("order_id is required")
    requested = body_str(call.body, "shipping_service_id", _fail)
    order, items, parcel = _prepare(sandbox, call, order_id, buying=True)
    check = sandbox.labels.address_checks.get(order["id"], "OK")
    if check == "ILLEGAL":
        raise ApiError.of(le.ILLEGAL_ADDRESS)
    if check == "NO_SERVICE":
        raise ApiError.of(le.NO_SERVICE)
    if parcel.oversize:
        raise ApiError.of(le.OVERSIZE)
    fitting = parcels.services_for(parcel)
    if not fitting:
        raise ApiError.of(le.NO_SERVICE_FOR_WEIGHT)
    service = labels.service_for(sandbox.labels, parcel, fitting, requested)
    package = labels.buy(
        sandbox.state, sandbox.labels, shop, order, items, parcel, service, call.now
    )
    return {
        "order_id": order["id"],
        "order_line_item_ids": list(package.line_item_ids),
        "dimension": dict(parcel.dimension),
        "shipping_service_info": service.info_api(parcel),
        "package_id": package.id,
        "weight": dict(parcel.weight),
        "create_time": package.create_time,
    }


def shipping_document(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """A link to the package's label or packing slip; it works for `document_ttl` seconds."""
    shop = call.shop
    assert shop is not None
    q = call.query
    kind = q.get("document_type") or ""
    if kind not in labels.DOCUMENT_TYPES:
        raise _fail(f"document_type must be one of {', '.join(labels.DOCUMENT_TYPES)}")
    size = q.get("document_size") or "A6"
    picture = kind == "SHIPPING_LABEL_PICTURE"  # size and format do not apply to the PNG
    if size not in ("A6", "A5") and not picture:
        raise _fail("document_size must be A6 or A5")
    if (q.get("document_format") or "PDF") != "PDF" and not picture:
        raise _fail("document_format ZPL is only for the Brazil market")
    package = shop.packages.get(call.path_params["package_id"])
    if package is None:
        raise ApiError.of(e.PACKAGE_NOT_IN_SHOP)
    labels.check_printable(shop, package)
    if kind == "HAZMAT_LABEL":
        raise _fail("HAZMAT_LABEL: the package holds no hazmat items")
    if kind == "INVOICE_LABEL":
        raise _fail("INVOICE_LABEL is only for the Brazil market")
    document = labels.issue_document(sandbox.labels, shop, package, kind, size, call.now)
    return {
        "doc_url": f"{call.base_url}/sandbox/documents/{document.token}",
        "tracking_number": package.tracking_number,
    }


def tracking_validation(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    """Whether a tracking number belongs to a TikTok Shipping label (US only)."""
    assert call.shop is not None
    number = call.query.get("tracking_number") or ""
    if not number:
        raise _fail("tracking_number is required")
    if call.shop.region != "US":
        raise ApiError.of(le.NOT_IN_REGION)
    tiktok = any(
        p.tracking_number == number and p.shipping_type == "TIKTOK"
        for shop in sandbox.state.shops.values()
        for p in shop.packages.values()
    )
    return {"is_tiktok_shipping": tiktok, "is_tiktok_collection": False}


ROUTES = [
    Route(
        "POST",
        "/fulfillment/202309/orders/{order_id}/shipping_services/query",
        eligible_services,
        "seller.fulfillment.basic",
    ),
    Route("POST", "/fulfillment/202309/packages", create_packages, "seller.fulfillment.basic"),
    Route(
        "GET",
        "/fulfillment/202309/packages/{package_id}/shipping_documents",
        shipping_document,
        "seller.fulfillment.basic",
    ),
    Route(
        "GET",
        "/fulfillment/202508/tts_tracking_validation",
        tracking_validation,
        "seller.logistics",
    ),
]
