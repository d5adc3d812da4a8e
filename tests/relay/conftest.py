"""The relay tests reuse the connected-shop fixture of the sync tests."""

from tests.sync.conftest import connect_shop  # noqa: F401  (pytest fixture)
