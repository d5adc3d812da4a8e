"""Requests as TikTok shows them: a Search Returns entry and the Get Return Records list."""

from __future__ import annotations

from typing import Any

from app.sandbox import return_reasons
from app.sandbox import returns_model as m
from app.sandbox.model import Shop
from app.sandbox.returns_model import ReturnRequest


def to_api(shop: Shop, req: ReturnRequest) -> dict[str, Any]:
    """One `return_orders[]` entry of Search Returns (fields the request has, as documented)."""
    data: dict[str, Any] = {
        "order_id": req.order_id,
        "return_id": req.id,
        "return_type": req.return_type,
        "return_status": req.status,
        "role": req.role,
        "return_reason": req.reason,
        "return_reason_text": return_reasons.text_of(req.reason),
        "can_buyer_keep_item": req.can_buyer_keep_item,
        "update_time": req.update_time,
        "create_time": req.create_time,
        "return_line_items": [
            {
                **line,
                "product_image": dict(line["product_image"]),
                "refund_amount": dict(line["refund_amount"]),
            }
            for line in req.lines
        ],
        # The spec lists both as arrays of objects (the changelog's example shows objects).
        "discount_amount": [dict(req.discount)],
        "shipping_fee_amount": [dict(req.return_shipping)],
        "refund_amount": dict(req.refund),
        "is_combined_return": False,
    }
    if req.arbitration_status is not None:
        data["arbitration_status"] = req.arbitration_status
    if req.action is not None and req.deadline is not None:
        data["seller_next_action_response"] = [{"action": req.action, "deadline": req.deadline}]
    if req.shipment_type is not None:
        data["shipment_type"] = req.shipment_type
        data["return_method"] = (
            "PLATFORM_SHIPPED" if req.shipment_type == "PLATFORM" else ("BUYER_SHIPPED")
        )
        if req.handover_method is not None:
            data["handover_method"] = req.handover_method
        data["return_shipping_document_type"] = "SHIPPING_LABEL"
        warehouse = next((w for w in shop.warehouses if w.type == "RETURN_WAREHOUSE"), None)
        if warehouse is not None:
            data["return_warehouse_address"] = {"full_address": warehouse.address["full_address"]}
    if req.tracking_number:
        data["return_tracking_number"] = req.tracking_number
        data["return_provider_name"] = req.provider_name
        data["return_provider_id"] = req.provider_id
    if req.partial_refund is not None:
        data["seller_proposed_return_type"] = "PARTIAL_REFUND"
        data["partial_refund"] = dict(req.partial_refund)
        data["buyer_rejected_partial_refund"] = bool(req.buyer_rejected_partial_refund)
    return data


def records_api(req: ReturnRequest) -> list[dict[str, Any]]:
    """Get Return Records' `records`, oldest first (`event` is always ORDER_RETURN)."""
    records = []
    for event in req.events:
        record: dict[str, Any] = {
            "event": "ORDER_RETURN",
            "role": event.role,
            "description": event.description,
            "create_time": event.at,
        }
        if event.reason_text:
            record["reason_text"] = event.reason_text
        if event.note:
            record["note"] = event.note
        if event.images:
            record["images"] = [dict(i) for i in event.images]
        if event.videos:
            record["videos"] = [dict(v) for v in event.videos]
        records.append(record)
    return records


def is_open(req: ReturnRequest) -> bool:
    """Still waiting for someone (the seller, the buyer, the carrier or the refund)."""
    return req.status not in m.FINAL
