"""A connected sandbox shop whose clock the deadline tests move."""

from tests.fulfillment.conftest import ship_shop  # noqa: F401  (fixture)
from tests.sync.conftest import connect_shop  # noqa: F401  (fixture)
