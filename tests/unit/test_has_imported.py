"""The demo imports its history once: decided by the import jobs, not by the orders shown."""

from __future__ import annotations

from pathlib import Path

from app.store import imports
from app.store.db import open_db
from app.store.orders import save_orders


def test_orders_from_a_poll_are_not_an_import_but_a_started_job_is(tmp_path: Path) -> None:
    db = open_db(tmp_path / "shop.db")
    assert not imports.has_imported(db)
    save_orders(db, "shop", [{"id": "1", "status": "UNPAID", "update_time": 5}], now=5)
    assert not imports.has_imported(db)  # the first poll's orders: the history is missing
    imports.save_new_job(db, "shop", 0, 10, now=5)
    assert imports.has_imported(db)
    db.close()
