"""A US local shop (TikTok Shipping orders have no package until a label is bought)."""

from __future__ import annotations

from tests.fulfillment.conftest import ship_shop  # noqa: F401  (fixture)
from tests.sync.conftest import connect_shop  # noqa: F401  (fixture)
