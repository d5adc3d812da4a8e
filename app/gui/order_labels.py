"""The order pane's "Label and packing" section: the label bought (or refused, or stale) and
every pack the pack station recorded."""

from __future__ import annotations

import time
from html import escape

import sqlite_utils

from app.queries.labels import fetch_labels, fetch_packs


def labels_html(db: sqlite_utils.Database, order_id: str) -> str:
    """HTML for the section, or '' when Shopdesk never labelled or packed the order."""
    label = fetch_labels(db, [order_id]).get(order_id)
    packs = fetch_packs(db, order_id)
    if label is None and not packs:
        return ""
    lines: list[str] = []
    if label is not None:
        if label.state == "bought":
            tracking = ", ".join(p.tracking_number for p in label.packages if p.tracking_number)
            lines.append(
                escape(f"Label bought ({label.carrier} {label.service}) · {tracking}".strip())
            )
            if label.stale:
                lines.append(f"<b style='color:#b45309'>{escape(label.stale)}</b>")
        else:
            lines.append(f"<b style='color:#b91c1c'>No label: {escape(label.reason)}</b>")
    for pack in packs:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(pack["packed_at"]))
        units = sum(int(n) for n in pack["items"].values())
        where = pack["station"] or "a station"
        shipped = f" · tracking {pack['tracking_number']}" if pack["tracking_number"] else ""
        plural = "" if units == 1 else "s"
        lines.append(escape(f"Packed {when} on {where}: {units} unit{plural}{shipped}"))
    return (
        "<p style='margin-bottom:2px'><b>Label and packing</b></p><p style='margin-top:0'>"
        + "<br>".join(lines)
        + "</p>"
    )
