"""The shop the fulfillment tests use: connected, with seller-shipped orders to ship."""

from tests.fulfillment.conftest import ship_shop  # noqa: F401  (fixture)
from tests.stock.conftest import stock_shop  # noqa: F401  (fixture)
from tests.sync.conftest import connect_shop  # noqa: F401  (fixture)
