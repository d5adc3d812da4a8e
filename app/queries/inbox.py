"""Webhooks received and how their processing went (the queue tab, `shopdesk status`)."""

from __future__ import annotations

from app.store.inbox import InboxItem, fetch_inbox, fetch_inbox_counts, fetch_last_received

__all__ = ["InboxItem", "fetch_inbox", "fetch_inbox_counts", "fetch_last_received"]
