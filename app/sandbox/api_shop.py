"""Shops, warehouses and webhook subscriptions (FACTS.md 3, 5, 7.5)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from app.sandbox import errors as e
from app.sandbox.config import SCOPE_NAMES
from app.sandbox.errors import ApiError, param_error
from app.sandbox.model import Subscription
from app.sandbox.validation import Call
from app.sandbox.webhooks import EVENT_TYPES

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

MAX_ADDRESS = 255  # update-shop-webhook spec
#: The scope each topic needs. configuration-guide.md: "You have the required permissions for
#: the topics you're subscribing to"; the product topics' pages name "Product Basic", and the
#: others follow the API package of their guide folder (order, logistics, return-and-refund,
#: seller, fulfillment, customer service). Derived, not stated per topic by TikTok.
TOPIC_SCOPES: dict[str, str] = {
    "ORDER_STATUS_CHANGE": "seller.order.info",
    "CANCELLATION_STATUS_CHANGE": "seller.order.info",
    "RECIPIENT_ADDRESS_UPDATE": "seller.logistics",
    "PACKAGE_UPDATE": "seller.logistics",
    "RETURN_STATUS_CHANGE": "seller.return_refund.basic",
    "REVERSE_STATUS_UPDATE": "seller.return_refund.basic",
    "PRODUCT_STATUS_CHANGE": "seller.product.basic",
    "PRODUCT_INFORMATION_CHANGE": "seller.product.basic",
    "PRODUCT_CREATION": "seller.product.basic",
    "PRODUCT_CATEGORY_CHANGE": "seller.product.basic",
    "PRODUCT_AUDIT_STATUS_CHANGE": "seller.product.basic",
    "INVOICE_STATUS_CHANGE": "seller.fulfillment.basic",
    "SELLER_DEAUTHORIZATION": "seller.authorization.info",
    "UPCOMING_AUTHORIZATION_EXPIRATION": "seller.authorization.info",
    "NEW_CONVERSATION": "seller.customer_service",
    "NEW_MESSAGE": "seller.customer_service",
    "NEW_MESSAGE_LISTENER": "seller.customer_service",
}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})


def authorized_shops(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shops = sandbox.state.shops
    return {"shops": [shops[s].to_authorized_api() for s in call.grant.shop_ids]}


def active_shops(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shops = sandbox.state.shops
    return {"shops": [{"id": s, "region": shops[s].region} for s in call.grant.shop_ids]}


def warehouses(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    return {"warehouses": [w.to_api() for w in call.shop.warehouses]}


def get_webhooks(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    hooks = [
        {
            "event_type": s.event_type,
            "address": s.address,
            "create_time": s.create_time,
            "update_time": s.update_time,
        }
        for s in call.shop.subscriptions.values()
    ]
    return {"webhooks": hooks, "total_count": len(hooks)}


def _event_type(body: dict[str, Any]) -> str:
    value = body.get("event_type")
    if value is None or value == "":
        raise param_error("body.event_type is missing")
    if value not in EVENT_TYPES:
        raise param_error(f"body.event_type is invalid: {value!r}")
    return str(value)


def check_address(address: Any) -> str:
    """configuration-guide.md: https, a domain name (no IP), no port, at most 255 characters.

    Unlike TikTok, `http://127.0.0.1:PORT/...` and `http://localhost:PORT/...` are accepted too,
    so tests and the demo need no TLS certificate.
    """
    if address is None or address == "":
        raise param_error("body.address is missing")
    if not isinstance(address, str) or len(address) > MAX_ADDRESS:
        raise param_error(f"body.address is invalid: at most {MAX_ADDRESS} characters")
    parts = urlsplit(address)
    host = parts.hostname or ""
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        return address
    if parts.scheme != "https" or not host:
        raise param_error("body.address is invalid: the webhook URL must use https://")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise param_error("body.address is invalid: use a domain name, not an IP address")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None:
        raise param_error("body.address is invalid: the webhook URL cannot have a port")
    return address


def put_webhook(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    address = check_address(call.body.get("address"))
    event_type = _event_type(call.body)
    needed = TOPIC_SCOPES.get(event_type)
    if needed is not None and needed not in call.grant.scopes:
        name = SCOPE_NAMES.get(needed, needed)
        raise ApiError.of(e.MISSING_SCOPE, f"The topic {event_type} needs {name} ({needed}).")
    current = call.shop.subscriptions.get(event_type)
    created = current.create_time if current else call.now
    call.shop.subscriptions[event_type] = Subscription(event_type, address, created, call.now)
    return {}


def delete_webhook(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    event_type = _event_type(call.body)
    call.shop.subscriptions.pop(event_type, None)
    return {}
