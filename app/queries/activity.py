"""Sync runs and open errors (Health, the errors tab, `shopdesk status`)."""

from __future__ import annotations

from app.store.activity import fetch_last_run, fetch_last_success, fetch_open_errors, process_alive

__all__ = ["fetch_last_run", "fetch_last_success", "fetch_open_errors", "process_alive"]
